"""The OpenAPI 3.1 description of the read-only JSON API, served at /api/openapi.json."""

from __future__ import annotations

PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {
        "name": "page_size",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    },
]
DATE_PARAMS = [
    {
        "name": "date_from",
        "in": "query",
        "description": "On or after this date (YYYY-MM-DD).",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "date_to",
        "in": "query",
        "description": "On or before this date (YYYY-MM-DD).",
        "schema": {"type": "string", "format": "date"},
    },
]
COMMITTEE_PARAM = {
    "name": "committee",
    "in": "query",
    "description": "A committee's id (its slug).",
    "schema": {"type": "string"},
}
ID_PARAM = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}

NULLABLE_STRING = {"type": ["string", "null"]}
LINK = {
    "type": "object",
    "properties": {"media_type": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
    "required": ["url"],
}
REF = "#/components/schemas/"


def _page_of(schema: str) -> dict:
    return {
        "type": "object",
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer"},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": {"$ref": REF + schema}},
        },
    }


def _ok(schema: dict | str, description: str) -> dict:
    if isinstance(schema, str):
        schema = {"$ref": REF + schema}
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}},
        "400": {"$ref": "#/components/responses/BadRequest"},
        "404": {"$ref": "#/components/responses/NotFound"},
    }


def document(base_url: str) -> dict:
    summary_ref = {"$ref": REF + "PersonSummary"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Board papers portal API",
            "version": "1",
            "description": (
                "Read-only access to committees, meetings (as Open Civic Data events, with their "
                "agenda items and documents), people and decisions. Answers hold only what the "
                "caller may see: without signing in, the public record."
            ),
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": {
            "/api/committees/": {
                "get": {
                    "operationId": "listCommittees",
                    "parameters": PAGE_PARAMS,
                    "responses": _ok(_page_of("CommitteeSummary"), "Committees"),
                }
            },
            "/api/committees/{id}/": {
                "get": {
                    "operationId": "getCommittee",
                    "parameters": [ID_PARAM],
                    "responses": _ok("Committee", "A committee and its current members"),
                }
            },
            "/api/meetings/": {
                "get": {
                    "operationId": "listMeetings",
                    "parameters": [
                        COMMITTEE_PARAM,
                        *DATE_PARAMS,
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": ["published", "cancelled", "postponed"],
                            },
                        },
                        *PAGE_PARAMS,
                    ],
                    "responses": _ok(_page_of("EventSummary"), "Meetings, newest first"),
                }
            },
            "/api/meetings/{id}/": {
                "get": {
                    "operationId": "getMeeting",
                    "parameters": [ID_PARAM],
                    "responses": _ok("Event", "A meeting with its agenda and documents"),
                }
            },
            "/api/people/": {
                "get": {
                    "operationId": "listPeople",
                    "parameters": PAGE_PARAMS,
                    "responses": _ok(_page_of("PersonSummary"), "People"),
                }
            },
            "/api/people/{id}/": {
                "get": {
                    "operationId": "getPerson",
                    "parameters": [ID_PARAM],
                    "responses": _ok("Person", "A person and their memberships"),
                }
            },
            "/api/decisions/": {
                "get": {
                    "operationId": "listDecisions",
                    "parameters": [COMMITTEE_PARAM, *DATE_PARAMS, *PAGE_PARAMS],
                    "responses": _ok(_page_of("Decision"), "Resolutions, newest first"),
                }
            },
            **PLAN_PATHS,
            **INTEREST_PATHS,
        },
        "components": {
            "responses": {
                "BadRequest": {
                    "description": "A parameter is not valid; the answer says which.",
                    "content": {"application/json": {"schema": {"$ref": REF + "Error"}}},
                },
                "NotFound": {
                    "description": "No such thing, or not one the caller may see.",
                    "content": {"application/json": {"schema": {"$ref": REF + "Error"}}},
                },
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}, "fields": {"type": "object"}},
                },
                "PersonSummary": {
                    "type": "object",
                    "required": ["id", "name", "url", "html_url"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "url": {"type": "string", "format": "uri"},
                        "html_url": {"type": "string", "format": "uri"},
                    },
                },
                "Person": {
                    "allOf": [
                        summary_ref,
                        {
                            "type": "object",
                            "properties": {
                                "honorific": NULLABLE_STRING,
                                "forenames": NULLABLE_STRING,
                                "surname": {"type": "string"},
                                "job_title": NULLABLE_STRING,
                                "organisation": NULLABLE_STRING,
                                "memberships": {
                                    "type": "array",
                                    "items": {"$ref": REF + "Membership"},
                                },
                            },
                        },
                    ]
                },
                "Membership": {
                    "type": "object",
                    "properties": {
                        "person": summary_ref,
                        "committee": {"$ref": REF + "CommitteeSummary"},
                        "role": {"type": "string"},
                        "organisation": NULLABLE_STRING,
                        "start_date": {"type": ["string", "null"], "format": "date"},
                        "end_date": {"type": ["string", "null"], "format": "date"},
                    },
                },
                "CommitteeSummary": {
                    "type": "object",
                    "required": ["id", "name", "url", "html_url"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "classification": {"type": "string"},
                        "url": {"type": "string", "format": "uri"},
                        "html_url": {"type": "string", "format": "uri"},
                    },
                },
                "Committee": {
                    "allOf": [
                        {"$ref": REF + "CommitteeSummary"},
                        {
                            "type": "object",
                            "properties": {
                                "description": {"type": "string"},
                                "contact_officer": {
                                    "oneOf": [{"$ref": REF + "PersonSummary"}, {"type": "null"}]
                                },
                                "memberships": {
                                    "type": "array",
                                    "items": {"$ref": REF + "Membership"},
                                },
                                "meetings": {"type": "string", "format": "uri"},
                                "calendar": {"type": "string", "format": "uri"},
                            },
                        },
                    ]
                },
                "EventSummary": {
                    "type": "object",
                    "description": "An Open Civic Data event.",
                    "required": ["_type", "id", "name", "classification", "start_date", "status"],
                    "properties": {
                        "_type": {"const": "event"},
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "classification": {"type": "string"},
                        "start_date": {"type": "string", "format": "date-time"},
                        "end_date": {"type": "string", "format": "date-time"},
                        "timezone": {"type": "string"},
                        "all_day": {"type": "boolean"},
                        "status": {
                            "type": "string",
                            "enum": ["confirmed", "tentative", "cancelled", "passed"],
                        },
                        "location": {"type": "object"},
                        "participants": {"type": "array", "items": {"type": "object"}},
                        "url": {"type": "string", "format": "uri"},
                        "html_url": {"type": "string", "format": "uri"},
                        "sources": {"type": "array", "items": {"type": "object"}},
                        "extras": {"type": "object"},
                    },
                },
                "Document": {
                    "type": "object",
                    "properties": {
                        "note": {"type": "string"},
                        "classification": {"type": "string"},
                        "date": {"type": "string", "format": "date"},
                        "links": {"type": "array", "items": LINK},
                        "extras": {"type": "object"},
                    },
                },
                "AgendaItem": {
                    "type": "object",
                    "required": ["order", "description"],
                    "properties": {
                        "order": {"type": "string"},
                        "description": {"type": "string"},
                        "classification": {"type": "array", "items": {"type": "string"}},
                        "subjects": {"type": "array", "items": {"type": "string"}},
                        "notes": {"type": "array", "items": {"type": "string"}},
                        "related_entities": {"type": "array", "items": {"type": "object"}},
                        "media": {"type": "array", "items": {"$ref": REF + "Document"}},
                        "extras": {"type": "object"},
                    },
                },
                "Event": {
                    "allOf": [
                        {"$ref": REF + "EventSummary"},
                        {
                            "type": "object",
                            "properties": {
                                "agenda": {
                                    "type": "array",
                                    "items": {"$ref": REF + "AgendaItem"},
                                },
                                "documents": {
                                    "type": "array",
                                    "items": {"$ref": REF + "Document"},
                                },
                                "media": {"type": "array", "items": {"$ref": REF + "Document"}},
                            },
                        },
                    ]
                },
                "Decision": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "number": {"type": ["integer", "null"]},
                        "text": {"type": "string"},
                        "minute": {"type": "object"},
                        "html_url": {"type": "string", "format": "uri"},
                        "meeting": {"$ref": REF + "EventSummary"},
                    },
                },
                **PLAN_SCHEMAS,
                **INTEREST_SCHEMAS,
            },
        },
    }


