"""The programmes' report as .xlsx (R13, issue 14): sheets ``Projekter`` and ``Deltagelse``.

* ``Projekter``: ``Projekt | Linje | Budget | Forbrugt | Tilbage``, one row per
  budget line, an "Ikke fordelt" row where the lines do not add up to the
  budget, a subtotal per programme ("I alt") and a total; amounts are numbers.
* ``Deltagelse``: per programme and month the participants (distinct registered
  citizens enrolled or attending), the guests, all attendances, the target
  group's share of all attendees and of the registered attendees (both named
  in the header) and the growth against the first month.

Aggregates only (no names or CPR numbers). Written through
:func:`models.files.write_private`; every sheet gets :func:`exports.workbook.print_setup`.
"""
from __future__ import annotations

import os
from pathlib import Path

from models.base import log_access
from models.entities import Staff
from models.files import check_target, write_private
from models.permissions import require
from models.programme_attendance import programme_attendance
from models.programmes import programme_figures, report_rows

from .workbook import print_setup

PROGRAMME_HEADERS = ("Projekt", "Linje", "Budget", "Forbrugt", "Tilbage")
ATTENDANCE_HEADERS = ("Projekt", "Måned", "Deltagere", "Gæster", "Fremmøder i alt",
                      "Andel fra målgruppen af alle fremmødte", "Andel fra målgruppen af registrerede fremmødte",
                      "Vækst mod første måned")
AMOUNT_FORMAT = "#,##0.00"
SHARE_FORMAT = "0%"


def default_name(year: int | None) -> str:
    return f"projekter-{year}.xlsx" if year else "projekter.xlsx"


def write_programme_report(actor: Staff, destination: str | os.PathLike, *, year: int | None = None,
                           force: bool = False) -> Path:
    """Write the report for ``year`` (every programme when None) to ``destination``; return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    require(actor, "export")
    target = check_target(Path(destination).expanduser(), force=force, suffix=".xlsx")
    figures = programme_figures(year)
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Projekter"
    ws.append(list(PROGRAMME_HEADERS))
    for row in report_rows(figures):
        ws.append([row.programme, row.line, row.budget, row.spent, row.left])
        r = ws.max_row
        for c in (1, 2):
            ws.cell(row=r, column=c).data_type = "s"  # text, never a formula
        for c in (3, 4, 5):
            ws.cell(row=r, column=c).number_format = AMOUNT_FORMAT
        if row.kind in ("subtotal", "total"):
            for c in range(1, 6):
                ws.cell(row=r, column=c).font = bold
    for cell in ws[1]:
        cell.font = bold
    for column, width in zip("ABCDE", (44, 28, 16, 16, 16), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    print_setup(ws, "Projekter" + (f" {year}" if year else ""), landscape=True)

    sheet = wb.create_sheet("Deltagelse")
    sheet.append(list(ATTENDANCE_HEADERS))
    for p in figures:
        for month in programme_attendance(p.id).months:
            s = month.shares
            sheet.append([p.name, month.month, month.participants, month.guests, s.total,
                          s.of_all, s.of_registered, month.growth])
            r = sheet.max_row
            sheet.cell(row=r, column=1).data_type = "s"
            sheet.cell(row=r, column=2).number_format = "mm-yyyy"
            for c in (6, 7, 8):
                sheet.cell(row=r, column=c).number_format = SHARE_FORMAT
    for cell in sheet[1]:
        cell.font = bold
    for column, width in zip("ABCDEFGH", (44, 10, 11, 9, 15, 22, 22, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    print_setup(sheet, "Deltagelse i projekterne" + (f" {year}" if year else ""), landscape=True)

    path = write_private(target, lambda temp: wb.save(str(temp)), force=force, suffix=".xlsx")
    log_access(actor, "export", criterion=f"projektrapport {year or 'alle år'}: {len(figures)} projekter")
    return path
