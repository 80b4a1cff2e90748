"""Where the importer's answers come from: a live ModernGov site (fetched with a time limit
and a size limit, documents only from that site) or a folder of saved answers, both read by the
same parser."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings

from . import parse

TIMEOUT_SECONDS = 30
USER_AGENT = "boardpapers-import-moderngov/1 (+https://github.com/)"


class Unreachable(Exception):
    """A request that got no usable answer (network error, HTTP error, missing file)."""


class SiteSource:
    def __init__(self, url: str, *, since: str = "0", until: str = "0") -> None:
        url = url.rstrip("/")
        url = re.sub(r"/mgWebService\.asmx$", "", url, flags=re.IGNORECASE)
        self.base = url
        self.service = f"{url}/mgWebService.asmx/"
        self.since, self.until = since, until
        self.label = url

    def _get(self, url: str, *, limit: int) -> bytes:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise Unreachable(f"not an http(s) address: {url}")
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                data = response.read(limit + 1)
        except urllib.error.HTTPError as exc:
            raise Unreachable(f"HTTP {exc.code} from {url}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unreachable(f"could not reach {url} ({reason})") from exc
        if len(data) > limit:
            raise Unreachable(f"{url} is larger than {limit // (1024 * 1024)} MB")
        return data

    def call(self, operation: str, **params: str) -> bytes:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return self._get(self.service + operation + query, limit=20 * 1024 * 1024)

    def committees(self) -> bytes:
        return self.call("GetCommittees")

    def meeting_lists(self) -> list[tuple[str, bytes]]:
        data = self.call("GetMeetings", lCommitteeId="0", sFromDate=self.since, sToDate=self.until)
        return [("GetMeetings", data)]

    def meeting(self, meeting_id: int) -> bytes:
        return self.call("GetMeeting", lMeetingId=str(meeting_id))

    def document(self, doc: parse.Document) -> bytes:
        # Only from the site being imported: an answer cannot send the importer elsewhere
        # (another host, the local network).
        host = urllib.parse.urlsplit(self.base).hostname
        if urllib.parse.urlsplit(doc.url).hostname != host:
            raise Unreachable(f"{doc.url or 'no address'} is not on {host}")
        return self._get(doc.url, limit=settings.MAX_UPLOAD_MB * 1024 * 1024)


class FolderSource:
    """Saved answers: every ``*.xml`` file is recognised by its root element (<committees>,
    <getmeetings>, <meeting>), whatever its name; a document is ``<attachmentid>.pdf`` anywhere
    under the folder (``documents/60860.pdf``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.label = str(folder)
        self.files: dict[str, list[tuple[str, bytes]]] = {}
        self.unreadable: list[tuple[str, str]] = []
        for path in sorted(folder.rglob("*.xml")):
            data = path.read_bytes()
            try:
                root = parse.parse_xml(data)
            except parse.BadAnswer as exc:
                self.unreadable.append((path.name, str(exc)))
                continue
            self.files.setdefault(root.tag, []).append((path.name, data))
        self.meetings: dict[int, bytes] = {}
        for name, data in self.files.get("meeting", []):
            root = parse.parse_xml(data)
            value = parse.text(root, "meetingid")
            if value.isdigit():
                self.meetings[int(value)] = data
            else:
                self.unreadable.append((name, "<meeting> has no whole-number <meetingid>"))
        self.documents = {p.stem: p for p in folder.rglob("*.pdf") if p.stem.isdigit()}

    def committees(self) -> bytes | None:
        found = self.files.get("committees")
        return found[0][1] if found else None

    def meeting_lists(self) -> list[tuple[str, bytes]]:
        return self.files.get("getmeetings", [])

    def meeting(self, meeting_id: int) -> bytes:
        if meeting_id not in self.meetings:
            raise Unreachable("no GetMeeting answer for it in the folder")
        return self.meetings[meeting_id]

    def document(self, doc: parse.Document) -> bytes:
        path = self.documents.get(str(doc.id))
        if path is None:
            raise Unreachable(f"no file {doc.id}.pdf in the folder")
        return path.read_bytes()


def source_for(location: str, *, since: str = "0", until: str = "0"):
    if re.match(r"^https?://", location, re.IGNORECASE):
        return SiteSource(location, since=since, until=until)
    folder = Path(location)
    if not folder.is_dir():
        raise ValueError(f"{location} is neither an http(s) address nor a folder.")
    return FolderSource(folder)