# ---------------------------------------------------------------------------------------------
# The forward plan, its notices and decision records (meetings.api_plans)
# ---------------------------------------------------------------------------------------------

_PLAN_FILTERS = [
    {
        "name": "decision_maker",
        "in": "query",
        "description": "The decision maker as published, e.g. Cabinet.",
        "schema": {"type": "string"},
    },
    {"name": "key_decision", "in": "query", "schema": {"type": "boolean"}},
    {
        "name": "ward",
        "in": "query",
        "description": "A ward's id (its slug).",
        "schema": {"type": "string"},
    },
]
_PK_PARAM = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_DATE = {"type": "string", "format": "date"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
_NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}
_URI = {"type": "string", "format": "uri"}

PLAN_PATHS = {
    "/api/forward-plan/": {
        "get": {
            "operationId": "listForwardPlan",
            "parameters": [*_PLAN_FILTERS, *PAGE_PARAMS],
            "responses": _ok(_page_of("PlanEntry"), "Forward plan entries by expected date"),
        }
    },
    "/api/forward-plan/{id}/": {
        "get": {
            "operationId": "getForwardPlanEntry",
            "parameters": [_PK_PARAM],
            "responses": _ok("PlanEntryFull", "An entry with its history, notices and agenda item"),
        }
    },
    "/api/notices/": {
        "get": {
            "operationId": "listNotices",
            "parameters": PAGE_PARAMS,
            "responses": _ok(_page_of("Notice"), "General exception and special urgency notices"),
        }
    },
    "/api/decision-records/": {
        "get": {
            "operationId": "listDecisionRecords",
            "parameters": [
                *_PLAN_FILTERS,
                {
                    "name": "date_from",
                    "in": "query",
                    "description": "Decided on or after this date (YYYY-MM-DD).",
                    "schema": _DATE,
                },
                {
                    "name": "date_to",
                    "in": "query",
                    "description": "Decided on or before this date (YYYY-MM-DD).",
                    "schema": _DATE,
                },
                *PAGE_PARAMS,
            ],
            "responses": _ok(_page_of("DecisionRecord"), "Decision records, newest first"),
        }
    },
    "/api/votes/": {
        "get": {
            "operationId": "listVoteEvents",
            "parameters": [
                {
                    "name": "person",
                    "in": "query",
                    "description": "Only votes in which this person (their id) voted.",
                    "schema": {"type": "string"},
                },
                *PAGE_PARAMS,
            ],
            "responses": _ok(_page_of("VoteEvent"), "Recorded votes as OCD vote events"),
        }
    },
    "/api/decision-records/{id}/": {
        "get": {
            "operationId": "getDecisionRecord",
            "parameters": [_PK_PARAM],
            "responses": _ok("DecisionRecord", "A decision record and its call-in state"),
        }
    },
}

