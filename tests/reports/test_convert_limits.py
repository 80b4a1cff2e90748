"""LibreOffice runs in its own process group under a memory cap and a time limit; on timeout
the whole group is killed, so no soffice.bin is left behind, and none after a normal run
either. A stand-in for soffice (a shell script that starts a long-lived child called
soffice.bin, as oosplash does) shows it without LibreOffice installed."""

import os
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from reports import convert

FAKE_SOFFICE = """#!/bin/bash
while [ $# -gt 0 ]; do
  if [ "$1" = "--outdir" ]; then out="$2"; fi
  shift
done
(exec -a soffice.bin sleep 3000) &
if [ "$FAKE_SOFFICE_MODE" = "hang" ]; then sleep 3000; fi
ulimit -v > "$out/document.pdf"
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    program = tmp_path / "soffice"
    program.write_text(FAKE_SOFFICE)
    program.chmod(0o755)
    monkeypatch.setattr(convert, "soffice", lambda: str(program))
    marker = uuid.uuid4().hex
    monkeypatch.setenv("FAKE_SOFFICE_MARKER", marker)  # inherited by every process it starts
    return marker


def processes_marked(marker: str) -> list[int]:
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"FAKE_SOFFICE_MARKER={marker}".encode() in environ.read_bytes():
                status = (environ.parent / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if status != "Z":
                    found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def test_a_conversion_that_takes_too_long_is_killed_with_every_process_it_started(
    fake_soffice, monkeypatch, settings
):
    settings.DOCX_CONVERT_SECONDS = 1
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "hang")
    with pytest.raises(ValidationError) as refused:
        convert.docx_to_pdf(b"PK\x03\x04 a Word document")
    assert refused.value.code == "docx_timeout"
    assert "took more than 1 seconds" in refused.value.messages[0]
    assert processes_marked(fake_soffice) == []


def test_a_finished_conversion_leaves_no_soffice_bin_and_ran_under_the_memory_cap(
    fake_soffice, settings
):
    settings.DOCX_CONVERT_MEMORY_MB = 3000
    output = convert.docx_to_pdf(b"PK\x03\x04 a Word document")
    # The stand-in wrote its own address-space limit (in KB) where the PDF would be.
    assert output.strip() == str(3000 * 1024).encode()
    assert processes_marked(fake_soffice) == []


def test_the_conversion_runs_in_its_own_session(fake_soffice, monkeypatch, tmp_path):
    program = tmp_path / "soffice"
    program.write_text('#!/bin/bash\nfor a; do [ "$p" = "--outdir" ] && out="$a"; p="$a"; done\n'
                       'ps -o sid= -p $$ > "$out/document.pdf"\n')  # fmt: skip
    output = convert.docx_to_pdf(b"PK\x03\x04 a Word document")
    assert int(output.strip()) != os.getsid(0)
