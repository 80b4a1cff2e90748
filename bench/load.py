"""Load test of the public site: gunicorn + PostgreSQL + the page cache, driven by wrk.

    .venv/bin/python bench/load.py --setup            # once: make the ten-year archive
    .venv/bin/python bench/load.py [--seconds 30] [--clients 50] [--workers 3 --threads 4]
        [--worker-class gthread|sync]

The mix (by request): the home page 15 %, a meeting page 30 % (60 meetings of the archive and
the seed meeting), its minutes 25 %, a search 20 % (rare, common and phrase queries), the seed
meeting's agenda pack (a 350 KB PDF) 10 %. Anonymous requests, keep-alive connections, on
127.0.0.1 only; it prints requests a second, p50/p95/p99 latency and errors.

The load generator is wrk (Debian's ``apt-get install wrk``; the script says so when it is
missing) with bench/load.lua for the mix: it is written in C and takes a few per cent of one
core for what a Python client would need a whole core to send, on a machine whose two cores
also run gunicorn and PostgreSQL.

The database is its own (``--database-url``, by default ``bp_load`` on the local PostgreSQL):
``--setup`` creates it, migrates it, loads the demo data and writes the archive of
docs/performance.md (``generate_archive --seed 1 --years 10 --committees 12
--meetings-per-year 12 --reports 4 --pages 25 --sentences-per-page 11``, about five minutes),
collects the static files and builds the seed meeting's pack. Everything else it writes goes to
a temporary folder. ``--no-page-cache`` measures the same mix with the page cache off;
``--cache-bench`` times the cache backends themselves (a 20 KB page, get and set).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SEED = "2014-09-22-health-and-well-being-board"
SEARCHES = [
    "babafen", "denbadale", "torselsel", "conduct", "cemeteries", "apprenticeship", "premises",
    '"any+other+business"', '"tree+preservation+order"', "council", "better+care",
    "digital+inclusion",
]  # fmt: skip
ARCHIVE = [
    "--seed", "1", "--years", "10", "--committees", "12", "--meetings-per-year", "12",
    "--reports", "4", "--pages", "25", "--sentences-per-page", "11",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def sql(url: str, query: str) -> list[tuple]:
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchall()
    finally:
        conn.close()


def setup(url: str, env: dict) -> None:
    import psycopg2

    name = urlparse(url).path.strip("/")
    admin = psycopg2.connect(urlparse(url)._replace(path="/postgres").geturl())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    print("migrate, load_demo ...", flush=True)
    manage(env, "migrate", "--no-input", "-v0")
    if not sql(url, f"SELECT 1 FROM meetings_meeting WHERE slug = '{SEED}'"):
        manage(env, "load_demo")
    if sql(url, "SELECT count(*) FROM meetings_meeting")[0][0] < 1000:
        print("generate_archive (about five minutes) ...", flush=True)
        print(manage(env, "generate_archive", *ARCHIVE).strip())
    prepare(env)


def prepare(env: dict) -> None:
    """What every run needs and a later migration may have undone: static files, the pack."""
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "build_packs", "--meeting", SEED, "--kind", "public")
    manage(env, "db_worker", "--batch", "--no-startup-delay")


def paths(url: str) -> list[str]:
    meetings = [
        slug
        for (slug,) in sql(
            url,
            "SELECT m.slug FROM meetings_meeting m JOIN meetings_minutes n "
            "ON n.meeting_id = m.id WHERE m.status = 'published' AND n.is_published "
            "ORDER BY m.id LIMIT 60",
        )
    ]
    if not meetings:
        raise SystemExit("No published meetings with minutes: run with --setup first.")
    mix = ["/"] * 15
    meeting_pages = [f"/meetings/{s}/" for s in [SEED, *meetings]]
    minutes = [f"/meetings/{s}/minutes/" for s in meetings]
    mix += [meeting_pages[i % len(meeting_pages)] for i in range(30)]
    mix += [minutes[i % len(minutes)] for i in range(25)]
    mix += [f"/search/?q={SEARCHES[i % len(SEARCHES)]}" for i in range(20)]
    mix += [f"/meetings/{SEED}/packs/agenda-pack.pdf"] * 10
    return mix


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def check_answers(port: int, mix: list[str]) -> None:
    for path in sorted(set(mix)):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}; fix that before measuring")


def run_wrk(wrk: str, port: int, paths_file: Path, seconds: int, clients: int) -> dict:
    out = subprocess.run(
        [wrk, "-t", "2", "-c", str(clients), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "load.lua"), f"http://127.0.0.1:{port}", "--",
         str(paths_file)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    line = next(ln for ln in out.splitlines() if ln.startswith("LOAD "))
    figures = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = sum(figures[k] for k in ("connect", "read", "write", "timeout", "status"))
    return figures


def cache_bench(env: dict, tmp: Path) -> None:
    """Time the cache backends the README offers, for one 20 KB page: what each request
    costs the page cache (one get of the generation, one of the page)."""
    code = f"""