_PLAN_ENTRY_PROPERTIES = {
    "id": {"type": "integer"},
    "matter": {"type": "string"},
    "summary": {"type": "string"},
    "decision_maker": {"type": "string"},
    "decision_maker_kind": {"enum": ["executive", "committee", "member", "officer"]},
    "expected_date": _DATE,
    "key_decision": {"type": "boolean"},
    "notice": {
        "description": "How a key decision was noticed.",
        "enum": [
            "28 clear days",
            "general exception",
            "special urgency",
            "short",
            "not a key decision",
            "not published",
        ],
    },
    "private": {"type": "boolean"},
    "exemption_paragraph": {"type": ["integer", "null"], "minimum": 1, "maximum": 7},
    "private_reason": {"type": "string"},
    "documents": {
        "type": ["array", "null"],
        "items": {"type": "string"},
        "description": "Null when the decision is taken in private and the caller is not a "
        "member or clerk.",
    },
    "contact": {"type": "string"},
    "wards": {"type": "array", "items": {"type": "string"}},
    "first_published_on": _NULLABLE_DATE,
    "url": _URI,
    "html_url": _URI,
}

PLAN_SCHEMAS = {
    "VoteEvent": {
        "type": "object",
        "required": ["_type", "id", "motion_text", "result", "counts", "votes"],
        "properties": {
            "_type": {"const": "vote_event"},
            "id": {"type": "integer"},
            "identifier": {"type": "string"},
            "motion_text": {"type": "string"},
            "motion_classification": {"type": "array", "items": {"type": "string"}},
            "start_date": {"type": "string", "format": "date-time"},
            "result": {"enum": ["pass", "fail"]},
            "organization": {"type": "string"},
            "counts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "option": {"enum": ["yes", "no", "abstain"]},
                        "value": {"type": "integer"},
                    },
                },
            },
            "votes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "option": {"enum": ["yes", "no", "abstain"]},
                        "voter_name": {"type": "string"},
                        "voter_id": {"type": "string"},
                        "voter_url": _URI,
                    },
                },
            },
            "sources": {"type": "array", "items": {"type": "object"}},
            "extras": {"type": "object"},
        },
    },
    "PlanEntry": {"type": "object", "properties": _PLAN_ENTRY_PROPERTIES},
    "PlanEntryFull": {
        "type": "object",
        "properties": {
            **_PLAN_ENTRY_PROPERTIES,
            "agenda_item": {
                "type": ["object", "null"],
                "properties": {
                    "number": {"type": "string"},
                    "title": {"type": "string"},
                    "meeting": {"$ref": REF + "EventSummary"},
                },
            },
            "history": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "published_at": {"type": "string", "format": "date-time"},
                        "note": {"type": "string"},
                        "matter": {"type": "string"},
                        "decision_maker": {"type": "string"},
                        "expected_date": _DATE,
                        "key_decision": {"type": "boolean"},
                        "private": {"type": "boolean"},
                    },
                },
            },
            "notices": {"type": "array", "items": {"$ref": REF + "Notice"}},
        },
    },
    "Notice": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"enum": ["general_exception", "special_urgency"]},
            "reasons": {"type": "string"},
            "scrutiny_chair": {"type": "string"},
            "chair_informed_at": _NULLABLE_DATETIME,
            "chair_agreed_at": _NULLABLE_DATETIME,
            "published_at": _NULLABLE_DATETIME,
            "plan_entry": _URI,
        },
    },
    "DecisionRecord": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "decision_maker": {"type": "string"},
            "decision_maker_kind": {"enum": ["executive", "committee", "member", "officer"]},
            "decided_on": _DATE,
            "key_decision": {"type": "boolean"},
            "decision": {"type": "string"},
            "reasons": {"type": "string"},
            "alternatives_rejected": {"type": "string"},
            "conflicts_of_interest": {"type": "string"},
            "dispensations": {"type": "string"},
            "wards": {"type": "array", "items": {"type": "string"}},
            "published_at": _NULLABLE_DATETIME,
            "call_in_applies": {"type": "boolean"},
            "state": {"enum": ["draft", "subject_to_call_in", "called_in", "effective"]},
            "takes_effect_on": _NULLABLE_DATE,
            "called_in_on": _NULLABLE_DATE,
            "call_in_meeting": {"oneOf": [{"$ref": REF + "EventSummary"}, {"type": "null"}]},
            "call_in_outcome": {"type": "string"},
            "effective_on": _NULLABLE_DATE,
            "plan_entry": {"type": ["string", "null"], "format": "uri"},
            "url": _URI,
            "html_url": _URI,
        },
    },
}


