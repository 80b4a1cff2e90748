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
                "pdf:writer_pdf_Export",
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
