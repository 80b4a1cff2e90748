"""Search benchmark: index build time and p50/p95 latency, with snippets, for rare words, common
words, a phrase and one very common word, over a synthetic archive of about 200,000 passages
(about 40 million words), on PostgreSQL and SQLite through the portal's own ``search()``, and on
tantivy (tantivy-py) in the same run as the reference. Prints the figures and the ratios.

    .venv/bin/python bench/search.py [--passages 200000] [--repeat 5] [--seed 1]
        [--engines postgres,sqlite,tantivy] [--pg postgres://postgres@127.0.0.1:5432/postgres]

Everything runs on throwaway stores made for the run and dropped after it: a PostgreSQL
database ``bp_search_bench`` (on the server --pg names), a SQLite file and a tantivy index in a
temporary folder. Nothing of yours is touched. Needs ``pip install tantivy`` for the reference
and, for the RUM figures, Debian's ``postgresql-15-rum``; both are skipped with a note if missing.

Each measured call is ``meetings.search.search()`` as the public: the count, the ranking, the
snippets for the 20 results shown and the visibility check; no template. Variants:

- ``capped``: as the portal runs: at most 1,000 candidates ranked and counted (SQLite: the
  newest, when more match; PostgreSQL: the first the GIN index gives);
- ``capped-other``: the same cap, the other way of choosing the candidates (SQLite: whichever
  come first rather than the newest; PostgreSQL: the newest rather than the first found);
- ``naive``: every match ranked and counted;
- ``rum`` (PostgreSQL): a RUM index ranking inside the index (``ORDER BY vector <=> query``),
  20 rows and their headlines, raw SQL;
- ``estimate`` (PostgreSQL): the planner's row estimate for the match, instead of a count.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BENCH_DB = "bp_search_bench"
PHRASES = ['"any other business"', '"tree preservation order"', '"capital programme"']
VERY_COMMON = ["council"]
CLASSES = ("rare", "common", "phrase", "very common")


def spec_for(passages: int) -> dict:
    """Archive sizes that give about this many passages at about 200 words each."""
    per_meeting = (
        137  # 1 meeting, 9 agenda items, ~18 minute paragraphs, ~10 resolutions, 100 pages
    )
    meetings = max(passages // per_meeting, 12)
    committees = 12
    years = 10
    per_year = max(1, round(meetings / (committees * years)))
    if meetings < committees * years:
        years, per_year = max(1, meetings // committees), 1
    return {
        "years": years, "committees": committees, "meetings-per-year": per_year,
        "reports": 4, "pages": 25, "sentences-per-page": 11,
    }  # fmt: skip


def manage(env: dict, *args: str) -> str:
    out = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{out.stderr[-3000:]}")
    return out.stdout.strip()


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> dict:
    samples = sorted(samples)
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]  # noqa: E731
    return {"p50": 1000 * statistics.median(samples), "p95": 1000 * pick(0.95), "n": len(samples)}


# ---- the worker: runs inside Django on one database and prints JSON ----


def worker(queries: dict, repeat: int) -> dict:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardpapers.settings")
    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    import meetings.search as s
    from meetings.models import Passage
    from meetings.search.backends import PostgresBackend
    from meetings.search.query import parse

    public = AnonymousUser()
    out: dict = {"vendor": connection.vendor, "passages": Passage.objects.count(), "variants": {}}
    if not queries:
        out["queries"] = queries = pick_queries(connection)
    out["counts"] = {
        q: s.search(user=public, query=q).total for cls in queries.values() for q in cls
    }

    only = os.environ.get("BENCH_VARIANTS", "").split(",")

    def run(name: str, call) -> None:
        if only != [""] and name not in only:
            return
        result = {}
        for cls in CLASSES:
            for q in queries[cls]:
                call(q)  # warm
            samples = []
            for _ in range(repeat):
                for q in queries[cls]:
                    samples.append(timed(lambda q=q: call(q)))
            result[cls] = percentiles(samples)
        out["variants"][name] = result

    def app(q):
        results = s.search(user=public, query=q)
        assert not results.failed and results.hits is not None

    run("capped", app)
    s.NEWEST_FIRST = connection.vendor != "sqlite"  # the other choice
    run("capped-other", app)
    s.NEWEST_FIRST = None
    caps = s.CANDIDATE_CAP, s.COUNT_CAP
    s.CANDIDATE_CAP, s.COUNT_CAP = 10**9, 10**9
    run("naive", app)
    s.CANDIDATE_CAP, s.COUNT_CAP = caps

    if connection.vendor == "postgresql":
        backend = PostgresBackend()

        def tsquery_text(q: str) -> str:
            sql, params = backend.tsquery(parse(q))
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT ({sql})::text", params)
                return cursor.fetchone()[0]

        texts = {q: tsquery_text(q) for cls in queries.values() for q in cls}

        def estimate(q):
            with connection.cursor() as cursor:
                cursor.execute(
                    "EXPLAIN (FORMAT JSON) SELECT 1 FROM meetings_passage WHERE search_vector "
                    "@@ %s::tsquery AND audience_min <= 0 AND audience_max >= 0",
                    [texts[q]],
                )
                return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]

        out["estimates"] = {q: estimate(q) for q in texts}
        run("estimate", estimate)
        with connection.cursor() as cursor:
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
            except Exception as exc:  # the Debian package is not installed
                out["rum"] = f"not measured: {exc}".splitlines()[0]
                return out
            started = time.perf_counter()
            cursor.execute(
                "CREATE INDEX passage_rum ON meetings_passage USING rum "
                "(search_vector rum_tsvector_ops)"
            )
            cursor.execute("ANALYZE meetings_passage")
            out["rum_index_seconds"] = time.perf_counter() - started
            cursor.execute("SELECT pg_relation_size('passage_rum')")
            out["rum_index_mb"] = cursor.fetchone()[0] / 2**20

        def rum(q):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, ts_headline('portal_english', body, %s::tsquery, "
                    "'MaxFragments=2, MaxWords=40, MinWords=18') FROM (SELECT id, body FROM "
                    "meetings_passage WHERE search_vector @@ %s::tsquery AND audience_min <= 0 "
                    "AND audience_max >= 0 ORDER BY search_vector <=> %s::tsquery LIMIT 20) AS top",
                    [texts[q]] * 3,
                )
                return cursor.fetchall()

        run("rum", rum)
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX passage_rum")
    return out


# The FTS5 table of what the public may read: the searches measured are the public's.
PUBLIC_FTS = "meetings_passage_fts_public"


def pick_queries(connection) -> dict:
    """Rare and common words chosen from the archive's own vocabulary (SQLite FTS5 counts over
    what the public may read)."""
    from meetings.search.query import STOP_WORDS

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, {PUBLIC_FTS}, 'row')"
        )
        cursor.execute(
            "SELECT count(*) FROM meetings_passage WHERE audience_min <= 0 AND audience_max >= 0"
        )
        n = cursor.fetchone()[0]
        cursor.execute(
            "SELECT term, doc FROM temp.vocab WHERE doc BETWEEN 5 AND 60 AND length(term) >= 7 "
            "AND term NOT GLOB '*[0-9]*' ORDER BY doc, term"
        )
        rare = [t for t, _ in cursor.fetchall()]
        cursor.execute(  # the words nearest to 2 % of the passages
            "SELECT term, doc FROM temp.vocab WHERE doc BETWEEN %s AND %s AND length(term) >= 5 "
            "AND term NOT GLOB '*[0-9]*' ORDER BY abs(doc - %s), term LIMIT 30",
            [n // 500, n // 8, n // 50],
        )
        common = [t for t, _ in cursor.fetchall() if t not in STOP_WORDS]
    step = lambda xs, k: xs[:: max(1, len(xs) // k)][:k]  # noqa: E731
    return {
        "rare": [word_for(connection, t) for t in step(rare, 10)],
        "common": [word_for(connection, t) for t in common[:10]],
        "phrase": PHRASES,
        "very common": VERY_COMMON,
    }


def word_for(connection, stem: str) -> str:
    """A word as written in the archive for a stem FTS5 counted ("cemeteri": "cemeteries")."""
    import re

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title || ' ' || body FROM meetings_passage WHERE id IN (SELECT rowid FROM "
            f"{PUBLIC_FTS} WHERE {PUBLIC_FTS} MATCH %s LIMIT 1)",
            [f'"{stem}" *'],
        )
        row = cursor.fetchone()
    found = re.search(rf"\b({re.escape(stem)}\w*)", row[0], re.IGNORECASE) if row else None
    return found.group(1).lower() if found else stem


# ---- tantivy, the reference ----


def tantivy_bench(sqlite_path: Path, folder: Path, queries: dict, repeat: int) -> dict:
    import sqlite3

    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True)
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    schema = builder.build()
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(folder))
    started = time.perf_counter()
    writer = index.writer(heap_size=512 * 2**20)
    db = sqlite3.connect(sqlite_path)
    rows = db.execute(
        "SELECT id, title, body FROM meetings_passage WHERE audience_min = 0"
    )  # what the public may read, as the portal's public search sees it
    for pk, title, body in rows:
        writer.add_document(tantivy.Document(id=pk, title=title, body=body))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build = time.perf_counter() - started
    searcher = index.searcher()
    out: dict = {"index_seconds": build, "variants": {}, "counts": {}}

    def call(q: str):
        query = index.parse_query(q, ["title", "body"], field_boosts={"title": 4.0},
                                  conjunction_by_default=True)  # fmt: skip
        result = searcher.search(query, 20, count=True)
        snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
        for _, address in result.hits:
            snippets.snippet_from_doc(searcher.doc(address)).to_html()
        return result.count

    result = {}
    for cls in CLASSES:
        for q in queries[cls]:
            out["counts"][q] = call(q)
        samples = [timed(lambda q=q: call(q)) for _ in range(repeat) for q in queries[cls]]
        result[cls] = percentiles(samples)
    out["variants"]["tantivy"] = result
    return out


# ---- the driver ----


def prepare(env: dict, spec: dict, seed: int) -> dict:
    manage(env, "migrate", "--no-input")
    args = [f"--{k}={v}" for k, v in spec.items()]
    generate = timed(lambda: manage(env, "generate_archive", f"--seed={seed}", "--no-index", *args))
    index_seconds = timed(lambda: manage(env, "rebuild_search_index", "--batch-size=25"))
    return {"generate_seconds": generate, "index_seconds": index_seconds}


def run_worker(env: dict, queries: dict, repeat: int) -> dict:
    out = subprocess.run(
        [PYTHON, __file__, "--worker", json.dumps(queries), "--repeat", str(repeat)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        raise SystemExit(f"worker failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(results: dict) -> None:
    print()
    print("p50 / p95 in ms, with snippets for the 20 results shown")
    rows = []
    for engine, data in results.items():
        for variant, classes in data.get("variants", {}).items():
            rows.append((f"{engine} {variant}", classes))
    print(f"{'':28}" + "".join(f"{c:>20}" for c in CLASSES))
    for name, classes in rows:
        cells = "".join(
            f"{classes[c]['p50']:>9.1f} / {classes[c]['p95']:>7.1f}" if c in classes else " " * 20
            for c in CLASSES
        )
        print(f"{name:28}{cells}")
    reference = results.get("tantivy", {}).get("variants", {}).get("tantivy")
    if reference:
        print("\nratio of p95 to tantivy's p95 (the reference)")
        for name, classes in rows:
            cells = "".join(
                f"{classes[c]['p95'] / max(reference[c]['p95'], 1e-6):>19.1f}x"
                if c in classes else " " * 20
                for c in CLASSES
            )  # fmt: skip
            print(f"{name:28}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="postgres,sqlite,tantivy")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="Also write the figures to this file.")
    parser.add_argument("--keep", action="store_true", help="Keep the stores (and print where).")
    parser.add_argument("--sqlite", help="Reuse this SQLite archive (from --keep) as it is.")
    parser.add_argument("--reuse-pg", action="store_true",
                        help=f"Reuse the {BENCH_DB} database a --keep run left.")  # fmt: skip
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(worker(json.loads(args.worker), args.repeat)))
        return

    engines = args.engines.split(",")
    spec = spec_for(args.passages)
    temp = Path(tempfile.mkdtemp(prefix="bp-search-bench-"))
    base_env = {**os.environ, "VAR_DIR": str(temp / "var"), "MEDIA_ROOT": str(temp / "media")}
    base_env.pop("DEBUG", None)
    results: dict = {}
    queries: dict = {}
    sqlite_path = Path(args.sqlite) if args.sqlite else temp / "bench.sqlite3"
    pg_admin = args.pg
    pg_url = pg_admin.rsplit("/", 1)[0] + "/" + BENCH_DB
    print(f"archive: {spec} (seed {args.seed}); stores in {temp}")
    try:
        if "sqlite" in engines or "tantivy" in engines:
            env = {**base_env, "DATABASE_URL": f"sqlite:///{sqlite_path}"}
            setup = prepare(env, spec, args.seed) if not args.sqlite else {}
            if setup:
                print(f"sqlite: {setup}")
            data = run_worker(env, {}, args.repeat) if "sqlite" in engines else {}
            queries = data.get("queries") or queries
            if not queries:
                queries = run_worker(env, {}, 1)["queries"]
            results["sqlite"] = {**setup, **data}
            results["sqlite"]["file_mb"] = sqlite_path.stat().st_size / 2**20
        if "postgres" in engines:
            env = {**base_env, "DATABASE_URL": pg_url}
            setup = {}
            if not args.reuse_pg:
                psql(pg_admin, f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}")
                setup = prepare(env, spec, args.seed)
            psql(pg_url, "VACUUM ANALYZE meetings_passage")
            print(f"postgres: {setup}")
            data = run_worker(env, queries, args.repeat)
            queries = data.get("queries") or queries
            sizes = psql(pg_url, "SELECT pg_total_relation_size('meetings_passage'), "
                         "pg_relation_size('meetings_passage_search')")  # fmt: skip
            results["postgres"] = {**setup, **data, "sizes_bytes": sizes}
        if "tantivy" in engines:
            try:
                results["tantivy"] = tantivy_bench(sqlite_path, temp / "tantivy", queries,
                                                   args.repeat)  # fmt: skip
            except ImportError:
                print("tantivy: not installed (pip install tantivy); no reference figures")
        results["queries"] = queries
        print(json.dumps({k: v for k, v in results.items() if k != "queries"}, indent=1,
                         default=str)[:6000])  # fmt: skip
        print("queries:", json.dumps(queries))
        report({k: v for k, v in results.items() if k != "queries"})
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    finally:
        if not args.keep:
            if "postgres" in engines:
                psql(pg_admin, f"DROP DATABASE IF EXISTS {BENCH_DB}")
            shutil.rmtree(temp, ignore_errors=True)


def psql(url: str, *statements: str) -> str:
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            result = None
            for statement in statements:
                cursor.execute(statement)
                result = cursor.fetchall() if cursor.description else None
            return result
    finally:
        connection.close()


if __name__ == "__main__":
    main()
