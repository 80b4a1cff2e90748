"""The public's cached register pages follow an approval: the page read before it is not served
after it (the page cache, boardpapers/cache.py)."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from meetings import interests

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "interests-page-cache",
        }
    }
    settings.PAGE_CACHE_SECONDS = 600
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_an_approved_register_reaches_the_cached_public_pages(
    page_cache, client, own_person, clerk
):
    urls = ["/interests/", f"/interests/{own_person.slug}/", f"/people/{own_person.slug}/"]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url
    interests.interest_entry_add(
        person=own_person, by=own_person.user, category="bodies", description="Made up: a club"
    )
    version = interests.interest_submit(person=own_person, by=own_person.user)
    assert "Made up: a club" not in client.get(urls[1]).content.decode()
    interests.interest_approve(version=version, by=clerk)
    version.refresh_from_db()
    updated = f"{version.decided_at:%-d %B %Y}"
    pages = {url: client.get(url) for url in urls}
    assert all(p["X-Page-Cache"] == "miss" for p in pages.values())
    assert "Made up: a club" in pages[urls[1]].content.decode()
    assert f"Last updated {updated}" in pages[urls[1]].content.decode()
    assert f"last updated {updated}" in pages[urls[2]].content.decode()
