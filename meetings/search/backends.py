"""The two implementations of the search: PostgreSQL full-text search and SQLite FTS5.

Both take the parsed query and a WHERE clause that the ORM compiled from the passages the viewer
may read and the filters asked for, so private passages are gone before anything is counted or
ranked. A backend is made for one audience (``backend_for(using, audience=...)``), and whatever
its ranking counts across passages (how many hold a word, how long they are) it counts among the
passages that audience may read, so hidden material never changes the order anyone else sees:
SQLite searches an FTS5 table per audience, PostgreSQL weighs words by counts over the viewer's
passages. Each does the same two things:

- ``ranked``: in one statement, the number of matches (counted up to a cap) and the ids of one
  page of them, best first or newest first, ranked among at most that many candidates: all the
  matches when there are no more, otherwise the first the index gives (SQLite: the most recently
  indexed; PostgreSQL: the first found by the GIN index, in table order, or the most recently
  indexed for a word in most passages);
- ``snippets``: a highlighted title and extract for the passages on that page only.

Matches are marked with two private-use characters; ``meetings.search`` escapes the text and
turns them into ``<mark>``.
"""

# ruff: noqa: S608 -- SQL is built from fixed fragments; every typed word is a parameter.
from __future__ import annotations

import json
import math

from django.db import connections

from ..models_search import AUDIENCES, CLERKS, MEMBERS, PUBLIC
from ..search_index import HIGHLIGHT_MARKS
from .query import Atom, ParsedQuery

START, STOP = HIGHLIGHT_MARKS
ANGLES = "\ue002\ue003"  # stand-ins for < and > while PostgreSQL makes a headline
PHRASE_BOOST = 4  # a passage with the typed words side by side scores this many times more
TABLE = "meetings_passage"


class Backend:
    vendor = ""
    newest_first = False  # over the cap, rank the most recently indexed matches

    def __init__(self, using: str = "default", *, audience: int = PUBLIC) -> None:
        if audience not in AUDIENCES:
            raise ValueError(f"Unknown audience {audience!r}.")
        self.using = using
        self.audience = audience

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def ranked(
        self,
        query: ParsedQuery,
        where: tuple[str, list],
        *,
        cap: int,
        newest_first: bool,
        order: str,
        offset: int,
        limit: int,
    ) -> tuple[int, list[int]]:
        """In one statement: how many passages match (counted up to ``cap`` + 1) and the ids of
        one page of them, best first (or newest first), ranked among at most ``cap`` + 1."""
        raise NotImplementedError

    def snippets(self, query: ParsedQuery, ids: list[int]) -> dict[int, tuple[str, str]]:
        raise NotImplementedError


