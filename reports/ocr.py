"""Scans become text: OCRmyPDF and Tesseract read a paper that has no text layer.

Run by the task worker (``reports.tasks.analyse_upload``), never on a request, in a child process
with limits on time and memory (``reports.pdf.run_limited``), and Tesseract with a time limit per
page. English and Welsh (``eng+cym``), the languages of Debian's tesseract-ocr-eng and
tesseract-ocr-cym. Pages are drawn for Tesseract with PDFium (``rasterizer="pypdfium"``) and the
output is a plain PDF (``output_type="pdf"``), so Ghostscript is not needed.

Only the recognised text is kept, page by page: the stored file stays the one the clerk uploaded
(and the upload checks passed), so a pack's inputs and their hashes do not change under it when
OCR finishes. The document page says the text was recognised automatically.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdfium2
from django.conf import settings

LANGUAGES = ("eng", "cym")
log = logging.getLogger(__name__)


def ocr_seconds(page_count: int) -> int:
    """Time allowed for one paper: OCR_SECONDS_PER_PAGE (default 60) a page, at least 2 min."""
    per_page = int(getattr(settings, "OCR_SECONDS_PER_PAGE", 60))
    return max(120, per_page * page_count)


def ocr_memory_mb() -> int:
    return int(getattr(settings, "OCR_MEMORY_MB", 2048))


def missing() -> str | None:
    """What this server lacks to read scans, in words, or None when it has it all."""
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        return "the ocrmypdf package is not installed"
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return "Tesseract is not installed (apt-get install tesseract-ocr)"
    listed = subprocess.run(  # noqa: S603 (our program, no shell)
        [tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    )
    have = set(listed.stdout.split())
    lacking = [lang for lang in LANGUAGES if lang not in have]
    if lacking:
        return "Tesseract lacks " + ", ".join(f"tesseract-ocr-{lang}" for lang in lacking)
    return None


def recognise(data: bytes, page_seconds: int = 120) -> tuple[list[str], list[list[dict]]]:
    """The text of each page of a scanned PDF, recognised by OCR, and its blocks
    (``document_text.pdf_blocks`` of the PDF OCRmyPDF made). Pages that already have text keep
    it (``skip_text``). Runs in a child process (``run_limited``)."""
    import ocrmypdf

    from .document_text import pdf_blocks

    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        source = Path(folder) / "scan.pdf"
        output = Path(folder) / "text.pdf"
        source.write_bytes(data)
        ocrmypdf.ocr(
            source,
            output,
            language=list(LANGUAGES),
            output_type="pdf",
            rasterizer="pypdfium",
            skip_text=True,
            optimize=0,
            jobs=1,
            use_threads=True,
            progress_bar=False,
            tesseract_timeout=page_seconds,
        )
        result = output.read_bytes()
    _, blocks = pdf_blocks(result)
    document = pypdfium2.PdfDocument(result)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
            texts.append(text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "-"))
        return texts, blocks
    finally:
        document.close()
