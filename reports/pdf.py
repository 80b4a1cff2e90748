"""Reading uploaded PDFs: refuse what cannot be read, take out what must not be published,
count pages, extract text per page, draw a thumbnail.

pikepdf (qpdf) checks the structure: encryption, the limits of ``reports.limits`` (pages, page
size, nesting, inflated size), then ``reports.neutralise`` takes out scripts, launches, attached
files and the rest, and the file is rewritten. pypdfium2 (PDFium) extracts the text of each page
of the rewritten file; it measured about 25 times faster than pypdf or pdfminer.six here.

Both are C++ libraries reading whatever a clerk uploads, so they do it in a child process with a
cap on memory (RLIMIT_AS) and processor time (RLIMIT_CPU) and a wall-clock timeout: a PDF bomb or
a pathological file costs that child, never the web worker, and is refused with a message.
"""

from __future__ import annotations

import faulthandler
import gc
import hashlib
import io
import logging
import os
import pickle
import resource
import select
import signal
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pikepdf
import pypdfium2
from django.conf import settings
from django.core.exceptions import ValidationError

from .limits import check_limits
from .neutralise import active_content, describe, neutralise_pdf

PDF_MAGIC = b"%PDF-"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfFacts:
    sha256: str
    size_bytes: int
    page_count: int
    page_texts: list[str]
    # The bytes to store: the upload with its active content taken out (the upload itself
    # when it had none), and what was taken out, in words for the clerk.
    data: bytes = b""
    removed: tuple[str, ...] = ()

    @property
    def has_text_layer(self) -> bool:
        return any(text.strip() for text in self.page_texts)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _clean_text(text: str) -> str:
    # PDFium marks a hyphen that ends a line as U+FFFE; in council papers it is nearly always a
    # real hyphen ("over-achieving"), so it is put back as one.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "-")


def check_upload_size(size: int, *, max_bytes: int | None = None) -> None:
    """Refuse a file over the upload limit (MAX_UPLOAD_MB), saying what to do. Asked before an
    upload is read into memory, and again of the bytes themselves."""
    limit = max_bytes if max_bytes is not None else settings.MAX_UPLOAD_MB * 1024 * 1024
    if size > limit:
        raise _refuse(
            f"This file is {size / 1_048_576:.1f} MB, over the {limit / 1_048_576:.0f} MB "
            "limit. Split it into smaller documents or reduce its image quality, then upload "
            "it again.",
            "too_large",
        )


def inspect_pdf(data: bytes, *, max_bytes: int | None = None) -> PdfFacts:
    """Check an upload, take its active content out and read its facts, or raise
    ValidationError saying what is wrong and what to do about it. ``facts.data`` is what to
    store; what was removed is in ``facts.removed``."""
    check_upload_size(len(data), max_bytes=max_bytes)
    if len(data) == 0:
        raise _refuse("This file is empty. Choose the PDF again and upload it.", "empty")
    if PDF_MAGIC not in data[:1024]:
        raise _refuse(
            "This file is not a PDF. Save or export it as PDF and upload that.", "not_pdf"
        )
    return run_limited(
        _read_pdf,
        data,
        seconds=settings.PDF_READ_SECONDS,
        memory_mb=settings.PDF_READ_MEMORY_MB,
    )


