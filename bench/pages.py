"""The meeting page, the minutes page and the committee page rendered with no page cache, under
gunicorn with PostgreSQL, each beside a static file of the same size served by the same gunicorn
in the same run: requests a second, p50 and p95, and the queries each page makes.

    .venv/bin/python bench/pages.py [--setup] [--seconds 15] [--clients 8] [--workers 3]
        [--threads 2] [--worker-class gthread|sync] [--cpu 200] [--rounds 3]

``--setup`` creates the database (default ``bp_pages`` on the local PostgreSQL), migrates it and
loads the demo; a run migrates it again first. The page cache is off (``PAGE_CACHE_SECONDS=0``),
so every request renders its page. The load comes from ``wrk`` (Debian's package) with
bench/load.lua, on 127.0.0.1 only, for --seconds per target. ``--cpu N`` first times N requests
of each page in one process (CPU ms a request, through every middleware): on a shared machine a
steadier measure than requests a second (with the PostgreSQL backend's CPU beside it).
``--rounds N`` measures every target N times in turn and prints the median of each figure: on
this shared virtual machine one run's requests a second may be half the next one's.
Figures: docs/performance.md, "Uncached pages".
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
PAGES = {
    "meeting page": "/meetings/2014-09-22-health-and-well-being-board/",
    "minutes page": "/meetings/2014-07-07-health-and-well-being-board/minutes/",
    "committee page": "/committees/health-and-well-being-board/",
}
# The storage used only when collectstatic cannot build the manifest: whitenoise serves the same
# files, compressed, without hashed names. What is measured is the page, not the storage.
FALLBACK_SETTINGS = """from boardpapers.settings import *  # noqa: F403
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
"""
COUNT_QUERIES = """
import json
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
answer = {}
for role in ("public", "demo-member", "demo-clerk"):
    client = Client(HTTP_HOST="127.0.0.1")
    if role != "public":
        client.force_login(get_user_model().objects.get(username=role))
    for path in PATHS:
        client.get(path)
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200, path
        answer[f"{role} {path}"] = len(ctx.captured_queries)
        if role == "public":
            answer[f"bytes {path}"] = len(client.get(path).content)
print("QUERIES " + json.dumps(answer))
"""
# CPU time of one request in this process, through the WSGI handler and every middleware as
# gunicorn calls it (best of 5 rounds), and of the PostgreSQL backend serving it (its /proc
# times, on this machine): much less disturbed by other work on the machine than requests a
# second, which share the cores with PostgreSQL, wrk and whatever else runs.
CPU_PER_REQUEST = """
import io, os, sys, time
from django.core.wsgi import get_wsgi_application
from django.db import connection
app = get_wsgi_application()
def backend_cpu():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:  # PostgreSQL on another machine
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
def get(path):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    status = []
    b"".join(app(environ, lambda s, h, *a: status.append(s)))
    assert status[0].startswith("200"), (path, status)
