"""Word documents (.docx) converted to PDF with LibreOffice, run headless in a throwaway
profile, so the clerk can upload what the report's author sent. The PDF that comes out is then
checked like any upload; the Word file itself is not kept.

LibreOffice runs in its own session (so its own process group: ``soffice`` starts
``oosplash``, which starts ``soffice.bin``) with a cap on memory (RLIMIT_AS, inherited by every
process it starts) and a wall-clock limit; on timeout the whole group is killed, so no
``soffice.bin`` is left behind, and after a normal run any straggler in the group goes too.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

DOCX_SUFFIXES = (".docx",)
# A tagged PDF (LibreOffice 7.4 and later read filter options as JSON; older ones ignore them
# and write an untagged PDF), so the document text reader takes its headings, lists and
# tables from the tags when the Word file's own structure cannot be used.
TAGGED_PDF_EXPORT = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def _limit_memory(megabytes: int):
    cap = megabytes * 1024 * 1024

    def apply() -> None:  # pragma: no cover - runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return apply


def _kill_group(process: subprocess.Popen) -> None:
    """Kill every process of LibreOffice's group (its session leader's id is the group's)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _capped(command: list[str], megabytes: int) -> tuple[list[str], object]:
    """The command under a memory cap: util-linux's prlimit where there is one (nothing runs
    in this process between fork and exec, which is safe in a threaded server), else a
    ``preexec_fn``."""
    prlimit = shutil.which("prlimit")
    if prlimit:
        return [prlimit, f"--as={megabytes * 1024 * 1024}", "--", *command], None
    return command, _limit_memory(megabytes)


def looks_like_docx(data: bytes, filename: str = "") -> bool:
    """A Word document: a zip holding word/document.xml (whatever the file is called)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF LibreOffice makes of a Word document, or ValidationError saying what to do."""
    program = soffice()
    if program is None:
        raise ValidationError(
            "This is a Word document. This server cannot convert Word documents (it has no "
            "LibreOffice): in Word choose File, Save as, PDF, and upload the PDF.",
            code="docx_unavailable",
        )
    with tempfile.TemporaryDirectory(prefix="docx-", dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(data)
        seconds = settings.DOCX_CONVERT_SECONDS
        command, preexec = _capped(
            [
                program,
                "--headless",
                "--norestore",
                "--nolockcheck",
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--convert-to",
                TAGGED_PDF_EXPORT,
                "--outdir",
                str(work),
                str(source),
            ],
            settings.DOCX_CONVERT_MEMORY_MB,
        )
        process = subprocess.Popen(  # noqa: S603 (our program, a list of arguments, no shell)
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=preexec,
        )
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.wait()
            raise ValidationError(
                f"This Word document took more than {seconds} seconds to convert to "
                "PDF. Save it as PDF in Word and upload the PDF.",
                code="docx_timeout",
            ) from None
        finally:
            _kill_group(process)  # a straggler after a normal exit, too
        result = work / "document.pdf"
        if not result.exists() or result.stat().st_size == 0:
            raise ValidationError(
                "This Word document could not be converted to PDF: it may be damaged. Open it "
                "in Word, save it as PDF and upload the PDF.",
                code="docx_failed",
            )
        return result.read_bytes()


# What a Word document holds out of sight, read before it is converted (the Word file is not
# kept, so its findings are stored with the paper for the check before publication).

WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Parts whose text is printed: the body, headers, footers, footnotes and endnotes.
WORD_TEXT_PARTS = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml",
                   "word/endnotes.xml")  # fmt: skip
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
WORD_PART_LIMIT = 256 * 1024 * 1024  # inflated bytes read from one part, at most


def _count_tags(archive: zipfile.ZipFile, name: str, wanted: set[str]) -> dict[str, int]:
    """How many of each Word element one part holds, read in chunks (expat refuses entity
    expansion; a part that inflates past WORD_PART_LIMIT raises ValueError)."""
    from xml.etree.ElementTree import XMLPullParser

    counts = dict.fromkeys(wanted, 0)
    parser = XMLPullParser(events=("end",))
    read = 0
    with archive.open(name) as handle:
        while chunk := handle.read(1 << 16):
            read += len(chunk)
            if read > WORD_PART_LIMIT:
                raise ValueError("part too large")
            parser.feed(chunk)
            for _event, element in parser.read_events():
                local = element.tag[len(WORD_NS) :] if element.tag.startswith(WORD_NS) else ""
                off = element.get(f"{WORD_NS}val", "true") in {"0", "false", "off"}
                if local in wanted and not (local == "vanish" and off):
                    counts[local] += 1
                element.clear()
    parser.close()
    return counts


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def docx_findings(data: bytes) -> list[str]:
    """What a Word document holds that its reader may not see, in words the clerk acts on:
    tracked changes (insertions and deletions not yet accepted), comments, hidden text and
    embedded spreadsheets. Empty for a clean document, or one that cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            counts = {"ins": 0, "del": 0, "moveTo": 0, "moveFrom": 0, "vanish": 0}
            for name in names:
                if name.endswith(".xml") and name.startswith(WORD_TEXT_PARTS):
                    for key, value in _count_tags(archive, name, set(counts)).items():
                        counts[key] += value
            comments = 0
            if "word/comments.xml" in names:
                comments = _count_tags(archive, "word/comments.xml", {"comment"})["comment"]
    except (zipfile.BadZipFile, ValueError, OSError, SyntaxError, RuntimeError):
        return []
    embedded = [n for n in names if n.startswith("word/embeddings/")]
    sheets = [n for n in embedded if n.lower().endswith(SPREADSHEET_SUFFIXES)]
    objects = [n for n in embedded if n not in sheets and "oleobject" in n.lower()]
    found = []
    if counts["ins"] or counts["del"] or counts["moveTo"]:
        moves = f", {_plural(counts['moveTo'], 'move', 'moves')}" if counts["moveTo"] else ""
        found.append(
            f"Tracked changes: {_plural(counts['ins'], 'insertion', 'insertions')}, "
            f"{_plural(counts['del'], 'deletion', 'deletions')}{moves} — accept or reject them "
            "in Word and upload again."
        )
    if comments:
        found.append(f"Comments: {comments} — delete them in Word and upload again.")
    if counts["vanish"]:
        found.append(
            "Hidden text — text formatted as hidden is in the Word document: show it in Word "
            "(Home, Show/Hide), delete what should not be published and upload again."
        )
    if sheets:
        found.append(
            ("An embedded spreadsheet" if len(sheets) == 1 else f"{len(sheets)} embedded "
             "spreadsheets") + " — its sheets (hidden ones too) may hold more than the page "
            "shows: paste the figures as a table or picture instead, and upload again."
        )  # fmt: skip
    if objects:
        found.append(
            ("An embedded object" if len(objects) == 1 else f"{len(objects)} embedded objects")
            + " (from another program) — it may hold more than the page shows: check it in Word."
        )
    return found
