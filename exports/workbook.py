"""What every workbook Cirkel writes shares: print-ready page setup (issue #13, item 5).

Every sheet gets A4 (landscape for wide sheets), fit to one page wide (as many
pages tall as it needs), the header rows repeated on every printed page and a
print title in the page header, so a sheet printed from LibreOffice or Excel
never splits its columns across pages. Works for normal and write-only sheets.
"""
from __future__ import annotations

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