for path in PATHS:
    for _ in range(20):
        get(path)
    rounds, database = [], []
    for _ in range(5):
        start, start_db = time.process_time(), backend_cpu()
        for _ in range(REPEAT):
            get(path)
        rounds.append((time.process_time() - start) / REPEAT * 1000)
        database.append((backend_cpu() - start_db) / REPEAT * 1000)
    print(f"CPU {path} {min(rounds):.2f} {sorted(rounds)[2]:.2f} {sorted(database)[2]:.2f}")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


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
    manage(env, "migrate", "--no-input", "-v0")
    print(manage(env, "load_demo").strip())


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def fetch(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    return body


def run_wrk(wrk: str, port: int, path: str, seconds: float, clients: int, tmp: Path) -> dict:
    paths = tmp / "paths.txt"
    paths.write_text(path + "\n")
    out = subprocess.run(
        [wrk, "-t", "2", "-c", str(clients), "-d", f"{seconds:.0f}s", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "load.lua"), f"http://127.0.0.1:{port}", "--", str(paths)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    line = next(ln for ln in out.splitlines() if ln.startswith("LOAD "))
    figures = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = sum(figures[k] for k in ("connect", "read", "write", "timeout", "status"))
    return figures


def print_row(label: str, r: dict, queries: dict, page: str | None) -> None:
    counts = ""
    if page is not None:
        counts = "/".join(
            str(queries[f"{role} {page}"]) for role in ("public", "demo-member", "demo-clerk")
        )
    print(f"{label:32} {r['bytes']:7,} {r['rps']:7.1f} {r['p50_us'] / 1000:7.1f} "
          f"{r['p95_us'] / 1000:7.1f} {r['errors']:6}  {counts}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bp_pages")
    parser.add_argument("--setup", action="store_true", help="Create and fill the database.")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--rounds", type=int, default=1, help="Measure every target this many times, in turn."
    )
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument(
        "--cpu",
        type=int,
        default=0,
        metavar="N",
        help="Also time N requests of each page in one process (CPU ms a request).",
    )
    options = parser.parse_args()

    wrk = shutil.which("wrk")
    if wrk is None and not options.setup:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="boardpapers-pages-"))
    env = {**os.environ, "DATABASE_URL": options.database_url, "VAR_DIR": str(work),
           "MEDIA_ROOT": str(work / "media"), "STATIC_ROOT": str(work / "static"), "DEBUG": "0",
           "HTTPS": "", "ALLOWED_HOSTS": "127.0.0.1,localhost", "PAGE_CACHE_SECONDS": "0",
           "CACHE_URL": f"file://{work}/cache", "LOG_LEVEL": "WARNING", "CONN_MAX_AGE": "600",
           "SECRET_KEY": "bench-" + "x" * 60}  # fmt: skip
    server = None
    try:
        if options.setup:
            setup(options.database_url, env)
            return
        manage(env, "migrate", "--no-input", "-v0")
        try:
            manage(env, "collectstatic", "--no-input", "-v0")
        except RuntimeError as exc:
            print(f"collectstatic failed ({str(exc).strip().splitlines()[-1][:120]}); "
                  "serving static files without the manifest")  # fmt: skip
            (work / "bench_settings.py").write_text(FALLBACK_SETTINGS)
            env["PYTHONPATH"] = os.pathsep.join([str(work), env.get("PYTHONPATH", "")])
            env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
            manage(env, "collectstatic", "--no-input", "-v0")
        counted = manage(env, "shell", "-c", f"PATHS = {list(PAGES.values())!r}\n{COUNT_QUERIES}")
        queries = __import__("json").loads(counted.split("QUERIES ", 1)[1])
        if options.cpu:
            timed = manage(
                env, "shell", "-c",
                f"PATHS = {list(PAGES.values())!r}\nREPEAT = {options.cpu}\n{CPU_PER_REQUEST}",
            )  # fmt: skip
            rows = [ln.split()[1:] for ln in timed.splitlines() if ln.startswith("CPU ")]
            cpu = {path: (best, median, db) for path, best, median, db in rows}
            for name, path in PAGES.items():
                best, median, db = cpu[path]
                print(f"{name}: {best} ms CPU a request in one process (median round {median}), "
                      f"and {db} ms in PostgreSQL")  # fmt: skip
        for path in PAGES.values():  # before gunicorn starts: whitenoise looks once
            size = queries[f"bytes {path}"]
            (work / "static" / f"same-size-{size}.html").write_bytes(b"x" * size)
        port = free_port()
        log = open(work / "gunicorn.log", "wb")  # noqa: SIM115
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "boardpapers.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(options.workers), "--worker-class", options.worker_class,
             *(["--threads", str(options.threads)] if options.worker_class == "gthread" else []),
             "--keep-alive", "30", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        wait_until_up(port)
        load = os.getloadavg()
        kind = (
            f"{options.workers} workers x {options.threads} threads (gthread)"
            if options.worker_class == "gthread"
            else f"{options.workers} sync workers"
        )
        print(f"gunicorn: {kind}, "
              f"PostgreSQL, page cache off; wrk, {options.clients} connections, "
              f"{options.seconds:.0f} s per target; {os.cpu_count()} cores shared with the "
              f"client; load average before: {load[0]:.1f}")  # fmt: skip
        print(f"{'target':32} {'bytes':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'errors':>6}  queries (public/member/clerk)")  # fmt: skip
        results: dict[str, list[dict]] = {}
        for round_ in range(1, options.rounds + 1):
            if options.rounds > 1:
                print(f"round {round_} of {options.rounds}")
            for name, path in PAGES.items():
                page = fetch(port, path)
                static = f"/static/same-size-{queries[f'bytes {path}']}.html"
                fetch(port, static)
                run_wrk(wrk, port, path, 2, options.clients, work)  # warm-up
                for label, target in ((name, path), ("  static file, same size", static)):
                    r = run_wrk(wrk, port, target, options.seconds, options.clients, work)
                    r["bytes"] = len(page)
                    results.setdefault(f"{label}|{path}", []).append(r)
                    print_row(label, r, queries, path if target == path else None)
        if options.rounds > 1:
            print(f"median of the {options.rounds} rounds (each figure on its own)")
            for key, runs in results.items():
                label, path = key.split("|")
                middle = {
                    k: sorted(run[k] for run in runs)[len(runs) // 2]
                    for k in ("rps", "p50_us", "p95_us", "errors", "bytes")
                }
                print_row(label, middle, queries, None if label.startswith(" ") else path)
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
