"""Helpers for the Excel tests: small workbooks, reading them back, row counts."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from exports.excel import CARD_HEADERS


def write_sheet(path: Path, rows: list, headers=CARD_HEADERS, title: str = "Klippekort") -> Path:
    """A hand-kept spreadsheet: one sheet, a header row, the rows as given."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # a name like '=Bent' is text in the sheet too
    wb.save(path)
    return path


def sheet_rows(path: Path, sheet: str) -> list[tuple]:
    """All rows of a sheet as values (dates come back as datetimes)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        rows = [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
    width = max((len(r) for r in rows), default=0)
    return [r + (None,) * (width - len(r)) for r in rows]  # trailing empty cells are not stored


def sheet_xml(path: Path, index: int) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


def has_formula(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        return any(re.search(r"<f[ >/]", zf.read(name).decode("utf-8"))
                   for name in zf.namelist() if name.startswith("xl/worksheets/"))


def row_counts() -> dict[str, int]:
    """Rows in every table: 'the database is unchanged' means these are equal."""
    from models.entities import ALL_MODELS

    return {model._meta.table_name: model.select().count() for model in ALL_MODELS}
