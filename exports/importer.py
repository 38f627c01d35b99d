"""``cirkel import``: read sheet ``Klippekort`` of a spreadsheet kept by hand into plain rows.

This module only reads the file; the rules and the one write are in
``models.imports`` (see its docstring). The sheet has the export's columns
``CPR | Navn | Distrikt | Kortnr | Starttidspunkt | Antal klip | Sluttidspunkt``
(header names matched without regard to case; extra columns are ignored).

Before anything is read (issue #10, item 5) the file must be a regular file
(a FIFO, a device or a symlink to one is refused, and it is opened
non-blocking, so nothing can hang the import), at most :data:`MAX_FILE_BYTES`
on disk and at most :data:`MAX_UNCOMPRESSED_BYTES` unpacked (the sizes the zip
directory declares, which also bound what is read: a zip bomb is refused
unread), and the sheet may declare at most ``MAX_ROWS`` rows (counted again
while reading, for a file that does not declare them).
"""
from __future__ import annotations

import contextlib
import io
import os
import stat
import zipfile
from pathlib import Path
from typing import Callable, Iterator

from models.base import DomainError
from models.i18n import _
from models.imports import (
    COLUMNS,
    MAX_ROWS,
    SHEET,
    ImportRefused,
    ImportReport,
    ImportSheet,
    import_sheet,
)
from models.inputs import format_int

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # 200,000 rows of the export's format unpack to ~64 MB (measured)

__all__ = ["import_file", "open_sheet", "ImportRefused", "ImportReport", "MAX_FILE_BYTES",
           "MAX_UNCOMPRESSED_BYTES", "MAX_ROWS"]


