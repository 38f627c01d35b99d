"""The evaluation workbook on the demo: its sheets and headers, the clips against the
export's Klip sheet, participants once per month against the state history."""
from __future__ import annotations

import calendar
import datetime as dt
import os

import pytest

from exports.evaluation import (
    ACTIVITY_HEADERS,
    ENDING_HEADERS,
    OUTING_HEADERS,
    PARTICIPANT_HEADERS,
    RESULT_HEADERS,
    export_evaluation,
)
from exports.excel import export
from exports.excel import year_period as export_year
from models.base import DomainError
from models.entities import (
    STATE_ACTIVE,
    STATE_PAUSED,
    STATE_WAITLISTED,
    AccessLog,
    AuditLog,
    Citizen,
    District,
    StateChange,
)
from models.evaluation import evaluation, range_period, year_period
from models.staff import add_staff
from tests.excel_helpers import sheet_rows

SHEETS = {"Deltagere": PARTICIPANT_HEADERS, "Aktiviteter": ACTIVITY_HEADERS, "Resultater": RESULT_HEADERS,
          "Afslutninger": ENDING_HEADERS, "Fællesture": OUTING_HEADERS}


@pytest.fixture
def workbook(demo, admin, tmp_path):
    return export_evaluation(admin, year_period(2026), tmp_path / "evaluering.xlsx")


def test_the_sheets_and_headers_exactly_numbers_as_numbers_dates_as_dates(workbook):
    from openpyxl import load_workbook

    wb = load_workbook(workbook.path)
    assert wb.sheetnames == list(SHEETS)
    for name, headers in SHEETS.items():
        ws = wb[name]
        assert tuple(c.value for c in ws[1]) == headers
        assert ws.print_title_rows == "$1:$1" and ws.page_setup.paperSize == 9  # exports.workbook.print_setup
        assert ws.max_row > 1, name
    participants = wb["Deltagere"]
    assert isinstance(participants["A2"].value, dt.datetime) and participants["A2"].number_format == "mm-yyyy"
    assert all(isinstance(participants.cell(2, col).value, int) for col in range(3, 8))
    results = wb["Resultater"]
    who5 = next(r for r in results.iter_rows(min_row=2, values_only=True) if r[0].startswith("WHO-5 (±10"))
    assert isinstance(who5[3], float) and isinstance(who5[6], int)
    outings = wb["Fællesture"]
    assert isinstance(outings["A2"].value, dt.datetime) and outings["A2"].number_format == "dd-mm-yyyy"
    assert isinstance(outings["F2"].value, (int, float)) and outings["F2"].number_format == "#,##0.00"
    assert os.stat(workbook.path).st_mode & 0o777 == 0o600


def test_the_workbook_is_in_the_audit_and_the_access_log(workbook, admin):
    assert AuditLog.select().where(AuditLog.operation == "evaluation.export").count() == 1
    logged = AccessLog.get(AccessLog.action == "export")
    assert "evaluering 2026" in logged.criterion and str(workbook.path) in logged.criterion
    assert workbook.rows["Deltagere"] == 11 * 4  # eleven months to 20-11, three districts and I alt


def test_the_activity_clips_equal_the_export_klip_sheet(workbook, admin, tmp_path):
    documentation = export(admin, export_year(2026), tmp_path / "dokumentation.xlsx")
    klip = sheet_rows(documentation.path, "Klip")
    header = klip[0]
    export_clips = sum(row[header.index("Klip")] for row in klip[1:])
    activities = sheet_rows(workbook.path, "Aktiviteter")
    evaluation_clips = sum(row[ACTIVITY_HEADERS.index("Klip")] for row in activities[1:])
    assert evaluation_clips == export_clips > 0
    own = sum(r[4] for r in activities[1:] if r[2] == "ja")
    ev = evaluation(year_period(2026))
    assert own == ev.total.own_idea_clips > 0 and ev.total.clips == export_clips


def _state_at(changes: list[tuple], day: dt.date) -> str | None:
    state = None
    for on, _id, to_state in changes:
        if on <= day:
            state = to_state
    return state


def test_participants_once_per_month_as_the_state_history_says(workbook, frozen_day):
    """Brute force from every state change (the test may load them all): each citizen's
    state at each month's end, each citizen counted once, against the Deltagere sheet."""
    history: dict[int, list[tuple]] = {}
    for citizen, on, sc_id, to_state in (StateChange.select(StateChange.citizen, StateChange.on, StateChange.id,
                                                            StateChange.to_state).tuples()):
        history.setdefault(citizen, []).append((on, sc_id, to_state))
    for changes in history.values():
        changes.sort()
    district_of = dict(Citizen.select(Citizen.id, District.name).join(District).tuples())
    rows = {(r[0].date(), r[1]): r[2:5] for r in sheet_rows(workbook.path, "Deltagere")[1:]}
    for month in range(1, 12):
        end = min(dt.date(2026, month, calendar.monthrange(2026, month)[1]), frozen_day)
        expected: dict[str, list[int]] = {}
        for citizen, changes in history.items():
            state = _state_at(changes, end)
            if state in (STATE_ACTIVE, STATE_PAUSED, STATE_WAITLISTED):
                column = (STATE_ACTIVE, STATE_PAUSED, STATE_WAITLISTED).index(state)
                for name in (district_of[citizen], "I alt"):
                    expected.setdefault(name, [0, 0, 0])[column] += 1
        for name, counts in expected.items():
            assert list(rows[(dt.date(2026, month, 1), name)]) == counts, (month, name)
    # the running month ends today: the citizens' states now
    now = rows[(dt.date(2026, 11, 1), "I alt")]
    assert now == (Citizen.select().where(Citizen.state == STATE_ACTIVE).count(),
                   Citizen.select().where(Citizen.state == STATE_PAUSED).count(),
                   Citizen.select().where(Citizen.state == STATE_WAITLISTED).count())


def test_only_a_leader_writes_the_evaluation(demo, admin, tmp_path):
    therapist = add_staff(admin, "daemon", "Tove Terapeut", "terapeut", "Hedensted")
    with pytest.raises(DomainError, match="Kun leder"):
        export_evaluation(therapist, year_period(2026), tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
    leader = add_staff(admin, "bin", "Lene Leder", "leder", None)
    done = export_evaluation(leader, range_period("2026-06-01", "2026-08-31"), tmp_path / "sommer.xlsx")
    assert done.rows["Deltagere"] == 3 * 4
    with pytest.raises(DomainError):  # no overwrite without force
        export_evaluation(leader, year_period(2026), tmp_path / "sommer.xlsx")
