"""The minutes screen: start the minutes, record who attended (one list of the committee's
members, present, apologies or absent, then the substitutes, representatives and officers who
came), write one minute after another beside its agenda text and papers, record under each
minute the declarations of interest made, publish and approve. Each view is thin: every write is
a function of ``meetings.services`` (or ``meetings.declarations``) with an audit entry."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from reports.models import Report, ReportPage

from . import declarations, services
from .forms_minutes import (
    ABSENT,
    APOLOGIES,
    CHAIR,
    PRESENT,
    ApproveForm,
    AttendanceForm,
    DeclarationForm,
    MinuteItemForm,
    OthersFormSet,
    capacity_of,
    minute_version,
)
from .minutes_layout import attendance_groups
from .models import AgendaItem, Attendance, Declaration, Meeting, MinuteItem, Minutes, Person
from .workspace import _meeting, clerk_required

FIRST_LINES = 300  # characters of a paper's first page shown beside the minute


def _minutes(meeting: Meeting) -> Minutes:
    return get_object_or_404(Minutes.objects.select_related("approved_at"), meeting=meeting)


def _overview(request: HttpRequest, meeting: Meeting, minutes: Minutes, approve_form=None):
    attendance = list(minutes.attendance.select_related("person"))
    groups = attendance_groups(attendance)
    items = list(
        minutes.items.visible_to(request.user)
        .order_by("position")
        .prefetch_related("resolutions")
        .select_related("agenda_item__parent")
    )
    return render(
        request,
        "workspace/minutes.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "present": [a for a in attendance if a.group != Attendance.Group.APOLOGIES],
            "apologies": groups.apologies,
            "items": items,
            "next_to_write": next(
                (i for i in items if not (i.narrative or i.narrative_html or i.resolutions.all())),
                None,
            ),
            "approve_form": approve_form or ApproveForm(minutes=minutes),
        },
    )


@clerk_required
def minutes_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The minutes of a meeting at a glance, or the button that starts them."""
    meeting = _meeting(request, slug)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("approved_at").first()
    if minutes is None:
        if request.method == "POST":
            services.minutes_start(meeting=meeting, by=request.user)
            messages.success(
                request,
                "Draft minutes started from the agenda and the membership. "
                "Record who attended, then write each minute.",
            )
            return redirect("workspace-minutes-attendance", slug=meeting.slug)
        return render(request, "workspace/minutes.html", {"meeting": meeting, "minutes": None})
    if request.method == "POST":
        return redirect("workspace-minutes", slug=meeting.slug)
    return _overview(request, meeting, minutes)


def _memberships(meeting: Meeting):
    on = timezone.localtime(meeting.start).date()
    return [
        m
        for m in meeting.committee.memberships.select_related("person").order_by("position", "pk")
        if m.is_current(on)
    ]


