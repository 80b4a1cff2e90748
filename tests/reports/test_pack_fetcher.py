"""WeasyPrint reads nothing but the portal's own static files while it lays out a pack."""

from __future__ import annotations

import socket

import pytest
from weasyprint import HTML

from reports.fetcher import PACK_BASE_URL, RefusedURL, StaticOnlyFetcher, static_path_for

from .pdf_reading import all_text

CANARY_WORD = "Wintergreenhollow"


@pytest.fixture
def canary(tmp_path):
    """Files with a word that must never reach a pack: an SVG image and a style sheet."""
    svg = tmp_path / "canary.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40">'
        f'<text x="0" y="30" font-size="20">{CANARY_WORD}</text></svg>'
    )
    css = tmp_path / "canary.css"
    css.write_text(f'body::after {{ content: "{CANARY_WORD}"; }}')
    return svg, css


@pytest.fixture
def no_network(monkeypatch):
    """Record (and refuse) every attempt to open a network connection."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def _render(html: str, fetcher: StaticOnlyFetcher) -> bytes:
    return HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=fetcher).write_pdf()


def test_a_file_url_is_refused_and_its_content_never_embedded(canary, no_network):
    svg, css = canary
    fetcher = StaticOnlyFetcher()
    html = (
        f'<html><head><link rel="stylesheet" href="{css.as_uri()}">'
        f"<style>@import url({css.as_uri()});</style></head>"
        f'<body><p>Agenda</p><img src="{svg.as_uri()}" alt="">'
        f'<img src="file://{svg}" alt=""><img src="../../../../{svg}" alt=""></body></html>'
    )
    data = _render(html, fetcher)
    text = all_text(data)
    assert "Agenda" in text
    assert CANARY_WORD not in text
    assert CANARY_WORD.encode() not in data
    assert any(url.startswith("file:") for url in fetcher.refused)
    assert no_network == []


def test_the_network_is_never_reached(no_network):
    fetcher = StaticOnlyFetcher()
    html = (
        '<html><head><link rel="stylesheet" href="http://127.0.0.1:9/evil.css">'
        "<style>@font-face { font-family: X; src: url(https://fonts.example.com/x.ttf); }"
        "</style></head><body><p>Agenda</p>"
        '<img src="https://example.com/tracker.png" alt="">'
        '<img src="http://169.254.169.254/latest/meta-data/" alt="">'
        '<img src="ftp://example.com/x.png" alt="">'
        '<img src="data:image/svg+xml,%3Csvg%3E%3C/svg%3E" alt=""></body></html>'
    )
    _render(html, fetcher)
    assert no_network == []
    assert len(fetcher.refused) >= 5


def test_the_portals_own_fonts_and_style_sheet_are_served(no_network):
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch(f"{PACK_BASE_URL}static/css/pack.css")
    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()
    font = fetcher.fetch(f"{PACK_BASE_URL}static/fonts/LiberationSans-Regular.ttf")
    assert font.content_type == "font/ttf"
    assert no_network == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://pack.boardpapers.invalid/static/css/pack.css",  # not the pack origin (http)
        "https://example.com/static/css/pack.css",
        "https://pack.boardpapers.invalid/static/../boardpapers/settings.py",
        "https://pack.boardpapers.invalid/static/%2e%2e/manage.py",
        "https://pack.boardpapers.invalid/static/css/../../manage.py",
        "https://pack.boardpapers.invalid/media/reports/x.pdf",
        "https://pack.boardpapers.invalid/static/fonts/README.md",
        "https://pack.boardpapers.invalid/static/css/pack.css?x=1",
        "https://user:pw@pack.boardpapers.invalid/static/css/pack.css",
        "https://pack.boardpapers.invalid:8443/static/css/pack.css",
        "https://pack.boardpapers.invalid/static/css/missing.css",
        "data:text/css,body{}",
    ],
)
def test_anything_but_a_static_file_is_refused(url):
    with pytest.raises(RefusedURL):
        static_path_for(url)
