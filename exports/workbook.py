"""What every workbook Cirkel writes shares: print-ready page setup (issue #13, item 5).

Every sheet gets A4 (landscape for wide sheets), fit to one page wide (as many
pages tall as it needs), the header rows repeated on every printed page and a
print title in the page header, so a sheet printed from LibreOffice or Excel
never splits its columns across pages. Works for normal and write-only sheets.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

PAPER_A4 = 9  # openpyxl / OOXML paper size code


def print_setup(ws, title: str, *, landscape: bool = True, header_rows: int = 1) -> None:
    """Set the page setup of ``ws``: A4, fit to one page wide, header rows repeated, a print title."""
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddFooter.right.text = "Side &P af &N"


# --- issue #10, item 12: openpyxl's own temporary files ---------------------------------

_sheet_temp = threading.local()
_patched = False
_patch_lock = threading.Lock()


def _create_temporary_file(suffix: str = "") -> str:
    """openpyxl's write-only sheets stream into a temp file; inside :func:`sheet_temp_files_beside` it goes
    beside the target (0600 by mkstemp), else where openpyxl puts it."""
    from openpyxl.worksheet import _writer

    directory = getattr(_sheet_temp, "directory", None)
    if directory is None:
        return _sheet_temp_original(suffix)
    fd, name = tempfile.mkstemp(prefix=".cirkel-sheet-", suffix=suffix or ".xml", dir=directory)
    os.close(fd)
    _writer.ALL_TEMP_FILES.append(name)
    _sheet_temp.files.append(name)
    return name


def _sheet_temp_original(suffix: str = "") -> str:  # replaced by openpyxl's own when patched
    raise RuntimeError("openpyxl's temp file hook is not installed")


@contextlib.contextmanager
def sheet_temp_files_beside(directory: Path):
    """While writing a workbook: openpyxl's temporary sheet files (which hold every row, CPR numbers
    included) are made in ``directory`` — the target's own — 0600, and removed on every way out,
    instead of lingering in /tmp at the umask's mode after a crash."""
    global _patched, _sheet_temp_original
    from openpyxl.worksheet import _writer

    with _patch_lock:
        if not _patched:
            _sheet_temp_original = _writer.create_temporary_file
            _writer.create_temporary_file = _create_temporary_file
            _patched = True
    _sheet_temp.directory, _sheet_temp.files = Path(directory), []
    try:
        yield
    finally:
        for name in _sheet_temp.files:
            with contextlib.suppress(OSError):
                os.unlink(name)
            with contextlib.suppress(ValueError):
                _writer.ALL_TEMP_FILES.remove(name)
        _sheet_temp.directory, _sheet_temp.files = None, []