def _not_xlsx(path: Path) -> DomainError:
    return DomainError(_("{name} er ikke en Excel-fil (.xlsx). Gem regnearket som Excel-projektmappe (.xlsx) og prøv igen.").format(name=path.name), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def _open_regular(path: Path) -> io.BufferedReader:
    """The file opened for reading, refused unless it is a regular file of an allowed size."""
    try:
        info = os.stat(path)  # follows a symlink: a link to a regular file is fine
    except FileNotFoundError:
        raise DomainError(_("Filen {path} findes ikke.").format(path=path), field="file") from None
    except PermissionError:
        raise DomainError(_("Du må ikke læse {path}.").format(path=path), field="file") from None
    except OSError as exc:
        raise DomainError(_("Kan ikke læse {path}: {value}.").format(path=path, value=exc.strerror or exc), field="file") from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if stat.S_ISDIR(info.st_mode):
        raise DomainError(_("{path} er en mappe, ikke en fil.").format(path=path), field="file")
    if not stat.S_ISREG(info.st_mode):
        raise DomainError(_("{path} er ikke en almindelig fil (fx en kanal eller en enhed); vælg en .xlsx-fil.").format(path=path),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="file")
    if path.suffix.lower() != ".xlsx":
        raise _not_xlsx(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except PermissionError:
        raise DomainError(_("Du må ikke læse {path}.").format(path=path), field="file") from None
    except OSError as exc:
        raise DomainError(_("Kan ikke læse {path}: {value}.").format(path=path, value=exc.strerror or exc), field="file") from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    info = os.fstat(fd)  # what was opened, not what the name pointed at a moment ago
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise DomainError(_("{path} er ikke en almindelig fil; vælg en .xlsx-fil.").format(path=path), field="file")
    if info.st_size > MAX_FILE_BYTES:
        os.close(fd)
        raise DomainError(_("{name} fylder {value} MB; en import kan højst være {value2} MB. Del filen op.").format(name=path.name, value=format_int(info.st_size // 1_000_000), value2=MAX_FILE_BYTES // (1024 * 1024)), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return os.fdopen(fd, "rb")


def _check_package(path: Path, handle) -> None:
    """A zip whose declared unpacked size is within the limit (a zip bomb is refused unread)."""
    try:
        with zipfile.ZipFile(handle) as package:
            unpacked = sum(member.file_size for member in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_xlsx(path) from None
    handle.seek(0)
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise DomainError(_("{name} fylder {value} MB udpakket; en import kan højst være {value2} MB udpakket. Del filen op.").format(name=path.name, value=format_int(unpacked // 1_000_000), value2=MAX_UNCOMPRESSED_BYTES // (1024 * 1024)),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="file")


def _cell_key(value) -> str:
    return "" if value is None else str(value).strip().casefold()


def _too_many(path: Path, rows: int) -> DomainError:
    return DomainError(_("{name} har {rows} rækker i arket {SHEET}; en import kan højst have {MAX_ROWS}. Del filen op.").format(name=path.name, rows=format_int(rows), SHEET=SHEET, MAX_ROWS=format_int(MAX_ROWS)), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


@contextlib.contextmanager
def open_sheet(path: str | Path, progress: Callable[[int], None] | None = None) -> Iterator[ImportSheet]:
    """Sheet Klippekort of ``path`` as plain rows (read lazily while the context is open)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    target = Path(path).expanduser()
    handle = _open_regular(target)
    try:
        _check_package(target, handle)
        try:
            wb = load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a broken package
            raise _not_xlsx(target) from None
        try:
            name = next((n for n in wb.sheetnames if n.strip().casefold() == SHEET.casefold()), None)
            if name is None:
                raise DomainError(_("{name} har intet ark ved navn '{SHEET}' (arkene hedder: {sheetnames}).").format(name=target.name, SHEET=SHEET, sheetnames=', '.join(wb.sheetnames)), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
            ws = wb[name]
            declared = ws.max_row if isinstance(ws.max_row, int) else 0
            if declared - 1 > MAX_ROWS:
                raise _too_many(target, declared - 1)
            values = ws.iter_rows(values_only=True)
            header = next(values, None) or ()
            wanted = {h.casefold(): h for h in COLUMNS}
            index: dict[str, int] = {}
            for i, value in enumerate(header):
                key = _cell_key(value)
                if key in wanted and wanted[key] not in index:
                    index[wanted[key]] = i
            missing = [h for h in COLUMNS if h not in index]
            if missing:
                raise ImportRefused(target, [f"Ark {SHEET}, række 1: kolonnen '{h}' mangler." for h in missing])
            letters = {h: get_column_letter(i + 1) for h, i in index.items()}
            positions = [index[h] for h in COLUMNS]
            yield ImportSheet(path=target.resolve(), letters=letters,
                              rows=_rows(target, values, positions, progress))
        finally:
            wb.close()
            _forget_strings(wb)
    finally:
        handle.close()


def _forget_strings(wb) -> None:
    """Let go of the file's shared strings as the sheet is closed (issue #17: at 200,000 rows they are
    ~25 MB, and the workbook's reference cycles would keep them until the next full garbage collection).
    Only the strings a checked row kept (the names) stay."""
    for ws in getattr(wb, "worksheets", ()):
        strings = getattr(ws, "_shared_strings", None)  # openpyxl's read-only worksheet
        if isinstance(strings, list):
            strings.clear()


def _rows(path: Path, values, positions: list[int], progress) -> Iterator[tuple[int, tuple]]:
    width = max(positions) + 1
    count = 0
    for excel_row, cells in enumerate(values, start=2):
        if excel_row - 1 > MAX_ROWS:
            raise _too_many(path, excel_row - 1)
        cells = tuple(cells or ())
        if len(cells) < width:
            cells = cells + (None,) * (width - len(cells))
        row = tuple(cells[i] for i in positions)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        count += 1
        if progress is not None and count % 5000 == 0:
            progress(count)
        yield excel_row, row


def import_file(actor, path: str | Path, dry_run: bool = False, *, create_districts: bool = False,
                accept_names: bool = False, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import sheet Klippekort of ``path``: all rows or none (see ``models.imports``)."""
    return import_sheet(actor, lambda: open_sheet(path, progress), dry_run=dry_run,
                        create_districts=create_districts, accept_names=accept_names)