class PostgresBackend(Backend):
    """A stored weighted tsvector (title A, body B) with a GIN index. Each word or phrase becomes
    a ``phraseto_tsquery`` in the ``portal_english`` configuration, combined with the tsquery
    operators, so the database's own parser reads the words exactly as it read the text. The
    tsquery is worked out first and then sent as a constant, so the planner knows how common the
    words are: for a rare word it starts from the GIN index; for "council" it walks the newest
    passages and stops at the cap. With more than one word, each is weighted by how rare it is
    among the passages the viewer may read (ts_rank has no notion of that): both the number of
    passages holding it and the number of passages are counted within what the viewer may read,
    never taken from the whole table or the planner's statistics.
    """

    vendor = "postgresql"
    CONFIG = "portal_english"
    # The vectors are TOASTed, so the planner does not see what it costs to unpack one: it may
    # scan the table, or walk the primary key, testing every vector. Starting from the GIN index
    # (a bitmap scan) is always the better plan here. JIT only adds latency.
    SETTINGS = (
        "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL jit = off"
    )
    WALK_SETTINGS = "SET LOCAL enable_seqscan = off; SET LOCAL jit = off"
    HEADLINE = (
        f'StartSel="{START}", StopSel="{STOP}", MaxWords=40, MinWords=18, ShortWord=2, '
        'MaxFragments=2, FragmentDelimiter=" … "'
    )
    TITLE_HEADLINE = f'StartSel="{START}", StopSel="{STOP}", HighlightAll=true'
    DF_CAP = 1000  # a word in more passages than this gets the smallest weight
    N_CAP = 20 * DF_CAP  # the passages the viewer may read, counted up to this many

    def __init__(self, using: str = "default", *, audience: int = PUBLIC) -> None:
        super().__init__(using, audience=audience)
        self._resolved: dict = {}

    # A word the planner expects in more than this share of the passages ("council") is
    # found faster by walking the newest passages and testing each than by building a bitmap
    # of every match from the GIN index; that walk also makes the capped candidates the newest.
    WALK_SHARE = 0.3

    def _fetch(self, sql: str, params: list, *, walk: bool = False) -> list[tuple]:
        connection = connections[self.using]
        if connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute(self.WALK_SETTINGS if walk else self.SETTINGS)
        return super()._fetch(sql, params)

    def _walk(self, texts: dict[str, str]) -> bool:
        """Whether the planner's statistics say this tsquery matches most passages. The
        estimate chooses a plan only; it is never shown (it counts private passages too)."""
        text, rows = texts["query"], float(texts["reltuples"] or 0)
        if rows < 10_000 or not text or "<->" in text or "!" in text:
            return False
        with connections[self.using].cursor() as cursor:
            cursor.execute(
                f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE search_vector @@ %s::tsquery",
                [text],
            )
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return plan[0]["Plan"]["Plan Rows"] > self.WALK_SHARE * rows

    def _atom(self, atom: Atom) -> tuple[str, list]:
        return f"phraseto_tsquery('{self.CONFIG}', %s)", [atom.text]

    def _any(self, atoms) -> tuple[str, list]:
        parts = [self._atom(a) for a in atoms]
        return "(" + " || ".join(p[0] for p in parts) + ")", [x for p in parts for x in p[1]]

    def tsquery(self, query: ParsedQuery) -> tuple[str, list]:
        parts = [self._any(g) for g in query.groups]
        sql = " && ".join(p[0] for p in parts)
        params = [x for p in parts for x in p[1]]
        if query.excluded:
            excluded, more = self._any(query.excluded)
            sql = f"({sql}) && !!{excluded}"
            params += more
        return sql, params

    def resolve(self, query: ParsedQuery) -> dict[str, str]:
        """The query's tsqueries as text, in one round trip: the whole query ("query"), any of
        its words ("any", for headlines), each word or phrase ("a0", "a1" ...) and the typed
        words side by side ("phrase")."""
        if query in self._resolved:
            return self._resolved[query]
        parts = {"query": self.tsquery(query), "any": self._any(query.atoms)}
        for n, atom in enumerate(query.atoms):
            parts[f"a{n}"] = self._atom(atom)
        if query.phrase is not None:
            parts["phrase"] = self._atom(query.phrase)
        parts["reltuples"] = (f"SELECT reltuples FROM pg_class WHERE oid = '{TABLE}'::regclass", [])
        sql = "SELECT " + ", ".join(f"({expr})::text" for expr, _ in parts.values())
        row = super()._fetch(sql, [x for _, params in parts.values() for x in params])[0]
        self._resolved[query] = dict(zip(parts, row, strict=True))
        return self._resolved[query]

    def _weights(self, query: ParsedQuery, where: tuple[str, list]) -> list[float]:
        """An inverse document frequency per word or phrase, within what the viewer may read:
        the passages that hold it (those of ``where``, up to ``DF_CAP``) against the passages of
        the viewer's audience (up to ``N_CAP``). Nothing hidden from the viewer is counted, so
        hidden material cannot change the weights, and with them the order."""
        texts = self.resolve(query)
        atoms = query.atoms
        if len(atoms) < 2:
            return [1.0] * len(atoms)
        # The audience alone, not the filters: the first N_CAP rows of the table nearly all
        # qualify, so the count stops early instead of scanning for a narrow filter's rows.
        counts = [
            f"(SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE}.audience_min <= %s "
            f"AND {TABLE}.audience_max >= %s LIMIT {self.N_CAP}) AS v)"
        ]
        params: list = [self.audience, self.audience]
        for n in range(len(atoms)):
            counts.append(
                f"(SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE}.search_vector @@ "
                f"%s::tsquery AND ({where[0]}) LIMIT {self.DF_CAP}) AS m)"
            )
            params += [texts[f"a{n}"], *where[1]]
        row = self._fetch(f"SELECT {', '.join(counts)}", params)[0]
        n = max(row[0] or 0, max(row[1:]), 1)
        return [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in row[1:]]

    def ranked(self, query, where, *, cap, newest_first, order, offset, limit):
        texts = self.resolve(query)
        params: list = []  # for the rank, which comes after the match in the statement
        if order == "relevance":
            weights = self._weights(query, where)
            if len(weights) > 1:
                terms = []
                for n, weight in enumerate(weights):
                    terms.append(f"{weight:.6f} * ts_rank(c.search_vector, %s::tsquery, 1)")
                    params.append(texts[f"a{n}"])
                rank = " + ".join(terms)
            else:
                rank = "ts_rank(c.search_vector, %s::tsquery, 1)"
                params.append(texts["query"])
            if "phrase" in texts:
                rank = (
                    f"({rank}) * (CASE WHEN c.search_vector @@ %s::tsquery "
                    f"THEN {PHRASE_BOOST} ELSE 1 END)"
                )
                params.append(texts["phrase"])
            ordering = "score DESC, c.id DESC"
        else:
            rank, ordering = "0", "c.date DESC, c.id DESC"
        walk = self._walk(texts)
        newest = f"ORDER BY {TABLE}.id DESC" if newest_first or walk else ""
        sql = (
            f"WITH c AS MATERIALIZED (SELECT {TABLE}.id, {TABLE}.date, {TABLE}.search_vector "
            f"FROM {TABLE} WHERE {TABLE}.search_vector @@ %s::tsquery AND ({where[0]}) {newest} "
            f"LIMIT %s) SELECT n.total, r.id FROM (SELECT count(*) AS total FROM c) AS n "
            f"LEFT JOIN LATERAL (SELECT c.id, {rank} AS score FROM c ORDER BY {ordering} "
            f"LIMIT %s OFFSET %s) AS r ON true"
        )
        rows = self._fetch(
            sql, [texts["query"], *where[1], cap + 1, *params, limit, offset], walk=walk
        )
        return rows[0][0], [row[1] for row in rows if row[1] is not None]

    def snippets(self, query, ids):
        if not ids:
            return {}
        sql = (
            f"SELECT p.id, ts_headline('{self.CONFIG}', {self._text('p.title')}, %s::tsquery, "
            f"%s), ts_headline('{self.CONFIG}', {self._text('p.body')}, %s::tsquery, %s) "
            f"FROM {TABLE} AS p WHERE p.id = ANY(%s)"
        )
        any_words = self.resolve(query)["any"]
        params = [any_words, self.TITLE_HEADLINE, any_words, self.HEADLINE, list(ids)]
        back = str.maketrans(ANGLES, "<>")
        return {
            row[0]: (row[1].translate(back), row[2].translate(back))
            for row in self._fetch(sql, params)
        }

    @staticmethod
    def _text(column: str) -> str:
        """The text as the vector read it: angle brackets stood in for, so that ts_headline
        does not skip words it takes for HTML tags; they are put back afterwards."""
        return f"translate({column}, '<>', '{ANGLES}')"


