"""The Excel documentation (R11): sheets and headers exactly as docs/excel.md, what a
period holds, text that never becomes a formula, Danish letters, the audit
trail, and memory that does not grow with rows."""
from __future__ import annotations

import datetime as dt
import decimal
import json
import subprocess
import sys
from pathlib import Path

import pytest

from exports.excel import (
    AGREEMENT_HEADERS,
    CARD_HEADERS,
    POOL_HEADERS,
    PUNCH_HEADERS,
    export,
    parse_month,
    parse_period,
    parse_year,
)
from models.base import DomainError, db
from models.cards import close_card, issue_card, punch, reverse_punch
from models.citizens import change_state, create_citizen
from models.entities import AccessLog, AuditLog, Budget, Citizen, District, Pool, Staff
from tests.excel_helpers import has_formula, sheet_rows, sheet_xml

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def _participant(admin, cpr: str, name: str, district) -> Citizen:
    citizen = create_citizen(admin, cpr, name, district=district)
    with db.atomic():
        change_state(admin, citizen, "eligible", on=D(2026, 6, 1))
        change_state(admin, citizen, "active", on=D(2026, 6, 1))
    return citizen


@pytest.fixture
def ledger(admin, frozen_day):
    """A small ledger with known dates (today is 20-11-2026).

    Karen: card 1001 08-01 → used up 15-09; card 1002 from 20-09, 2 clips in
    October, a 3-clip punch of 20-10 reversed on 20-11 (so 2 used).
    Bent: card 1003 from 01-07, 1 clip, closed 05-10. Åse: card 1004 from 02-11.
    """
    district = District.create(name="Tørring", home_help_count=10)
    budget = Budget.create(year=2026, budget_dkk=decimal.Decimal(100000),
                           price_per_clip_dkk=decimal.Decimal(100), created_by=admin)
    Pool.create(budget=budget, district=district, allocated=1000)
    karen = _participant(admin, "010145-1235", "Karen Østergård", district)
    bent = _participant(admin, "020246-1237", "Bent Æbelø", district)
    aase = _participant(admin, "030347-1238", "Åse Brøndum", district)
    issue_card(admin, karen, on=D(2026, 8, 1))
    punch(admin, karen, 4, "Lægebesøg", on=D(2026, 8, 10))
    punch(admin, karen, 6, "Bustur til Bilka Vejle", on=D(2026, 9, 15))
    issue_card(admin, karen, on=D(2026, 9, 20))
    punch(admin, karen, 2, "Frisør", on=D(2026, 10, 3))
    wrong = punch(admin, karen, 3, "Banko", on=D(2026, 10, 20))
    reverse_punch(admin, wrong.punch.id, "forkert dato")
    card = issue_card(admin, bent, on=D(2026, 7, 1))
    punch(admin, bent, 1, "Tur til vandet", on=D(2026, 7, 2))
    close_card(admin, card, "flyttet", on=D(2026, 10, 5))
    issue_card(admin, aase, on=D(2026, 11, 2))
    return {"karen": karen, "bent": bent, "aase": aase}


def test_periods_parse_and_name_their_files():
    assert parse_month("2026-11").label == "2026-11"
    assert parse_month("11-2026").start == D(2026, 11, 1)
    assert parse_month("2026-02").end == D(2026, 2, 28)
    assert parse_year("2026").end == D(2026, 12, 31)
    assert parse_period("2026").default_filename() == "cirkel-2026.xlsx"
    assert parse_period("2026-03").default_filename() == "cirkel-2026-03.xlsx"
    for bad in ("2026-13", "26-11", "november", ""):
        with pytest.raises(DomainError):
            parse_period(bad)


