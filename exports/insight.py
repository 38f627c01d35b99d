"""The right-of-access workbook (issue #12): one .xlsx per citizen, every sheet print-ready."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from models.base import today
from models.files import default_directory, write_private
from models.insight import insight_sheets, record_insight

from .workbook import print_setup

FORMULA_STARTS = ("=", "+", "-", "@")


def default_path(directory: str | Path | None = None) -> Path:
    """indsigt-YYYY-MM-DD.xlsx (no personal data in the file name), in the outbox through sudo."""
    return Path(directory or default_directory()) / f"indsigt-{today().isoformat()}.xlsx"


def _cell(ws, row: int, column: int, value) -> None:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, _dt.datetime):
        cell.value = value
        cell.number_format = "dd-mm-yyyy hh:mm"
    elif isinstance(value, _dt.date):
        cell.value = value
        cell.number_format = "dd-mm-yyyy"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
    elif value is None:
        return
    else:
        text = "".join(ch for ch in str(value) if ch in "\t\n" or ord(ch) >= 32)
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def write_insight(actor, cpr_text: str, path: str | Path | None = None, *, with_staff: bool = False,
                  force: bool = False) -> Path:
    """Write the citizen's insight workbook (0600, through models.files.write_private) and log it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    citizen, sheets = insight_sheets(actor, cpr_text, with_staff=with_staff)

    def write(temp: Path) -> None:
        wb = Workbook()
        wb.remove(wb.active)
        for sheet in sheets:
            ws = wb.create_sheet(sheet.title)
            for column, header in enumerate(sheet.headers, start=1):
                _cell(ws, 1, column, header)
                ws.cell(row=1, column=column).font = Font(bold=True)
            for r, row in enumerate(sheet.rows, start=2):
                for column, value in enumerate(row, start=1):
                    _cell(ws, r, column, value)
            for column, width in enumerate(sheet.widths, start=1):
                ws.column_dimensions[ws.cell(row=1, column=column).column_letter].width = width
            ws.freeze_panes = "A2"
            print_setup(ws, f"Indsigt – {sheet.title}", landscape=len(sheet.headers) > 5)
        wb.save(temp)

    target = write_private(path or default_path(), write, force=force, suffix=".xlsx")
    record_insight(actor, citizen, str(target), with_staff)
    return target
