"""Word documents (.docx) converted to PDF with LibreOffice, run headless in a throwaway
profile with a time limit, so the clerk can upload what the report's author sent. The PDF that
comes out is then checked like any upload; the Word file itself is not kept."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError

CONVERT_SECONDS = 120
DOCX_SUFFIXES = (".docx",)


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
    with tempfile.TemporaryDirectory(prefix="docx-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(data)
        try:
            subprocess.run(  # noqa: S603 (our program, a list of arguments, no shell)
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
                check=False,
                capture_output=True,
                timeout=CONVERT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            raise ValidationError(
                f"This Word document took more than {CONVERT_SECONDS} seconds to convert to "
                "PDF. Save it as PDF in Word and upload the PDF.",
                code="docx_timeout",
            ) from None
        result = work / "document.pdf"
        if not result.exists() or result.stat().st_size == 0:
            raise ValidationError(
                "This Word document could not be converted to PDF: it may be damaged. Open it "
                "in Word, save it as PDF and upload the PDF.",
                code="docx_failed",
            )
        return result.read_bytes()
