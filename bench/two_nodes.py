"""Two web nodes drill: does a node ever serve what a clerk changed through the other?

    .venv/bin/python bench/two_nodes.py [--database-url postgres://postgres@127.0.0.1:5432/bp_two_nodes]
                                        [--cache-url redis://127.0.0.1:6379/14] [--pause 2]

The README's production set-up on one machine: two gunicorn instances of the portal on two ports
(standing for two machines) sharing one PostgreSQL database, Redis for the page cache and an S3
store (moto's server, on loopback), with nginx in front sending requests to both in turn (when
nginx is installed; without it the nodes are driven directly and the script says so).

The drill: through node A, a clerk publishes a draft meeting, withdraws a paper and makes an
item private (the workspace's own forms, with a clerk's session); meanwhile readers hammer node
B's public pages (the meetings' pages, their committees' pages, the papers' pages and downloads,
a search), and the same pages through nginx, recording every response with the times it started
and ended. A response that started after the clerk's request had returned and still shows what
the clerk changed is *stale*; the drill prints the longest stale window (the goal is none), the
responses read and how many came from the page cache. ``tests/test_two_nodes.py`` runs it and
asserts that nothing stale was served.

The database is its own (``--database-url``; created afresh, migrated, dropped at the end).
Redis is the drill's own ``redis-server`` on a free port when Debian's package is installed,
else ``--cache-url`` (emptied first). Everything else goes to a temporary folder.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
WORD = "zephyrine"  # in the title of the item made private, and only there

# Run in a child process against the drill's database: the data the drill changes, and a
# clerk's session (with the second factor passed), printed as JSON on the last line.
SETUP = r"""
import datetime as dt, json, os
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from weasyprint import HTML
from meetings import roles
from meetings.models import Committee
from meetings.publishing import meeting_publish
from meetings.services import agenda_item_add, meeting_create, user_set_role
from reports.services import report_create

def pdf(text):
    return HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()

clerk = get_user_model().objects.create_user("drill-clerk", password=os.urandom(16).hex())
user_set_role(user=clerk, role=roles.CLERK)
device = TOTPDevice.objects.create(user=clerk, name="drill", confirmed=True)
board = Committee.objects.create(name="Drill Board", slug="drill-board")
panel = Committee.objects.create(name="Drill Panel", slug="drill-panel")
start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0)

published = meeting_create(committee=board, start=start + dt.timedelta(days=40), by=clerk)
depot = agenda_item_add(meeting=published, by=clerk, title="Quillwort depot lease")
bridge = agenda_item_add(meeting=published, by=clerk, title="Zephyrine bridge repairs")
withdrawn = report_create(agenda_item=depot, data=pdf("Quillwort depot lease"),
                          title="Quillwort depot lease report", by=clerk)
hidden = report_create(agenda_item=bridge, data=pdf("Bridge repairs: the costs"),
                       title="Zephyrine bridge repairs: costs", by=clerk)
meeting_publish(meeting=published, by=clerk, base_url="http://127.0.0.1",
                confirm_short_notice=True)

draft = meeting_create(committee=panel, start=start + dt.timedelta(days=50), by=clerk)
marram = agenda_item_add(meeting=draft, by=clerk, title="Marram grass survey")
report_create(agenda_item=marram, data=pdf("Marram grass survey"),
              title="Marram grass survey report", by=clerk)

