"""A portal of its own for the fault tests: a database that the test and real subprocesses
(``manage.py db_worker``, gunicorn) share, migrated and loaded with the demo data once.

On PostgreSQL (DATABASE_URL set to one) it is a database named after yours with ``_faults``
appended, made and dropped here; otherwise a SQLite file in a temporary folder. The test reads
and changes rows through the same ``manage.py`` the services use, or with plain SQL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Portal:
    env: dict
    url: str

    @property
    def postgres(self) -> bool:
        return self.url.startswith("postgres")

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, timeout=timeout,
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def python(self, code: str) -> object:
        """Run Django code in a fresh process of the portal; it prints a JSON answer."""
        out = self.manage("shell", "-c", textwrap.dedent(code))
        return json.loads(out.strip().splitlines()[-1])

    @property
    def log(self) -> Path:
        """Where the subprocesses' errors go (a pipe nobody reads would fill and stop them)."""
        return Path(self.env["VAR_DIR"]) / "subprocesses.log"

    def popen(self, *args: str, **kwargs) -> subprocess.Popen:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            return subprocess.Popen(
                [*args], cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=log,
                **kwargs,
            )  # fmt: skip

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        if self.postgres:
            import psycopg2

            conn = psycopg2.connect(self.url)
            conn.autocommit = True
            try:
                with conn.cursor() as cursor:
                    cursor.execute(query.replace("?", "%s"), params)
                    return cursor.fetchall() if cursor.description else []
            finally:
                conn.close()
        conn = sqlite3.connect(urlparse(self.url).path, timeout=30)
        try:
            rows = conn.execute(query, params).fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()


def _admin_url(url: str) -> str:
    return urlparse(url)._replace(path="/postgres").geturl()


@pytest.fixture(scope="package")
def portal(tmp_path_factory) -> Portal:
    base = os.environ.get("DATABASE_URL", "")
    tmp = tmp_path_factory.mktemp("fault-portal")
    if base.startswith("postgres"):
        import psycopg2

        # One database per pytest-xdist worker ("gw0", "gw1"...): each may run some of these tests.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        name = "_".join(
            filter(None, [urlparse(base).path.strip("/") or "postgres", "faults", worker])
        )
        url = urlparse(base)._replace(path=f"/{name}").geturl()
        admin = psycopg2.connect(_admin_url(base))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        url = f"sqlite:///{tmp / 'db.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))},
        "DATABASE_URL": url,
        "VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "DJANGO_SETTINGS_MODULE": "boardpapers.settings",
        "CACHE_URL": f"file://{tmp / 'cache'}",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
    }
    made = Portal(env=env, url=url)
    made.manage("migrate", "--no-input", "-v0")
    made.manage("load_demo")
    made.manage("collectstatic", "--no-input", "-v0")
    yield made
    if url.startswith("postgres"):
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