class SqliteBackend(Backend):
    """FTS5 over title and body with the porter stemmer, ranked by bm25 (the title counts four
    times the body), extracts by ``snippet()``. Every word and phrase is passed to FTS5 as a
    quoted string, so FTS5's own operators (NEAR, AND, NOT, *, ^, column filters) are never
    read from what someone typed.

    bm25 counts how many passages of its table hold a word and how long they are on average,
    so each audience has its own FTS5 table holding only the passages it may read (migration
    0010, kept in step by triggers on ``meetings_passage``), and the backend searches the
    viewer's."""

    vendor = "sqlite"
    newest_first = True
    TABLES = {
        PUBLIC: "meetings_passage_fts_public",
        MEMBERS: "meetings_passage_fts_members",
        CLERKS: "meetings_passage_fts_clerks",
    }
    WEIGHTS = "4.0, 1.0"

    def __init__(self, using: str = "default", *, audience: int = PUBLIC) -> None:
        super().__init__(using, audience=audience)
        self.fts = self.TABLES[audience]

    @classmethod
    def refill(cls, using: str = "default") -> dict[int, int]:
        """Empty each audience's table and fill it again from ``meetings_passage``: the repair
        for a table that has fallen out of step (FTS5's own 'rebuild' would put every passage
        in every table). Returns the passages now in each."""
        filled = {}
        with connections[using].cursor() as cursor:
            for audience, table in cls.TABLES.items():
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
                cursor.execute(
                    f"INSERT INTO {table}(rowid, title, body) SELECT id, title, body FROM {TABLE} "
                    "WHERE audience_min <= %s AND audience_max >= %s ORDER BY id",
                    [audience, audience],
                )
                filled[audience] = cursor.rowcount
        return filled

    @staticmethod
    def _atom(atom: Atom) -> str:
        return '"' + " ".join(atom.tokens).replace('"', '""') + '"'

    def _any(self, atoms) -> str:
        return "(" + " OR ".join(self._atom(a) for a in atoms) + ")"

    def match(self, query: ParsedQuery) -> str:
        expression = " AND ".join(self._any(g) for g in query.groups)
        if query.excluded:
            expression = f"({expression}) NOT {self._any(query.excluded)}"
        return expression

    def _from(self) -> str:
        return f"{self.fts} JOIN {TABLE} ON {TABLE}.id = {self.fts}.rowid"

    def ranked(self, query, where, *, cap, newest_first, order, offset, limit):
        newest = f"ORDER BY {self.fts}.rowid DESC" if newest_first else ""
        score = f"bm25({self.fts}, {self.WEIGHTS})" if order == "relevance" else "0"
        params = []
        if query.phrase is not None and order == "relevance":
            score = (
                f"{score} * (CASE WHEN {self.fts}.rowid IN (SELECT rowid FROM {self.fts} "
                f"WHERE {self.fts} MATCH %s) THEN {PHRASE_BOOST} ELSE 1 END)"
            )
            params.append(self._atom(query.phrase))
        ordering = "score ASC, id DESC" if order == "relevance" else "date DESC, id DESC"
        sql = (
            f"WITH c AS MATERIALIZED (SELECT {TABLE}.id AS id, {TABLE}.date AS date, "
            f"{score} AS score FROM {self._from()} WHERE {self.fts} MATCH %s "
            f"AND ({where[0]}) {newest} LIMIT %s) "
            f"SELECT n.total, r.id FROM (SELECT count(*) AS total FROM c) AS n LEFT JOIN "
            f"(SELECT id FROM c ORDER BY {ordering} LIMIT %s OFFSET %s) AS r ON 1"
        )
        params += [self.match(query), *where[1], cap + 1, limit, offset]
        rows = self._fetch(sql, params)
        return rows[0][0], [row[1] for row in rows if row[1] is not None]

    def snippets(self, query, ids):
        if not ids:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, highlight({self.fts}, 0, %s, %s), "
            f"snippet({self.fts}, 1, %s, %s, ' … ', 40) "
            f"FROM {self.fts} WHERE {self.fts} MATCH %s AND rowid IN ({marks})"
        )
        params = [START, STOP, START, STOP, self._any(query.atoms), *ids]
        return {row[0]: (row[1], row[2]) for row in self._fetch(sql, params)}


def backend_for(using: str = "default", *, audience: int = PUBLIC) -> Backend:
    """The search for this database, ranking within what ``audience`` may read."""
    vendor = connections[using].vendor
    for backend in (PostgresBackend, SqliteBackend):
        if backend.vendor == vendor:
            return backend(using, audience=audience)
    raise NotImplementedError(f"Search has no implementation for {vendor}.")
