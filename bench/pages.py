"""Serve the portal with gunicorn and load-test the seed meeting page against a static file of the
same size, with the same client, and print both throughputs and their ratio.

    .venv/bin/python bench/pages.py [--seconds 15] [--clients 8] [--workers 2]

Runs on its own throwaway SQLite database (migrated and loaded with the demo data), so it touches
nothing of yours. Requests go to 127.0.0.1 only and stop after --seconds per target.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SEED = "/meetings/2014-09-22-health-and-well-being-board/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def wait_until_up(port: int, timeout: float = 30) -> None:
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


def load(port: int, path: str, seconds: float, clients: int) -> dict:
    """`clients` threads, each on one keep-alive connection, requesting `path` for `seconds`."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "identity"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else float("nan"),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="boardpapers-bench-"))
    env = {**os.environ, "VAR_DIR": str(work), "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 60,
           "ALLOWED_HOSTS": "127.0.0.1", "STATIC_ROOT": str(work / "static")}  # fmt: skip
    env.pop("DATABASE_URL", None)
    port = free_port()
    server = None
    try:
        run("migrate", "--no-input", env=env)
        run("load_demo", "--no-accounts", env=env)
        run("collectstatic", "--no-input", env=env)
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "boardpapers.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(options.workers), "--worker-class", "gthread",
             "--threads", str(options.threads), "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        wait_until_up(port)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", SEED)
        page = conn.getresponse().read()
        # A static file of the same size, served by whitenoise from the same gunicorn.
        (work / "static" / "same-size.html").write_bytes(b"x" * len(page))
        server.terminate()
        server.wait()
        server = subprocess.Popen(server.args, cwd=ROOT, env=env)
        wait_until_up(port)

        print(f"gunicorn: {options.workers} workers x {options.threads} threads (gthread); "
              f"{options.clients} keep-alive clients; {options.seconds:.0f} s per target; "
              f"{os.cpu_count()} cores shared with the client")  # fmt: skip
        print(f"meeting page size: {len(page):,} bytes")
        load(port, SEED, 2, options.clients)  # warm-up
        dynamic = load(port, SEED, options.seconds, options.clients)
        static = load(port, "/static/same-size.html", options.seconds, options.clients)
        for name, r in (("meeting page", dynamic), ("static file ", static)):
            print(
                f"{name}: {r['rps']:7.1f} req/s  p50 {r['p50_ms']:6.1f} ms  "
                f"p95 {r['p95_ms']:6.1f} ms  errors {r['errors']}  ({r['requests']} requests)"
            )
        print(f"ratio meeting/static throughput: {dynamic['rps'] / static['rps']:.2f}")
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
