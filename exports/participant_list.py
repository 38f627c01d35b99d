"""The driver's and the escort's participant list of an outing, as .xlsx.

Names, phones and pickup addresses of the seated participants. Every text
cell is written as text (a name or address starting with ``=``, ``+``, ``-``
or ``@`` never becomes a formula); the date is a real Excel date shown
dd-mm-yyyy. It prints one A4 page wide with the outing and the table header
on every page. The file name holds no personal data:
``deltagerliste-<event id>-<yyyy-mm-dd>.xlsx``. The export is written to the
access log; the file is created readable by its owner only.
"""
from __future__ import annotations

import os
from pathlib import Path

from models.entities import Staff
from models.events import event_row, participant_list
from models.files import STDOUT, check_target, write_private

from .workbook import print_setup

HEADERS = ("Nr.", "Navn", "Telefon", "Afhentningsadresse", "Deltog")
HEADER_ROWS = 8  # the outing's facts (rows 1–6) and the table's header (row 8), repeated on every page


def file_name(event_id: int, starts_at) -> str:
    return f"deltagerliste-{event_id}-{starts_at.strftime('%Y-%m-%d')}.xlsx"


def target_path(event_id: int, starts_at, destination: str | os.PathLike) -> Path:
    """Where the list of an outing goes: ``destination`` itself when it names an .xlsx file, else the
    standard file name in that folder (the screen asks before it overwrites that file: flows, issue #15)."""
    target = Path(destination).expanduser()
    return target if target.suffix.lower() == ".xlsx" else target / file_name(event_id, starts_at)


def write_participant_list(actor: Staff, event_id: int, destination: str | os.PathLike,
                           force: bool = False) -> Path:
    """Write the list into ``destination`` (a folder, or a file path ending in .xlsx); return the path.

    Written through :func:`models.files.write_private`: 0600, never through a
    symlink, an existing file only with ``force``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    row = event_row(event_id)
    target = Path(destination).expanduser()
    if str(destination) == STDOUT:  # standard output (issue #20)
        target = Path(STDOUT)
    else:
        target = target_path(row.id, row.starts_at, destination)
        check_target(target, force=force, suffix=".xlsx")
    lines = participant_list(actor, event_id, action="export")

    wb = Workbook()
    ws = wb.active
    ws.title = "Deltagere"
    bold = Font(bold=True)

    def text(r: int, c: int, value: str, font=None):
        cell = ws.cell(row=r, column=c, value=str(value or ""))
        cell.data_type = "s"  # always text, never a formula
        if font is not None:
            cell.font = font
        return cell

    text(1, 1, "Deltagerliste", bold)
    text(1, 2, row.title, bold)
    text(2, 1, "Dato")
    day = ws.cell(row=2, column=2, value=row.starts_at.date())
    day.number_format = "dd-mm-yyyy"
    text(3, 1, "Kl.")
    text(3, 2, row.starts_at.strftime("%H:%M"))
    text(4, 1, "Mødested")
    text(4, 2, row.meeting_place)
    text(5, 1, "Distrikt")
    text(5, 2, row.district)
    text(6, 1, "Deltagere")
    ws.cell(row=6, column=2, value=len(lines))
    for c, header in enumerate(HEADERS, start=1):
        text(8, c, header, bold)
    for i, line in enumerate(lines, start=1):
        r = 8 + i
        ws.cell(row=r, column=1, value=i)
        text(r, 2, line.name)
        text(r, 3, line.phone)
        text(r, 4, line.pickup)
        text(r, 5, "")
    for column, width in zip("ABCDE", (12, 32, 14, 42, 8), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A9"
    # Portrait, fit to one page wide: the five columns (address and Deltog too) always on the page,
    # the outing and the header on every page of a long list.
    print_setup(ws, f"Deltagerliste — {row.title} {row.starts_at:%d-%m-%Y %H:%M}", landscape=False,
                header_rows=HEADER_ROWS)

    return write_private(target, lambda temp: wb.save(str(temp)), force=force, suffix=".xlsx")