@clerk_required
def minutes_attendance(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting(request, slug)
    minutes = _minutes(meeting)
    memberships = _memberships(meeting)
    member_ids = {m.person_id for m in memberships}
    rows = {a.person_id: a for a in minutes.attendance.select_related("person")}
    current = {m.person_id: _choice(rows.get(m.person_id)) for m in memberships}
    others_initial = [
        {"person": a.person, "group": a.group, "capacity": a.capacity, "directorate": a.directorate}
        for a in sorted(rows.values(), key=lambda a: (a.position, a.pk))
        if a.person_id not in member_ids and a.group != Attendance.Group.APOLOGIES
    ]
    people = Person.objects.exclude(pk__in=member_ids).order_by("surname", "forenames", "pk")
    data = request.POST if request.method == "POST" else None
    form = AttendanceForm(data, memberships=memberships, current=current)
    others = OthersFormSet(data, initial=others_initial, prefix="others", people=people)
    if data is not None and form.is_valid() and others.is_valid():
        lines = _attendance_lines(form, others, memberships, rows)
        try:
            services.minutes_attendance_save(minutes=minutes, lines=lines, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            present = sum(1 for line in lines if line["group"] != Attendance.Group.APOLOGIES)
            apologies = len(lines) - present
            saved = (
                f"Attendance saved: {present} present, {apologies} "
                f"{'apology' if apologies == 1 else 'apologies'}."
            )
            action = request.POST.get("action")
            if action == "more":
                # Not a success banner, which would take the focus: the clerk goes on typing
                # in the first empty row.
                messages.info(request, f"{saved} Add the next people below.")
                return redirect(
                    reverse("workspace-minutes-attendance", args=[slug]) + "#others-new"
                )
            messages.success(request, saved)
            first = minutes.items.visible_to(request.user).order_by("position").first()
            if action == "continue" and first:
                return redirect("workspace-minute-item", pk=first.pk)
            return redirect("workspace-minutes", slug=slug)
    return render(
        request,
        "workspace/minutes_attendance.html",
        {"meeting": meeting, "minutes": minutes, "form": form, "others": others},
    )


def _choice(row: Attendance | None) -> str:
    if row is None:
        return ABSENT
    if row.group == Attendance.Group.APOLOGIES:
        return APOLOGIES
    return CHAIR if row.is_chair else PRESENT


def _attendance_lines(form, others, memberships, rows) -> list[dict]:
    """The attendance in the order the minutes print it: members present, the others who came
    (board members and substitutes, representatives, officers), then apologies."""
    present, apologies = [], []
    for membership in memberships:
        person = membership.person
        choice = form.cleaned_data[f"member_{person.pk}"]
        row = rows.get(person.pk)
        line = {
            "person": person,
            "capacity": row.capacity if row else capacity_of(person, membership),
            "is_chair": form.cleaned_data.get("chair") == str(person.pk),
        }
        if choice == PRESENT:
            keep = row and row.group != Attendance.Group.APOLOGIES
            present.append({**line, "group": row.group if keep else Attendance.Group.BOARD_MEMBER})
        elif choice == APOLOGIES:
            apologies.append({**line, "group": Attendance.Group.APOLOGIES, "is_chair": False})
    order = [group for group, _ in Attendance.Group.choices]
    came = [
        {
            "person": f.cleaned_data["person"],
            "group": f.cleaned_data["group"],
            "capacity": f.cleaned_data["capacity"].strip()
            or (
                ""
                if f.cleaned_data["group"] == Attendance.Group.OFFICER
                else capacity_of(f.cleaned_data["person"])
            ),
            "directorate": f.cleaned_data["directorate"].strip(),
        }
        for f in others.forms
        if f.cleaned_data.get("person")
    ]
    lines = present + came
    # The board as the seed prints it: councillors first, then everyone else (substitutes
    # among them) by surname; the other groups as entered; apologies last.
    board = [line for line in lines if line["group"] == Attendance.Group.BOARD_MEMBER]
    board.sort(key=_board_order)
    rest = [line for line in lines if line["group"] != Attendance.Group.BOARD_MEMBER]
    rest.sort(key=lambda line: order.index(line["group"]))
    return board + rest + apologies


def _board_order(line: dict) -> tuple:
    person = line["person"]
    return (person.honorific != "Councillor", person.surname.casefold(), person.forenames)


def _minute(request: HttpRequest, pk: int) -> MinuteItem:
    return get_object_or_404(
        MinuteItem.objects.visible_to(request.user).select_related(
            "minutes__meeting__committee", "minutes__approved_at", "agenda_item__parent"
        ),
        pk=pk,
    )


def _agenda_beside(item: MinuteItem) -> dict:
    """What the minute records: its agenda item's words, sub-items and papers (the first lines
    of each), as the clerk reads them while writing."""
    agenda_item = item.agenda_item
    if agenda_item is None:
        return {"agenda_item": None}
    papers = (
        Report.objects.filter(
            Q(agenda_item=agenda_item) | Q(agenda_item__parent=agenda_item),
            withdrawn_at__isnull=True,
            superseded_at__isnull=True,
        )
        .select_related("agenda_item")
        .prefetch_related(
            Prefetch("pages", ReportPage.objects.filter(number=1), to_attr="first_pages")
        )
        .order_by("agenda_item__position", "position", "pk")
    )
    for paper in papers:
        text = " ".join(paper.first_pages[0].text.split()) if paper.first_pages else ""
        paper.first_lines = text[:FIRST_LINES] + ("…" if len(text) > FIRST_LINES else "")
    return {
        "agenda_item": agenda_item,
        "sub_items": AgendaItem.objects.filter(parent=agenda_item).order_by("position"),
        "papers": papers,
    }


def _neighbours(request: HttpRequest, item: MinuteItem) -> tuple[int | None, int | None, int, int]:
    """The previous and next minutes' ids, this minute's place and how many there are."""
    ids = list(
        MinuteItem.objects.visible_to(request.user)
        .filter(minutes=item.minutes)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    index = ids.index(item.pk)
    previous = ids[index - 1] if index > 0 else None
    following = ids[index + 1] if index + 1 < len(ids) else None
    return previous, following, index + 1, len(ids)


def _minute_form(item: MinuteItem, data=None) -> MinuteItemForm:
    resolutions = list(item.resolutions.order_by("position").values_list("text", flat=True))
    return MinuteItemForm(
        data,
        resolutions=resolutions,
        initial={
            "narrative": item.narrative,
            "version": minute_version(item.narrative, resolutions),
        },
    )


def _declaration_form(item: MinuteItem, data=None, current: Declaration | None = None):
    """The form for a declaration under this minute: those who attended, then the committee's
    other members, and the entries of their published registers."""
    people = declarations.declarers(item.minutes)
    initial = {}
    if current is not None:
        initial = {
            "person": current.person_id,
            "kind": current.kind,
            "interest": current.interest,
            "left_room": current.left_room,
            "register_entry": current.register_entry_id,
        }
    return DeclarationForm(
        data,
        declarers=people,
        entries=declarations.published_entries(people.everyone),
        current=current,
        initial=initial,
    )


def _minute_page(
    request: HttpRequest, item: MinuteItem, form: MinuteItemForm, declaration_form=None
) -> HttpResponse:
    previous, following, place, total = _neighbours(request, item)
    narrative = form["narrative"].value() or ""
    can_change = item.minutes.status != Minutes.Status.APPROVED
    if declaration_form is None and can_change:
        declaration_form = _declaration_form(item)
    return render(
        request,
        "workspace/minute_item.html",
        {
            "item": item,
            "meeting": item.minutes.meeting,
            "minutes": item.minutes,
            "form": form,
            "words": len(str(narrative).split()),
            "previous": previous,
            "following": following,
            "place": place,
            "total": total,
            "autosave": not item.minutes.is_published
            and item.minutes.status == Minutes.Status.DRAFT,
            "declarations": item.declarations.visible_to(request.user)
            .select_related("person", "register_entry__version")
            .order_by("pk"),
            "declaration_form": declaration_form,
            **_agenda_beside(item),
        },
    )


@clerk_required
def minute_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _minute(request, pk)
    form = _minute_form(item, request.POST if request.method == "POST" else None)
    meeting = item.minutes.meeting
    if request.method == "POST" and form.is_valid():
        previous, following, _, _ = _neighbours(request, item)
        values = form.values()
        try:
            services.minute_item_save(item=item, by=request.user, **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            action = request.POST.get("action")
            here = reverse("workspace-minute-item", args=[item.pk])
            if action == "add-resolution":
                messages.success(request, f"Minute {item.number} saved. Write the next resolution.")
                return redirect(f"{here}#id_resolution_{len(values['resolutions']) + 1}")
            if action == "next" and not following:
                messages.success(
                    request,
                    f"Minute {item.number} saved. That was the last minute: check them, then "
                    "publish.",
                )
                return redirect("workspace-minutes", slug=meeting.slug)
            messages.success(request, f"Minute {item.number} saved.")
            if action == "next":
                return redirect("workspace-minute-item", pk=following)
            if action == "back":
                if previous:
                    return redirect("workspace-minute-item", pk=previous)
                return redirect("workspace-minutes-attendance", slug=meeting.slug)
            if action == "save":
                return redirect(here)
            return redirect(reverse("workspace-minutes", args=[meeting.slug]) + f"#minute-{pk}")
    return _minute_page(request, item, form)


@clerk_required
@require_POST
def minute_item_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """The page's script saves the minute as the clerk writes, through the same service; a
    minute of published minutes is saved only when the clerk says so (the public reads it)."""
    item = _minute(request, pk)
    if item.minutes.is_published or item.minutes.status != Minutes.Status.DRAFT:
        return JsonResponse(
            {
                "message": "Not saved automatically: these minutes are published. Press a Save "
                "button to change them."
            },
            status=409,
        )
    resolutions = list(item.resolutions.order_by("position").values_list("text", flat=True))
    form = MinuteItemForm(request.POST, resolutions=resolutions)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return JsonResponse({"message": f"Not saved: {first}"}, status=400)
    seen = form.cleaned_data.get("version")
    if seen and seen != minute_version(item.narrative, resolutions):
        return JsonResponse(
            {
                "message": "Not saved automatically: this minute was saved elsewhere since you "
                "opened it (another tab or clerk). Save and next keeps your words; reload the "
                "page to see theirs."
            },
            status=409,
        )
    values = form.values()
    try:
        services.minute_item_save(item=item, by=request.user, **values)
    except ValidationError as error:
        return JsonResponse({"message": f"Not saved: {' '.join(error.messages)}"}, status=409)
    return JsonResponse(
        {
            "message": f"Saved at {timezone.localtime():%H:%M}",
            "version": minute_version(values["narrative"], values["resolutions"]),
        }
    )


@clerk_required
@require_POST
def minutes_publish(request: HttpRequest, slug: str) -> HttpResponse:
    minutes = _minutes(_meeting(request, slug))
    services.minutes_publish(minutes=minutes, by=request.user)
    messages.success(request, "Minutes published. Until they are approved they are marked draft.")
    return redirect("workspace-minutes", slug=slug)


@clerk_required
@require_POST
def minutes_approve(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting(request, slug)
    minutes = _minutes(meeting)
    form = ApproveForm(request.POST, minutes=minutes)
    if form.is_valid():
        try:
            services.minutes_approve(minutes=minutes, at=form.cleaned_data["at"], by=request.user)
        except ValidationError as error:
            form.add_error("at", error)
        else:
            messages.success(request, "Minutes marked as approved; the two meetings now link.")
            return redirect("workspace-minutes", slug=slug)
    return _overview(request, meeting, minutes, approve_form=form)


# Declarations of interest under a minute: recorded, changed and removed through
# ``meetings.declarations``, never written here.


def _declared(declaration: Declaration) -> str:
    kind = declaration.get_kind_display().lower()
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{declaration.person.display_name}, {article} {kind}"


def _declarations_url(item: MinuteItem) -> str:
    return reverse("workspace-minute-item", args=[item.pk]) + "#declarations"


@clerk_required
@require_POST
def declaration_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a declaration under the minute; refused, the minute's page again with what is
    wrong (the minute's own words as saved)."""
    item = _minute(request, pk)
    form = _declaration_form(item, request.POST)
    if form.is_valid():
        try:
            declaration = declarations.declaration_add(
                minute_item=item, by=request.user, **form.values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Declaration recorded: {_declared(declaration)}.")
            return redirect(_declarations_url(item))
    return _minute_page(request, item, _minute_form(item), declaration_form=form)


def _declaration(request: HttpRequest, pk: int) -> Declaration:
    return get_object_or_404(
        Declaration.objects.visible_to(request.user).select_related(
            "person",
            "register_entry__version__person",
            "minute_item__minutes__meeting__committee",
            "minute_item__agenda_item",
        ),
        pk=pk,
    )


@clerk_required
def declaration_change(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _declaration(request, pk)
    item = declaration.minute_item
    data = request.POST if request.method == "POST" else None
    form = _declaration_form(item, data, current=declaration)
    if data is not None and form.is_valid():
        try:
            declarations.declaration_update(
                declaration=declaration, by=request.user, **form.values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Declaration saved: {_declared(declaration)}.")
            return redirect(_declarations_url(item))
    return render(
        request,
        "workspace/declaration.html",
        {
            "declaration": declaration,
            "item": item,
            "minutes": item.minutes,
            "meeting": item.minutes.meeting,
            "form": form,
        },
    )


@clerk_required
def declaration_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then remove a declaration recorded in error."""
    declaration = _declaration(request, pk)
    item = declaration.minute_item
    if request.method == "POST":
        said = _declared(declaration)
        try:
            declarations.declaration_remove(declaration=declaration, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Declaration removed: {said}.")
        return redirect(_declarations_url(item))
    return render(
        request,
        "workspace/declaration_remove.html",
        {
            "declaration": declaration,
            "item": item,
            "minutes": item.minutes,
            "meeting": item.minutes.meeting,
        },
    )