# Registers of interests (meetings.api_interests): a sensitive entry gives only its category and
# ``withheld`` (Localism Act 2011 s.32).
_SLUG_PARAM = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
INTEREST_PATHS = {
    "/api/interests/": {
        "get": {
            "operationId": "listInterestRegisters",
            "parameters": PAGE_PARAMS,
            "responses": _ok(
                _page_of("InterestRegisterSummary"),
                "Members and when each last updated their register",
            ),
        }
    },
    "/api/interests/{id}/": {
        "get": {
            "operationId": "getInterestRegister",
            "parameters": [_SLUG_PARAM],
            "responses": _ok("InterestRegister", "A member's approved register of interests"),
        }
    },
}
INTEREST_SCHEMAS = {
    "InterestRegisterSummary": {
        "type": "object",
        "required": ["id", "name", "last_updated", "url", "html_url"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "last_updated": _NULLABLE_DATETIME,
            "url": _URI,
            "html_url": _URI,
        },
    },
    "InterestEntry": {
        "type": "object",
        "required": ["category", "category_label", "disclosable_pecuniary", "withheld"],
        "description": "A withheld entry has only its category and a note.",
        "properties": {
            "category": {"type": "string"},
            "category_label": {"type": "string"},
            "disclosable_pecuniary": {"type": "boolean"},
            "withheld": {"type": "boolean"},
            "note": {"type": "string"},
            "held_by": {"enum": ["member", "member_or_partner"]},
            "description": {"type": "string"},
            "start_date": _NULLABLE_DATE,
            "end_date": _NULLABLE_DATE,
        },
    },
    "InterestRegister": {
        "type": "object",
        "required": ["id", "name", "html_url", "current", "earlier_versions"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "html_url": _URI,
            "current": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "properties": {
                            "id": {"type": "integer"},
                            "state": {"type": "string"},
                            "approved_at": _NULLABLE_DATETIME,
                            "demonstration": {"type": "boolean"},
                            "entries": {"type": "array", "items": {"$ref": REF + "InterestEntry"}},
                        },
                    },
                ]
            },
            "earlier_versions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}, "approved_at": _NULLABLE_DATETIME},
                },
            },
        },
    },
}
