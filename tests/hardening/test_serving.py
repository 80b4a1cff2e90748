"""How a file leaves the portal once access has been checked: from Django, from nginx
(SENDFILE=nginx: X-Accel-Redirect) or from an S3-compatible store (STORAGE=s3)."""

from __future__ import annotations

import socket
import urllib.request
from urllib.parse import unquote

import pytest
from django.core.files.storage import default_storage

from meetings.models import AgendaItem
from reports.models import DownloadLog, Report
from reports.services import report_create

pytestmark = pytest.mark.django_db
SEED = "2014-09-22-health-and-well-being-board"


@pytest.fixture
def papers(seed_meeting, make_pdf):
    item4 = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    public = report_create(
        agenda_item=item4, data=make_pdf("Carers strategy, public"), title="Carers strategy"
    )
    exempt = report_create(
        agenda_item=item4, data=make_pdf("Tender prices, exempt"), title="Tender prices",
        is_exempt=True,
    )  # fmt: skip
    return public, exempt


@pytest.fixture
def nginx(settings):
    settings.SENDFILE = "nginx"
    settings.SENDFILE_PREFIX = "/protected/"


def test_with_nginx_the_portal_checks_access_and_nginx_sends_the_file(nginx, papers, client):
    public, exempt = papers
    response = client.get(public.get_download_url())
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{public.file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="Carers_strategy.pdf"' in response["Content-Disposition"]
    assert "public" in response["Cache-Control"]
    refused = client.get(exempt.get_download_url())
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_with_nginx_a_member_gets_the_exempt_paper_privately(nginx, papers, client_as):
    _, exempt = papers
    response = client_as("member").get(exempt.get_download_url())
    assert response["X-Accel-Redirect"] == f"/protected/{exempt.file.name}"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_with_nginx_packs_go_the_same_way(nginx, seed_meeting, client):
    response = client.get(f"/meetings/{SEED}/packs/agenda-pack.pdf")
    assert response.status_code == 200
    path = unquote(response["X-Accel-Redirect"]).removeprefix("/protected/")
    assert path.startswith(f"packs/{seed_meeting.pk}/")
    assert default_storage.open(path).read().startswith(b"%PDF-")


def test_a_conditional_download_is_answered_304_without_the_file(papers, client):
    public, _ = papers
    etag = client.get(public.get_download_url())["ETag"]
    assert client.get(public.get_download_url(), headers={"if-none-match": etag}).status_code == 304


# --- S3 ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """An S3-compatible server on loopback (moto's), with a bucket for the portal."""
    moto_server = pytest.importorskip("moto.server")
    import boto3

    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="eu-west-2",
        aws_access_key_id="portal", aws_secret_access_key="portal-secret",
    ).create_bucket(
        Bucket="papers", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )  # fmt: skip
    yield endpoint
    server.stop()


@pytest.fixture
def s3(settings, s3_server):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "papers",
                "endpoint_url": s3_server,
                "region_name": "eu-west-2",
                "access_key": "portal",
                "secret_key": "portal-secret",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
            },
        },
    }


def test_with_s3_a_public_paper_is_a_short_lived_signed_link(s3, papers, client, make_pdf):
    public, _ = papers
    stored = Report.objects.get(pk=public.pk)
    response = client.get(stored.get_download_url())
    assert response.status_code == 302
    link = response["Location"]
    assert "X-Amz-Expires=60" in link and "X-Amz-Signature=" in link
    assert "no-store" in response["Cache-Control"]
    with urllib.request.urlopen(link) as fetched:
        assert fetched.read() == make_pdf("Carers strategy, public")


def test_with_s3_an_exempt_paper_is_streamed_through_the_portal_and_logged(
    s3, papers, client, client_as, make_pdf, member
):
    _, exempt = papers
    assert client.get(exempt.get_download_url()).status_code == 404
    response = client_as("member").get(exempt.get_download_url())
    assert response.status_code == 200 and "Location" not in response
    assert b"".join(response.streaming_content) == make_pdf("Tender prices, exempt")
    assert "private" in response["Cache-Control"]
    log = DownloadLog.objects.get()
    assert log.report == exempt and log.username == member.username