session = SessionStore()
session[SESSION_KEY] = str(clerk.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = clerk.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.create()
print(json.dumps({
    "published": published.slug, "draft": draft.slug, "withdrawn": withdrawn.pk,
    "hidden": hidden.pk, "hidden_item": bridge.pk, "session": session.session_key,
}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_up(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


# -- A small HTTP client: keep-alive, no redirects followed, cookies kept ---------------------


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes


class Browser:
    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self._conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None) -> Answer:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self._conn.request(method, path, body=body, headers=headers)
                response = self._conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self._conn.close()
                self._conn = None
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self._conn.close()
            self._conn = None
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def submit(self, path: str, changes: dict[str, str]) -> Answer:
        """Fill in the page's POST form as it stands, change ``changes``, and send it."""
        page = self.get(path)
        if page.status != 200:
            raise RuntimeError(f"GET {path}: {page.status} {page.headers.get('location', '')}")
        form = FormReader(path)
        form.feed(page.body.decode())
        fields = {**form.fields, **changes}
        return self.request("POST", form.action or path, urlencode(fields))


class FormReader(HTMLParser):
    """The fields of the page's POST form sent to ``path`` itself (its action empty or the
    page's own address); else of its first POST form that does not sign out."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select = ""
        self._textarea = ""

    @property
    def action(self) -> str:
        return self._chosen()[0]

    @property
    def fields(self) -> dict[str, str]:
        return self._chosen()[1]

    def _chosen(self) -> tuple[str, dict[str, str]]:
        own = [f for f in self.forms if f[0] in ("", self.path)]
        others = [f for f in self.forms if "sign-out" not in f[0]]
        chosen = (own or others or [("", {})])[0]
        return chosen[0] or self.path, chosen[1]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action") or "", self._fields))
            return
        fields = self._fields
        if fields is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file", "image"):
                fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in fields:
                fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = ""
        elif tag == "textarea":
            self._textarea = ""

    def handle_data(self, data):
        if self._textarea and self._fields is not None:
            self._fields[self._textarea] += data


# -- The cluster ------------------------------------------------------------------------------


class Cluster:
    """PostgreSQL (its own database), Redis, moto's S3, two gunicorn nodes and nginx."""

    def __init__(
        self,
        database_url: str,
        cache_url: str,
        workdir: Path,
        *,
        workers: int = 2,
        own_redis: bool = True,
        log=print,
    ):
        self.database_url = database_url
        self.own_redis = own_redis
        self.cache_url = cache_url
        self.workdir = workdir
        self.workers = workers
        self.log = log
        self.processes: list[subprocess.Popen] = []
        self.s3 = None
        self.facts: dict = {}
        self.node_a = self.node_b = self.proxy = 0
        self.debug = False

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="boardpapers.settings",
            DATABASE_URL=self.database_url,
            CACHE_URL=self.cache_url,
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            STORAGE="s3",
            S3_BUCKET=self.s3_bucket,
            S3_ENDPOINT_URL=self.s3_endpoint,
            S3_REGION="eu-west-2",
            S3_ACCESS_KEY_ID="portal",
            S3_SECRET_ACCESS_KEY="portal-secret",
            VAR_DIR=str(self.workdir / "var"),
            STATIC_ROOT=str(self.workdir / "static"),
            PAGE_CACHE_SECONDS="600",
            LOG_LEVEL="WARNING",
            DEBUG="1" if self.debug else "",
        )
        return env

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [PYTHON, *args], cwd=ROOT, env=self.env(), capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)[:80]} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def start(self) -> None:
        self.secret_key = "two-nodes-" + secrets.token_urlsafe(40)
        self._database()
        self._s3()
        self._redis()
        self._redis_empty()
        self.log("migrate, collectstatic, the drill's meetings ...")
        self.run("manage.py", "migrate", "--no-input", "-v0")
        try:
            self.run("manage.py", "collectstatic", "--no-input", "-v0")
        except RuntimeError as exc:
            # The page cache is under test, not the static files: run on with the finders.
            self.debug = True
            self.log(f"collectstatic failed, so the nodes run with DEBUG=1: {str(exc)[-300:]}")
        self.facts = json.loads(self.run("-c", SETUP).strip().splitlines()[-1])
        self._redis_empty()
        self.node_a = self._gunicorn("a")
        self.node_b = self._gunicorn("b")
        self.proxy = self._nginx() if shutil.which("nginx") else 0
        for port in filter(None, (self.node_a, self.node_b, self.proxy)):
            self._wait(port)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = []
        if self.s3 is not None:
            self.s3.stop()
            self.s3 = None

    def _database(self) -> None:
        import psycopg2

        parsed = urlparse(self.database_url)
        name = parsed.path.strip("/")
        admin = psycopg2.connect(parsed._replace(path="/postgres").geturl())
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()

    def drop_database(self) -> None:
        import psycopg2

        parsed = urlparse(self.database_url)
        admin = psycopg2.connect(parsed._replace(path="/postgres").geturl())
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{parsed.path.strip("/")}" WITH (FORCE)')
        admin.close()

    def _s3(self) -> None:
        import logging

        import boto3
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)

        port = free_port()
        self.s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self.s3.start()
        self.s3_endpoint = f"http://127.0.0.1:{port}"
        # moto keeps its buckets per process, not per server: a bucket of the drill's own, so
        # a run inside a test process that used moto before cannot find its name taken.
        self.s3_bucket = f"papers-{secrets.token_hex(4)}"
        boto3.client(
            "s3", endpoint_url=self.s3_endpoint, region_name="eu-west-2",
            aws_access_key_id="portal", aws_secret_access_key="portal-secret",
        ).create_bucket(
            Bucket=self.s3_bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )  # fmt: skip

    def _redis(self) -> None:
        """A Redis of the drill's own when redis-server is installed, else ``cache_url``."""
        if not self.own_redis or not shutil.which("redis-server"):
            return
        port = free_port()
        self.processes.append(
            subprocess.Popen(
                ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                 "--appendonly", "no", "--dir", str(self.workdir)],
                stdout=subprocess.DEVNULL,
            )
        )  # fmt: skip
        self.cache_url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 20
        while not redis_up(self.cache_url):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)

    def _redis_empty(self) -> None:
        import redis

        redis.Redis.from_url(self.cache_url).flushdb()

    def _gunicorn(self, name: str) -> int:
        port = free_port()
        log = open(self.workdir / f"node-{name}.log", "wb")  # noqa: SIM115  (kept open)
        self.processes.append(
            subprocess.Popen(
                [
                    GUNICORN,
                    "boardpapers.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(self.workers),
                    "--threads",
                    "2",
                    "--worker-class",
                    "gthread",
                    "--keep-alive",
                    "30",
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        return port

    def _nginx(self) -> int:
        port = free_port()
        here = self.workdir / "nginx"
        here.mkdir(exist_ok=True)
        user = "user root;" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
        (here / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
daemon off;
pid {here}/nginx.pid;
error_log {here}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {here}/body;
    proxy_temp_path {here}/proxy;
    fastcgi_temp_path {here}/fastcgi;
    uwsgi_temp_path {here}/uwsgi;
    scgi_temp_path {here}/scgi;
    upstream portal {{
        server 127.0.0.1:{self.node_a};
        server 127.0.0.1:{self.node_b};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""
        )
        log = open(here / "stdout.log", "wb")  # noqa: SIM115  (kept open)
        self.processes.append(
            subprocess.Popen(
                ["nginx", "-p", str(here), "-c", str(here / "nginx.conf")],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        return port

    def _wait(self, port: int) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                logs = "\n".join(
                    f"{p.name}: {p.read_text()[-1500:]}" for p in self.workdir.glob("node-*.log")
                )
                raise RuntimeError(f"a node or nginx stopped while starting:\n{logs}")
            try:
                if Browser(port).get("/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"nothing answered on port {port}")


# -- The drill --------------------------------------------------------------------------------


@dataclass
class Read:
    reader: str
    url: str
    started: float
    ended: float
    status: int
    cached: str
    body: bytes


@dataclass
class Step:
    name: str
    started: float = 0.0
    returned: float = 0.0
    status: int = 0
    # url -> "is this response the old content?"
    old: dict = field(default_factory=dict)


@dataclass
class Result:
    steps: list[Step]
    reads: list[Read]
    nginx: bool

    def stale(self, step: Step) -> list[Read]:
        return [
            r
            for r in self.reads
            if r.started > step.returned and r.url in step.old and step.old[r.url](r)
        ]

    def seen_old_before(self, step: Step) -> int:
        return sum(
            1
            for r in self.reads
            if r.ended < step.started and r.url in step.old and step.old[r.url](r)
        )

    def window(self, step: Step) -> float:
        """Seconds from the clerk's answer to the start of the last stale response (0: none)."""
        stale = self.stale(step)
        return max((r.started - step.returned for r in stale), default=0.0)

    def first_fresh(self, step: Step) -> float | None:
        fresh = [
            r.ended - step.returned
            for r in self.reads
            if r.started > step.returned and r.url in step.old and not step.old[r.url](r)
        ]
        return min(fresh, default=None)

    def report(self) -> str:
        lines = []
        for step in self.steps:
            stale = self.stale(step)
            first = self.first_fresh(step)
            lines.append(
                f"{step.name:<28} clerk's request {1000 * (step.returned - step.started):6.0f} ms; "
                f"old content read before it: {self.seen_old_before(step):4d}; "
                f"stale after it: {len(stale)}"
                + (f" (window {1000 * self.window(step):.0f} ms)" if stale else " (none)")
                + (f"; new content first read +{1000 * first:.0f} ms" if first else "")
            )
        by_reader: dict[str, list[Read]] = {}
        for r in self.reads:
            by_reader.setdefault(r.reader, []).append(r)
        for reader, reads in sorted(by_reader.items()):
            hits = sum(r.cached == "hit" for r in reads)
            lines.append(f"reader via {reader}: {len(reads)} responses, {hits} from the page cache")
        longest = max((self.window(s) for s in self.steps), default=0.0)
        stale_total = sum(len(self.stale(s)) for s in self.steps)
        lines.append(
            "longest stale window: "
            + ("none" if not stale_total else f"{1000 * longest:.0f} ms ({stale_total} stale)")
            + ("" if self.nginx else " (nginx not installed: the nodes were driven directly)")
        )
        return "\n".join(lines)


def _has(text: str) -> callable:
    return lambda r: r.status == 200 and text.encode() in r.body


def _shown(r: Read) -> bool:
    return r.status in (200, 302)


def drill(cluster: Cluster, *, pause: float = 1.5, readers_per_target: int = 2) -> Result:
    f = cluster.facts
    published, draft = f"/meetings/{f['published']}/", f"/meetings/{f['draft']}/"
    withdrawn, hidden = f["withdrawn"], f["hidden"]
    steps = [
        Step(
            "publish a draft meeting",
            old={
                draft: lambda r: r.status == 404,
                "/committees/drill-panel/": lambda r: (
                    r.status == 200 and draft.encode() not in r.body
                ),
                "/meetings/": lambda r: r.status == 200 and draft.encode() not in r.body,
            },
        ),
        Step(
            "withdraw a paper",
            old={
                published: _has(f"/documents/{withdrawn}/download/"),
                f"/documents/{withdrawn}/": _shown,
                f"/documents/{withdrawn}/download/": _shown,
                "/search/?q=quillwort": _has(f"/documents/{withdrawn}/"),
            },
        ),
        Step(
            "make an item private",
            old={
                published: _has(f"/documents/{hidden}/download/"),
                f"/documents/{hidden}/": _shown,
                f"/documents/{hidden}/download/": _shown,
                f"/search/?q={WORD}": _has(f"/documents/{hidden}/"),
            },
        ),
    ]
    urls = sorted({url for step in steps for url in step.old} | {"/committees/drill-board/"})
    reads: list[Read] = []
    lock = threading.Lock()
    stop = threading.Event()

    def read(name: str, port: int, offset: int) -> None:
        browser = Browser(port)
        i = offset
        while not stop.is_set():
            url = urls[i % len(urls)]
            i += 1
            started = time.monotonic()
            try:
                answer = browser.get(url)
            except OSError:
                continue
            ended = time.monotonic()
            with lock:
                reads.append(
                    Read(name, url, started, ended, answer.status,
                         answer.headers.get("x-page-cache", ""), answer.body)
                )  # fmt: skip

    targets = [("node B", cluster.node_b)] + ([("nginx", cluster.proxy)] if cluster.proxy else [])
    threads = [
        threading.Thread(target=read, args=(name, port, n * 3), daemon=True)
        for name, port in targets
        for n in range(readers_per_target)
    ]
    clerk = Browser(cluster.node_a, {"sessionid": f["session"]})
    actions = [
        (f"/workspace/meetings/{f['draft']}/publish/",
         {"confirm_findings": "on", "confirm_short_notice": "on"}),
        (f"/workspace/documents/{withdrawn}/withdraw/", {"note": "Published in error."}),
        (f"/workspace/items/{f['hidden_item']}/",
         {"part": "private", "exemption_paragraph": "3",
          "public_description": "Information about the financial affairs of a business."}),
    ]  # fmt: skip
    for _, port in targets:  # every worker of each node has read every page once
        warm = Browser(port)
        for _ in range(2 * cluster.workers):
            for url in urls:
                warm.get(url)
    for thread in threads:
        thread.start()
    try:
        time.sleep(pause)
        for step, (path, changes) in zip(steps, actions, strict=True):
            step.started = time.monotonic()
            answer = clerk.submit(path, changes)
            step.returned = time.monotonic()
            step.status = answer.status
            if answer.status != 302:
                raise RuntimeError(
                    f"{step.name}: the workspace answered {answer.status}, not a redirect:\n"
                    f"{answer.body.decode(errors='replace')[:3000]}"
                )
            time.sleep(pause)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    return Result(steps, reads, bool(cluster.proxy))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bp_two_nodes")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between the steps")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    args = parser.parse_args()
    if not shutil.which("redis-server") and not redis_up(args.cache_url):
        raise SystemExit(f"No Redis at {args.cache_url}: the nodes share their page cache there.")
    workdir = Path(tempfile.mkdtemp(prefix="two-nodes-"))
    cluster = Cluster(args.database_url, args.cache_url, workdir, workers=args.workers)
    try:
        with cluster:
            print(
                f"node A :{cluster.node_a}, node B :{cluster.node_b}, "
                + (f"nginx :{cluster.proxy}" if cluster.proxy else "no nginx"),
                flush=True,
            )
            load_before = os.getloadavg()[0]
            result = drill(cluster, pause=args.pause)
        print(
            f"{os.cpu_count()} CPUs, load average {load_before:.1f} before the drill; "
            f"{args.workers} gunicorn workers x 2 threads a node"
            + (" (DEBUG=1: collectstatic failed)" if cluster.debug else "")
        )
        print(result.report())
    finally:
        cluster.drop_database()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
