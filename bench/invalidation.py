"""The public load mix while a clerk saves something every second (issue #16).

    .venv/bin/python bench/load.py --setup         # once: the ten-year archive (bp_load)
    .venv/bin/python bench/invalidation.py [--seconds 30] [--clients 50] [--cache-url redis://...]

The mix of bench/load.py (home, meeting pages, minutes, searches, a pack) under gunicorn with
PostgreSQL and the page cache, measured three times with wrk: with nobody editing; with a clerk
who saves an agenda item every second (``agenda_item_update``, the workspace's service; each
save to an item of a meeting in the mix, in turn, so the pages it touches are being read:
that meeting's page, its committee's, the home page, the lists and every search); and with the
same clerk when every save empties the whole page cache (``data_changed()``), as every save did
before the invalidation by dependency. It prints requests a second and p50/p95/p99 for each,
and the saves made. The clerk runs in its own process, as the workspace would on a web node,
and a task worker (``manage.py db_worker``) runs beside gunicorn, as in the README's deployment,
to build again the packs the clerk's edits make out of date (``--no-worker``: none, so an
edited meeting's pack answers 503 "being built" until the end of the run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # bench/load.py: the mix, wrk and gunicorn

ROOT = load.ROOT
PYTHON = load.PYTHON

# The clerk: prints "ready", waits for a line, then saves one item a second for SECONDS
# seconds, prints how many saves it made, and puts the titles back.
CLERK = r"""
import os, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from boardpapers.cache import data_changed
from meetings.models import AgendaItem
from meetings.services import agenda_item_update

if os.environ.get("BENCH_WITHOUT"):  # a diagnosis only: these versions are left alone
    import boardpapers.cache as page_cache
    left_alone = set(os.environ["BENCH_WITHOUT"].split(","))
    bump = page_cache._bump
    page_cache._bump = lambda keys: bump(set(keys) - left_alone)
slugs = os.environ["BENCH_MEETINGS"].split(",")
seconds = float(os.environ["BENCH_SECONDS"])
everything = os.environ.get("BENCH_EVERYTHING") == "1"
clerk, _ = get_user_model().objects.get_or_create(username="bench-clerk")
items = [
    AgendaItem.objects.filter(meeting__slug=slug, parent=None).order_by("position").first()
    for slug in slugs
]
items = [item for item in items if item is not None]
titles = {item.pk: item.title for item in items}
print("ready", flush=True)
sys.stdin.readline()
saves, durations = 0, []
started = time.monotonic()
while time.monotonic() - started < seconds:
    item = items[saves % len(items)]
    item.refresh_from_db()
    t0 = time.perf_counter()
    agenda_item_update(item=item, by=clerk, title=f"{titles[item.pk]} (edit {saves})")
    if everything:
        data_changed()
    durations.append(time.perf_counter() - t0)
    saves += 1
    time.sleep(max(0.0, started + saves - time.monotonic()))
for item in items:
    item.refresh_from_db()
    agenda_item_update(item=item, by=clerk, title=titles[item.pk])