import time, os
from django.core.cache import CacheHandler
from django.conf import settings
from boardpapers.cache import cache_from_url
urls = {{"file": "file://{tmp}/bench-cache", "redis": "redis://127.0.0.1:6379/14",
        "db": "db://bench_page_cache", "locmem (one process only)": "locmem://"}}
body = (200, [("Content-Type", "text/html")], os.urandom(10000).hex().encode())
for name, url in urls.items():
    settings.CACHES = {{"default": cache_from_url(url)}}
    try:
        if url.startswith("db"):
            from django.core.management import call_command
            call_command("createcachetable", verbosity=0)
        cache = CacheHandler(settings.CACHES)["default"]
        cache.set("k", body)
    except Exception as exc:
        print(f"{{name:28}} unavailable ({{type(exc).__name__}})")
        continue
    n = 2000
    started = time.perf_counter()
    for _ in range(n):
        cache.get("k")
    get_us = (time.perf_counter() - started) / n * 1e6
    started = time.perf_counter()
    for i in range(200):
        cache.set(f"k{{i}}", body)
    set_us = (time.perf_counter() - started) / 200 * 1e6
    cache.clear()
    print(f"{{name:28}} get {{get_us:7.0f}} us   set {{set_us:7.0f}} us")
"""
    subprocess.run([PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True)


def gunicorn_args(workers: int, threads: int, worker_class: str) -> list[str]:
    """gunicorn's options for a run: gthread (workers x threads) or sync workers."""
    threaded = ["--threads", str(threads)] if worker_class == "gthread" else []
    return ["--workers", str(workers), "--worker-class", worker_class, *threaded,
            "--keep-alive", "30", "--log-level", "warning"]  # fmt: skip


def describe(workers: int, threads: int, worker_class: str) -> str:
    if worker_class == "gthread":
        return f"gunicorn {workers} workers x {threads} threads (gthread)"
    return f"gunicorn {workers} sync workers"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/bp_load"
    )  # fmt: skip
    parser.add_argument("--setup", action="store_true", help="Create and fill the database.")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--cache-url", default="", help="Default: a folder (file://).")
    parser.add_argument("--no-page-cache", action="store_true")
    parser.add_argument("--no-warm-up", action="store_true")
    parser.add_argument("--cache-bench", action="store_true")
    args = parser.parse_args()

    wrk = shutil.which("wrk")
    if wrk is None and not args.cache_bench and not args.setup:
        raise SystemExit("wrk is not installed: sudo apt-get install wrk (Debian, Ubuntu)")
    tmp = Path(tempfile.mkdtemp(prefix="boardpapers-load-"))
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
        "PAGE_CACHE_SECONDS": "0" if args.no_page_cache else "600",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
    }
    try:
        if args.setup:
            setup(args.database_url, env)
            return
        if args.cache_bench:
            cache_bench(env, tmp)
            return
        prepare(env)
        mix = paths(args.database_url)
        paths_file = tmp / "paths.txt"
        paths_file.write_text("\n".join(mix) + "\n")
        port = free_port()
        log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115
        server = subprocess.Popen(
            [GUNICORN, "boardpapers.wsgi", "--bind", f"127.0.0.1:{port}",
             *gunicorn_args(args.workers, args.threads, args.worker_class)],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            wait_until_up(port)
            check_answers(port, mix)
            if not args.no_warm_up:
                run_wrk(wrk, port, paths_file, 5, args.clients)
            load_before = os.getloadavg()[0]
            figures = run_wrk(wrk, port, paths_file, args.seconds, args.clients)
        finally:
            server.terminate()
            server.wait(20)
        print(
            f"{os.cpu_count()} CPUs, load average {load_before:.1f} before the run; "
            f"{describe(args.workers, args.threads, args.worker_class)}, "
            f"page cache {'off' if args.no_page_cache else env['CACHE_URL'].split(':')[0]}, "
            f"{args.clients} clients, {args.seconds} s, {len(set(mix))} distinct URLs"
        )
        print("| req/s | p50 ms | p95 ms | p99 ms | max ms | errors | MB/s |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        print(
            f"| {figures['rps']:.0f} | {figures['p50_us'] / 1000:.1f} | "
            f"{figures['p95_us'] / 1000:.1f} | {figures['p99_us'] / 1000:.1f} | "
            f"{figures['max_us'] / 1000:.0f} | {figures['errors']} | "
            f"{figures['bytes'] / (figures['duration_us'] / 1e6) / 1e6:.1f} |"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
