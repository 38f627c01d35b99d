"""The programmes' workbook (issue 14): sheet Deltagelse on the demo's café; amounts and shares are numbers."""
from __future__ import annotations

import datetime as dt


def test_the_workbooks_attendance_sheet(demo, admin, tmp_path):
    from openpyxl import load_workbook

    from exports.programme_report import ATTENDANCE_HEADERS, write_programme_report
    from models.entities import AccessLog
    from models.programme_attendance import programme_attendance
    from models.programmes import programme_figures

    path = write_programme_report(admin, tmp_path / "p.xlsx", year=2026)
    wb = load_workbook(path)
    rows = list(wb["Deltagelse"].values)
    assert rows[0] == ATTENDANCE_HEADERS
    assert "af alle fremmødte" in rows[0][5] and "af registrerede fremmødte" in rows[0][6]
    cafe = [r for r in rows[1:] if r[0].startswith("Projekt 2")]
    expected = programme_attendance(programme_figures()[1].id).months
    assert [(r[1].date(), r[2], r[3]) for r in cafe] == [(m.month, m.participants, m.guests) for m in expected]
    assert all(isinstance(r[5], float) and r[5] > 0.5 for r in cafe if r[4])
    assert all(r[6] >= r[5] for r in cafe if r[4])  # of the registered is never below of all
    first = [r for r in rows[1:] if r[0].startswith("Projekt 1")]
    assert first[0][7] == 0 and 0.25 <= first[-1][7] <= 0.40  # growth against the first month
    assert wb["Deltagelse"].page_setup.fitToWidth == 1 and wb["Deltagelse"]["B2"].number_format == "mm-yyyy"
    assert wb["Projekter"]["C2"].number_format == "#,##0.00"
    assert isinstance(cafe[0][1], dt.datetime)
    assert AccessLog.select().where((AccessLog.action == "export")
                                    & AccessLog.criterion.startswith("projektrapport 2026")).exists()
