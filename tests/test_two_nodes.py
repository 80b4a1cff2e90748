"""Two web nodes behind nginx, one PostgreSQL database, Redis for the page cache and an S3
store: a clerk's change made through node A is never served as it was by node B once the
clerk's request has returned (bench/two_nodes.py, whose drill this runs)."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import sys
from pathlib import Path

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parent.parent / "bench" / "two_nodes.py"


def _drill_module():
    spec = importlib.util.spec_from_file_location("two_nodes_drill", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.3):
            return True
    except OSError:
        return False


def _database_url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{name}"
    )


@pytest.fixture
def cluster(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the two-node drill shares one PostgreSQL database between two gunicorn nodes; "
            "run it with DATABASE_URL=postgres://... (CI does)"
        )
    if not shutil.which("redis-server") and not _redis_up():
        pytest.skip("no redis-server to start and no Redis on 127.0.0.1:6379")
    drill = _drill_module()
    # A database of the drill's own beside the test database: the nodes need committed data,
    # and the test database's rows are rolled back after every test.
    name = f"{connection.settings_dict['NAME']}_two_nodes"[:63]
    cluster = drill.Cluster(
        _database_url(name), "redis://127.0.0.1:6379/14", tmp_path, log=lambda *a: None
    )
    try:
        with cluster:
            yield drill, cluster
    finally:
        cluster.drop_database()


def test_node_b_never_serves_what_a_clerk_changed_through_node_a(cluster):
    drill, nodes = cluster
    result = drill.drill(nodes, pause=1.5)
    print()
    print(result.report())
    for step in result.steps:
        assert result.seen_old_before(step) > 0, f"{step.name}: the old content was never read"
        assert result.first_fresh(step) is not None, f"{step.name}: the change never showed"
        stale = [(r.reader, r.url, round(r.started - step.returned, 3)) for r in result.stale(step)]
        assert stale == [], step.name
    readers = {r.reader for r in result.reads}
    assert "node B" in readers
    assert any(r.cached == "hit" for r in result.reads if r.reader == "node B")
    if shutil.which("nginx"):
        assert "nginx" in readers