durations.sort()
print(f"saves={saves} median_ms={1000 * durations[len(durations) // 2]:.0f}", flush=True)
"""


def prepare(env: dict) -> dict:
    """What the run needs (load.prepare's steps); if collectstatic fails, run with DEBUG=1."""
    load.manage(env, "migrate", "--no-input", "-v0")
    try:
        load.manage(env, "collectstatic", "--no-input", "-v0")
    except SystemExit as exc:
        print(f"collectstatic failed, so gunicorn runs with DEBUG=1: {str(exc)[-200:]}")
        env = {**env, "DEBUG": "1"}
    load.manage(env, "build_packs", "--meeting", load.SEED, "--kind", "public")
    load.manage(env, "db_worker", "--batch", "--no-startup-delay")
    return env


def measure(wrk, port, paths_file, args, env, meetings, *, clerk: str) -> tuple[dict, str]:
    """One wrk run; ``clerk`` is "" (nobody edits), "dependency" or "everything"."""
    process = None
    if clerk:
        process = subprocess.Popen(
            [PYTHON, "-c", CLERK],
            cwd=ROOT,
            env={
                **env,
                "DJANGO_SETTINGS_MODULE": "boardpapers.settings",
                "BENCH_MEETINGS": ",".join(meetings),
                "BENCH_SECONDS": str(args.seconds),
                "BENCH_EVERYTHING": "1" if clerk == "everything" else "",
                "BENCH_WITHOUT": args.without,
            },
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if process.stdout.readline().strip() != "ready":
            raise SystemExit("the clerk's process did not start")
        process.stdin.write("go\n")
        process.stdin.flush()
    figures = load.run_wrk(wrk, port, paths_file, args.seconds, args.clients)
    said = ""
    if process is not None:
        said = process.communicate(timeout=120)[0].strip().splitlines()[-1]
    return figures, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bp_load")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--cache-url", default="", help="Default: a folder (file://).")
    parser.add_argument(
        "--without",
        default="",
        help="A diagnosis of where the time goes, never a setting: the clerk's saves leave "
        "these versions alone (comma-separated: search,lists), so those pages go stale.",
    )
    parser.add_argument(
        "--runs", default="nobody,dependency,everything", help="Which runs, comma-separated."
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="Run no task worker beside gunicorn (edited meetings' packs stay 503).",
    )
    args = parser.parse_args()

    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: sudo apt-get install wrk (Debian, Ubuntu)")
    tmp = Path(tempfile.mkdtemp(prefix="boardpapers-invalidation-"))
    var = Path(os.environ.get("LOAD_VAR_DIR", "/tmp/bp_load"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "STATIC_ROOT": str(var / "static"),
        "DEBUG": "0",
        "HTTPS": "",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHE_URL": args.cache_url or f"file://{tmp}/cache",
        "PAGE_CACHE_SECONDS": "600",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
    }
    try:
        env = prepare(env)
        mix = load.paths(args.database_url)
        meetings = sorted({p.split("/")[2] for p in mix if p.startswith("/meetings/")})
        paths_file = tmp / "paths.txt"
        paths_file.write_text("\n".join(mix) + "\n")
        port = load.free_port()
        log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115
        server = subprocess.Popen(
            [load.GUNICORN, "boardpapers.wsgi", "--bind", f"127.0.0.1:{port}",
             *load.gunicorn_args(args.workers, args.threads, args.worker_class)],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        worker = None
        if not args.no_worker:
            worker = subprocess.Popen(
                [PYTHON, "manage.py", "db_worker", "--interval", "0.5"],
                cwd=ROOT, env=env, stdout=log, stderr=log,
            )  # fmt: skip
        rows = []
        try:
            load.wait_until_up(port)
            load.check_answers(port, mix)
            load.run_wrk(wrk, port, paths_file, 5, args.clients)  # warm the cache
            load_before = os.getloadavg()[0]
            labels = {
                "nobody": "nobody editing",
                "dependency": "a clerk saves every second"
                + (f" (diagnosis: {args.without} left alone)" if args.without else ""),
                "everything": "the same, each save empties the cache (as before)",
            }
            for run in args.runs.split(","):
                label = labels[run]
                clerk = "" if run == "nobody" else run
                figures, said = measure(wrk, port, paths_file, args, env, meetings, clerk=clerk)
                rows.append((label, figures, said))
                time.sleep(1)
        finally:
            server.terminate()
            server.wait(20)
            if worker is not None:
                worker.terminate()
                worker.wait(20)
        print(
            f"{os.cpu_count()} CPUs, load average {load_before:.1f} before the runs; "
            f"{load.describe(args.workers, args.threads, args.worker_class)}, page cache "
            f"{env['CACHE_URL'].split(':')[0]}, {args.clients} clients, {args.seconds} s a run, "
            f"{len(set(mix))} distinct URLs, "
            + ("no task worker" if args.no_worker else "a task worker beside it")
            + (" (DEBUG=1: collectstatic failed)" if env.get("DEBUG") == "1" else "")
        )
        print("| run | req/s | p50 ms | p95 ms | p99 ms | errors | clerk |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for label, f, said in rows:
            kinds = ", ".join(
                f"{k} {f[k]}" for k in ("connect", "read", "write", "timeout", "status") if f[k]
            )
            print(
                f"| {label} | {f['rps']:.0f} | {f['p50_us'] / 1000:.1f} | "
                f"{f['p95_us'] / 1000:.1f} | {f['p99_us'] / 1000:.1f} | {f['errors']}"
                f"{f' ({kinds})' if kinds else ''} | {said} |"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