def _read_pdf(data: bytes) -> PdfFacts:
    """The checks and the text of each page; run in the child process by inspect_pdf."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise _refuse(
                    "This PDF is encrypted or protected by a password. Save an unprotected copy "
                    "and upload that.",
                    "encrypted",
                )
            check_limits(pdf, len(data))
            removals = neutralise_pdf(pdf)
            # A file qpdf had to repair may read differently in another reader (PDFium, a
            # browser): it is stored as qpdf read it, which is what was checked.
            repaired = bool(pdf.get_warnings())
            if removals or repaired:
                out = io.BytesIO()
                # Streams stay as they were encoded: rewriting inflates nothing.
                pdf.save(
                    out,
                    stream_decode_level=pikepdf.StreamDecodeLevel.none,
                    compress_streams=False,
                    deterministic_id=True,
                )
                data = out.getvalue()
        if removals:
            with pikepdf.open(io.BytesIO(data)) as clean:
                if active_content(clean):
                    raise _refuse(
                        "This PDF holds scripts or attached files that could not be taken out. "
                        "Print it to a new PDF and upload that.",
                        "active_content",
                    )
    except pikepdf.PasswordError as exc:
        raise _refuse(
            "This PDF is protected by a password. Save an unprotected copy and upload that.",
            "encrypted",
        ) from exc
    except pikepdf.PdfError as exc:
        raise _refuse(
            "This PDF is damaged and cannot be read. Open it in a PDF reader, save or export it "
            "again, and upload the new copy.",
            "corrupt",
        ) from exc

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise _refuse(
            "This PDF is damaged and cannot be read. Open it in a PDF reader, save or export it "
            "again, and upload the new copy.",
            "corrupt",
        ) from exc
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(_clean_text(textpage.get_text_range()))
            textpage.close()
            page.close()
    finally:
        document.close()
    if not texts:
        raise _refuse("This PDF has no pages. Check the file and upload it again.", "no_pages")
    return PdfFacts(
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        page_count=len(texts),
        page_texts=texts,
        data=data,
        removed=tuple(describe(removals)),
    )


def thumbnail_png(data: bytes, width: int) -> bytes:
    """The first page drawn ``width`` pixels wide, as PNG, drawn in the limited child process
    after the same limits as an upload: a stored file is drawn under the caps whatever its
    history. Raises ValidationError when it cannot be drawn within them."""
    return run_limited(
        _draw_thumbnail,
        data,
        width,
        seconds=settings.PDF_READ_SECONDS,
        memory_mb=settings.PDF_READ_MEMORY_MB,
    )


def _draw_thumbnail(data: bytes, width: int) -> bytes:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            check_limits(pdf, len(data))
        document = pypdfium2.PdfDocument(data)
    except (pikepdf.PdfError, pypdfium2.PdfiumError) as exc:
        raise _refuse("This PDF is damaged and cannot be drawn.", "corrupt") from exc
    try:
        page = document[0]
        image = page.render(scale=width / page.get_width()).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
    finally:
        document.close()


def analyse_limited(data: bytes, analyse: Callable[[bytes], Any]) -> Any:
    """``analyse(data)`` (the pack builder's reading of an upload's page edges) in the limited
    child process, after the same limits as an upload."""
    return run_limited(
        _analyse_checked,
        data,
        analyse,
        seconds=settings.PDF_READ_SECONDS,
        memory_mb=settings.PDF_READ_MEMORY_MB,
    )


def _analyse_checked(data: bytes, analyse: Callable[[bytes], Any]) -> Any:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            check_limits(pdf, len(data))
    except pikepdf.PdfError as exc:
        raise _refuse("This PDF is damaged and cannot be read.", "corrupt") from exc
    return analyse(data)


# Reading in a child process with limits.

TOO_SLOW = (
    "This PDF took too long to read. It may be damaged or built in an unusual way: open it in a "
    "PDF reader, save or export it again (or print it to a new PDF), and upload the new copy."
)
TOO_BIG = (
    "This PDF needs too much memory to read. It may be damaged or hold very large images: "
    "export it again with a lower image quality, or split it into smaller documents, and upload "
    "those."
)
UNREADABLE = (
    "This PDF could not be read: the reader stopped on it. It may be damaged: open it in a PDF "
    "reader, save or export it again, and upload the new copy."
)
_CPU_SIGNALS = {signal.SIGXCPU}
_MEMORY_SIGNALS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT, signal.SIGTRAP, signal.SIGKILL}


def run_limited(func: Callable[..., Any], *args: Any, seconds: int, memory_mb: int) -> Any:
    """``func(*args)`` in a forked child that may use ``memory_mb`` more memory than it starts
    with and ``seconds`` of processor and wall-clock time. A ValidationError it raises is raised
    here; running out of time or memory, or dying, raises a ValidationError that says so.
    The result must be picklable.

    A plain fork: the child has the libraries loaded already and starts in milliseconds
    (multiprocessing's forkserver re-imports the main module in every child on Python 3.12, and
    a fresh interpreter takes a quarter of a second). The child touches no database connection
    or file it inherits and leaves by ``os._exit``, so nothing of the parent's is closed.
    """
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        # Python warns about forking a threaded process because a lock held by another thread
        # stays held in the child; the child only reads the PDF, with locks it takes itself.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its outcome is what the parent reports
        os.close(read_fd)
        _child(write_fd, memory_mb, seconds, func, args)
    os.close(write_fd)
    payload, timed_out = _read_until(read_fd, time.monotonic() + seconds)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    died_of = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    try:
        outcome = pickle.loads(payload) if payload else ("died",)  # noqa: S301 - our own child
    except (pickle.UnpicklingError, EOFError):
        outcome = ("died",)
    kind = outcome[0]
    if kind == "ok":
        return outcome[1]
    if kind == "refused":
        raise _refuse(outcome[1], outcome[2])
    if timed_out or died_of in _CPU_SIGNALS:
        log.warning("Refused a PDF: reading it took over %s s", seconds)
        raise _refuse(TOO_SLOW, "too_slow")
    if kind == "memory" or died_of in _MEMORY_SIGNALS:
        log.warning("Refused a PDF: reading it needed over %s MB more (%s)", memory_mb, died_of)
        raise _refuse(TOO_BIG, "too_much_memory")
    log.error("Refused a PDF: the reader failed (%s, status %s)", outcome, status)
    raise _refuse(UNREADABLE, "unreadable")


def _read_until(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything the child writes until it closes the pipe, or (what came, True) at the
    deadline."""
    chunks = []
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return b"".join(chunks), True
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)
    finally:
        os.close(fd)


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(write_fd: int, memory_mb: int, seconds: int, func, args) -> None:  # pragma: no cover
    code = 0
    try:
        gc.disable()  # nothing of the parent's is finalised here
        # A PDF that runs the reader out of memory ends in an abort; that is the expected
        # outcome here, not a crash worth a traceback in the parent's log.
        faulthandler.disable()
        if os.path.exists("/proc/self/statm"):
            cap = _address_space_bytes() + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        try:
            outcome = ("ok", func(*args))
        except ValidationError as exc:
            outcome = ("refused", exc.messages[0], exc.code)
        except MemoryError:
            outcome = ("memory",)
        except Exception as exc:
            outcome = ("error", f"{type(exc).__name__}: {exc}"[:500])
        try:
            payload = pickle.dumps(outcome)
        except MemoryError:
            payload = pickle.dumps(("memory",))
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)