def test_sheets_headers_and_formats_are_exactly_the_contract(admin, ledger, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "doc.xlsx"
    export(admin, parse_month("2026-10"), path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Klippekort", "Klip", "Puljer", "Aftaler"]
    for name, headers in (("Klippekort", CARD_HEADERS), ("Klip", PUNCH_HEADERS), ("Puljer", POOL_HEADERS),
                          ("Aftaler", AGREEMENT_HEADERS)):
        ws = wb[name]
        assert tuple(c.value for c in ws[1]) == headers
        assert all(c.font.b for c in ws[1]), f"{name}: header not bold"
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{chr(64 + len(headers))}{ws.max_row}"
        assert all(ws.column_dimensions[chr(65 + i)].width >= 6 for i in range(len(headers)))
    assert CARD_HEADERS == ("CPR", "Navn", "Distrikt", "Kortnr", "Starttidspunkt", "Antal klip", "Sluttidspunkt")
    assert PUNCH_HEADERS == ("Dato", "CPR", "Navn", "Kortnr", "Klip", "Aktivitet", "Registreret af", "Aftale")
    assert AGREEMENT_HEADERS == ("CPR", "Navn", "Aftale", "Godkendt af", "Klip", "Brugt", "Gyldig til", "Begrundelse")
    assert POOL_HEADERS == ("Distrikt", "År", "Tildelt", "Brugt", "Tilbage", "Deltagere", "Kapacitet", "Venteliste")
    card = wb["Klippekort"]
    start, used, number = card["E2"], card["F2"], card["D2"]
    assert start.is_date and start.number_format == "dd-mm-yyyy"
    assert isinstance(used.value, int) and isinstance(number.value, int)
    assert card["A2"].data_type == "s"
    klip = wb["Klip"]
    assert klip["A2"].is_date and klip["A2"].number_format == "dd-mm-yyyy"
    assert isinstance(klip["E2"].value, int)


def test_a_month_holds_the_cards_active_in_it_and_the_punches_dated_in_it(admin, ledger, tmp_path):
    path = tmp_path / "okt.xlsx"
    result = export(admin, parse_month("2026-10"), path)
    cards = sheet_rows(path, "Klippekort")[1:]
    # Karen's open card 1002 (used 2: the reversed punch counts zero) and Bent's card closed in October;
    # not Karen's card used up in September, not Åse's card from November.
    assert [(r[0], r[1], r[2], r[3], r[4].date(), r[5], r[6] and r[6].date()) for r in cards] == [
        ("020246-1237", "Bent Æbelø", "Tørring", 1003, D(2026, 7, 1), 1, D(2026, 10, 5)),
        ("010145-1235", "Karen Østergård", "Tørring", 1002, D(2026, 9, 20), 2, None),
    ]
    punches = sheet_rows(path, "Klip")[1:]
    assert [(r[0].date(), r[1], r[3], r[4], r[5], r[6]) for r in punches] == [
        (D(2026, 10, 3), "010145-1235", 1002, 2, "Frisør", "Test Administrator"),
        (D(2026, 10, 20), "010145-1235", 1002, 3, "Banko", "Test Administrator"),
    ]
    assert (result.cards, result.punches) == (2, 2)
    pools = sheet_rows(path, "Puljer")[1:]
    # Brugt: the clips punched from the pool's cards (the ledger, net of reversals);
    # Tilbage: not yet committed (two open cards bind 10 each, the ended ones what they used).
    from models.entities import Card, Punch

    punched = sum(p.clips for p in Punch.select().join(Card).where(Card.pool.is_null(False)))
    assert pools == [("Tørring", 2026, 1000, punched, 1000 - 31, 3, 1000 // 52, 0)]

    november = tmp_path / "nov.xlsx"
    export(admin, parse_month("2026-11"), november)
    rows = sheet_rows(november, "Klip")[1:]
    assert [(r[0].date(), r[4], r[5]) for r in rows] == [(D(2026, 11, 20), -3, "Tilbageført: Banko — forkert dato")]
    assert {r[3] for r in sheet_rows(november, "Klippekort")[1:]} == {1002, 1004}

    september = tmp_path / "sep.xlsx"
    export(admin, parse_month("2026-09"), september)
    assert {r[3] for r in sheet_rows(september, "Klippekort")[1:]} == {1001, 1002, 1003}


def test_the_year_export_holds_every_card_and_punch_of_the_year(admin, ledger, tmp_path):
    result = export(admin, parse_year("2026"), tmp_path / "y.xlsx")
    assert result.cards == 4
    klip = sheet_rows(tmp_path / "y.xlsx", "Klip")[1:]
    assert sum(r[4] for r in klip) == 10 + 2 + 1  # net of the reversal


def test_text_that_looks_like_a_formula_stays_text(admin, frozen_day, tmp_path):
    district = District.create(name="@Distrikt", home_help_count=1)
    names = ['=HYPERLINK("http://evil.example","klik")', "+45 1234 5678", "-Leif", "@Bo", "#N/A",
             "=1+1"]
    budget = Budget.create(year=2026, budget_dkk=10000, price_per_clip_dkk=100, created_by=admin)
    Pool.create(budget=budget, district=district, allocated=100)
    for i, name in enumerate(names):
        citizen = _participant(admin, f"0101{45 + i:02d}-123{i}", name, district)
        issue_card(admin, citizen, on=D(2026, 11, 1))
        punch(admin, citizen, 1, "=SUM(A1:A9)" if i == 0 else "Kaffe", on=D(2026, 11, 2))
    # legacy data with a control character (the forms refuse them; old rows may have them)
    Citizen.update(name="\x07=Klokke\x1b").where(Citizen.name == "=1+1").execute()
    path = tmp_path / "f.xlsx"
    export(admin, parse_month("2026-11"), path)
    assert not has_formula(path), "a <f> element: text became a formula"
    xml = sheet_xml(path, 1)
    assert "\x07" not in xml and "\x1b" not in xml
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Klippekort"]
    by_name = {ws.cell(r, 2).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
    assert set(by_name) == set(names[:-1]) | {"=Klokke"}
    for name, cell in by_name.items():
        assert cell.data_type == "s", name
        if name[0] in "=+-@":
            assert cell.quotePrefix, f"{name} has no quote prefix"
    assert ws.cell(2, 3).value == "@Distrikt" and ws.cell(2, 3).quotePrefix
    assert "=SUM(A1:A9)" in [c.value for c in wb["Klip"]["F"]]


def test_danish_letters_survive_the_file(admin, ledger, tmp_path):
    path = tmp_path / "æøå.xlsx"
    export(admin, parse_month("2026-10"), path)
    names = {r[1] for r in sheet_rows(path, "Klippekort")[1:]}
    assert names == {"Karen Østergård", "Bent Æbelø"}
    assert sheet_rows(path, "Puljer")[1][0] == "Tørring"
    assert "Østergård" in sheet_xml(path, 1)  # UTF-8 in the XML itself, not an escape


def test_every_export_is_audited_and_in_the_access_log(admin, ledger, tmp_path):
    path = tmp_path / "a.xlsx"
    export(admin, parse_month("2026-10"), path)
    row = AuditLog.select().where(AuditLog.operation == "export").get()
    after = json.loads(row.after)
    assert row.actor_id == admin.id and row.entity_id == "2026-10"
    assert after == {"period": "2026-10", "file": str(path.resolve()), "cards": 2, "punches": 2, "districts": 1,
                     "agreements": 0}
    access = AccessLog.select().where(AccessLog.action == "export").get()
    assert access.actor_id == admin.id and "2026-10" in access.criterion and str(path.resolve()) in access.criterion


def test_export_refusals_write_nothing(admin, ledger, tmp_path):
    therapist = Staff.create(login="tina", name="Tina", role="terapeut")
    with pytest.raises(DomainError, match="leder"):
        export(therapist, parse_month("2026-10"), tmp_path / "t.xlsx")
    with pytest.raises(DomainError, match="findes ikke"):
        export(admin, parse_month("2026-10"), tmp_path / "nope" / "t.xlsx")
    with pytest.raises(DomainError, match=r"\.xlsx"):
        export(admin, parse_month("2026-10"), tmp_path / "t.csv")
    with pytest.raises(DomainError, match="ikke begyndt"):
        export(admin, parse_month("2027-01"), tmp_path / "t.xlsx")
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob(".*tmp"))
    assert AuditLog.select().where(AuditLog.operation == "export").count() == 0


def test_progress_is_reported_up_to_the_total(admin, ledger, tmp_path):
    seen = []
    export(admin, parse_year("2026"), tmp_path / "p.xlsx", progress=lambda done, total: seen.append((done, total)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] == 4 + 6 + 1  # cards + ledger entries + districts


def test_a_large_export_streams_memory_does_not_grow_with_rows(tmp_path):
    """Peak Python memory while exporting 1,000 and 10,000 punches, each in a fresh
    process: write-only mode keeps it flat (openpyxl's normal mode grows ~3 KB a row,
    about 28 MB more at 10,000, which this margin would catch)."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.excel_export", "--sizes", "1000,10000", "--normal", "",
         "--tracemalloc", "--json", "--keep", str(tmp_path)],
        capture_output=True, text=True, cwd=str(ROOT), timeout=300)
    assert done.returncode == 0, done.stderr
    runs = {r["size"]: r for r in map(json.loads, done.stdout.strip().splitlines())}
    small, large = runs[1000], runs[10000]
    assert large["punches"] == 10000 and small["punches"] == 1000
    assert large["tracemalloc_peak_mb"] < 2 * small["tracemalloc_peak_mb"] + 2, runs


def test_openpyxl_is_imported_only_when_a_file_is_written_or_read():
    code = ("import sys; import cirkel_tui.app, cirkel_tui.cli, screens.excel, exports.excel, exports.importer; "
            "cirkel_tui.cli.build_parser(); print('openpyxl' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
