"""What WeasyPrint may read while it lays out a pack: the portal's own static files, nothing else.

Templates name their fonts and style sheets by their static path (``/static/fonts/...``) against
the base URL ``PACK_BASE_URL``, an origin under the reserved ``.invalid`` top-level domain that
no resolver answers. The fetcher serves a URL only when it is that origin, a path under
``STATIC_URL`` with an allowed file type, and a file the staticfiles finders find in the
portal's own static folders. Everything else is refused before anything is opened: ``file://``
(a template or a clerk's text can never make a pack embed a file from the server), ``http(s)``
anywhere else (no network, so no redirects to follow either), ``data:`` and every other scheme.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PACK_ORIGIN = "https://pack.boardpapers.invalid"
PACK_BASE_URL = f"{PACK_ORIGIN}/"

# What a pack may embed: fonts, style sheets and images. Nothing executable, nothing HTML.
ALLOWED_TYPES = {
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
MAX_BYTES = 5 * 1024 * 1024


class RefusedURL(ValueError):
    """A URL the pack fetcher will not serve."""


def static_path_for(url: str) -> Path:
    """The file a pack URL names, or RefusedURL saying why it may not be read."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise RefusedURL(f"Malformed URL: {url[:200]}") from exc
    if parts.scheme != "https" or parts.netloc != urlsplit(PACK_ORIGIN).netloc:
        raise RefusedURL(f"Packs may embed only the portal's own static files, not {url[:200]}")
    if parts.query or parts.username or parts.password or parts.port:
        raise RefusedURL(f"Unexpected URL parts in {url[:200]}")
    path = unquote(parts.path)
    static_url = "/" + settings.STATIC_URL.strip("/") + "/"
    if not path.startswith(static_url) or "\\" in path or "\x00" in path:
        raise RefusedURL(f"Not a static file: {url[:200]}")
    relative = path[len(static_url) :]
    normal = posixpath.normpath(relative)
    if normal != relative or normal.startswith(("../", "/")) or normal in ("..", "."):
        raise RefusedURL(f"Not a plain static path: {url[:200]}")
    suffix = posixpath.splitext(normal)[1].lower()
    if suffix not in ALLOWED_TYPES:
        raise RefusedURL(f"Packs do not embed {suffix or 'extensionless'} files: {url[:200]}")
    found = finders.find(normal)
    if not found:
        raise RefusedURL(f"No such static file: {normal}")
    return Path(found)


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves static files and refuses everything else.

    It never calls the parent's ``fetch``, so urllib's handlers (file, http, ftp, data,
    redirects) are never reached.
    """

    def __init__(self) -> None:
        super().__init__(allow_redirects=False, allowed_protocols=("https",))
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            path = static_path_for(url)
        except RefusedURL as exc:
            self.refused.append(url[:200])
            logger.warning("Pack fetcher refused %s", url[:200])
            raise exc
        data = path.read_bytes()
        if len(data) > MAX_BYTES:
            raise RefusedURL(f"{path.name} is too large to embed")
        content_type = ALLOWED_TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        return URLFetcherResponse(url, data, {"Content-Type": content_type})
