"""``cirkel import``: taking over a spreadsheet kept by hand. Round trip with the
export, all rows or none, every error named by sheet, row and column, and a
second import of the same file that changes nothing."""
from __future__ import annotations

import datetime as dt
import decimal
import json
import zipfile

import pytest

from exports.excel import CARD_HEADERS, export, parse_month, parse_year
from exports.importer import ImportRefused, import_file
from models.base import DomainError
from models.cards import ledger_total
from models.entities import (
    AuditLog,
    Budget,
    Card,
    Citizen,
    District,
    Pool,
    Punch,
    Staff,
    StateChange,
)
from tests.excel_helpers import row_counts, sheet_rows, write_sheet

D = dt.date


def _switch_to_empty_database(path, me):
    """Close the current test database and open a new, empty one (admin = me)."""
    from models.staff import init_database
    from models.store import close_database, open_database

    close_database()
    open_database(str(path))
    return init_database(me, "Ny Administrator")


@pytest.mark.parametrize("period", ["2026", "2026-10"])
def test_round_trip_export_import_export_gives_the_same_card_rows(demo, me, tmp_path, new_db_path, period):
    from models.staff import require_staff

    leader = require_staff(me)
    parsed = parse_year(period) if len(period) == 4 else parse_month(period)
    first = tmp_path / "first.xlsx"
    export(leader, parsed, first)
    original = sheet_rows(first, "Klippekort")
    assert len(original) > 10

    admin = _switch_to_empty_database(new_db_path("empty.db"), me)
    report = import_file(admin, first, create_districts=True)
    assert len(report.new_cards) == len(original) - 1 and not report.known_cards
    assert sorted(report.new_districts) == ["Hedensted", "Juelsminde", "Tørring"]
    second = tmp_path / "second.xlsx"
    export(admin, parsed, second)
    assert sheet_rows(second, "Klippekort") == original

    # Importing the same file again changes nothing (audit log included).
    before = row_counts()
    again = import_file(admin, first)
    assert again.nothing_to_do and len(again.known_cards) == len(original) - 1
    assert row_counts() == before
    # The ledger still adds up: one import entry per card with used clips.
    for card in Card.select():
        assert ledger_total(card) == card.used
    assert Punch.select().where(Punch.kind != "import").count() == 0


@pytest.fixture
def leader(admin, frozen_day):
    District.create(name="Tørring", home_help_count=10)
    return admin


def _rows(*extra):
    """One good row (a citizen with an open card) plus the rows given."""
    return [("010145-1235", "Karen Østergård", "Tørring", 1001, D(2026, 3, 1), 4, None), *extra]


def test_import_creates_citizens_districts_cards_and_reports_them(leader, tmp_path):
    district = District.create(name="Hedensted", home_help_count=10)
    budget = Budget.create(year=2025, budget_dkk=decimal.Decimal(10000), price_per_clip_dkk=decimal.Decimal(100),
                           created_by=leader)
    pool = Pool.create(budget=budget, district=district, allocated=100)
    path = write_sheet(tmp_path / "hånd.xlsx", _rows(
        ("0202461237", "=Bent Æbelø", "hedensted", 2001, "01-05-2025", 10, "01.09.2025"),
        ("020246-1237", "=Bent Æbelø", "Hedensted", 2002, D(2025, 9, 3), 3, D(2025, 10, 1)),
        (303471238, "Åse Brøndum", "", 3001, D(2026, 1, 5), 0, D(2026, 2, 1)),  # CPR typed as a number
        ("040448-1239", "Ib Glud", "Glud", 4001, D(2025, 1, 5), 2, D(2025, 3, 1)),  # a new district
    ), headers=("cpr", "NAVN", "Distrikt", "kortnr", "Starttidspunkt", "Antal Klip", "Sluttidspunkt", "Noter"))

    dry = import_file(leader, path, dry_run=True, create_districts=True)
    assert row_counts()["citizen"] == 0, "a dry run writes nothing"
    assert dry.new_districts == ["Glud"]
    assert sorted(c.name for c in dry.new_citizens) == ["=Bent Æbelø", "Ib Glud", "Karen Østergård", "Åse Brøndum"]
    text = "\n".join(dry.lines())
    assert "Glud" in text and "kort 2001" in text and "intet er gemt" in text

    report = import_file(leader, path, create_districts=True)
    assert report.counts() == dry.counts()
    karen = Citizen.get(Citizen.cpr == "0101451235")
    bent = Citizen.get(Citizen.cpr == "0202461237")
    aase = Citizen.get(Citizen.cpr == "0303471238")
    assert (karen.state, karen.district.name) == ("active", "Tørring")
    assert (bent.state, bent.state_since, bent.name) == ("ended", D(2025, 10, 1), "=Bent Æbelø")
    assert (aase.state, aase.district_id) == ("ended", None)
    assert [s.to_state for s in StateChange.select().where(StateChange.citizen == bent).order_by(StateChange.id)] == \
        ["eligible", "active", "ended"]
    cards = {c.number: c for c in Card.select()}
    assert (cards[2001].status, cards[2001].used, cards[2001].ended_on) == ("used_up", 10, D(2025, 9, 1))
    assert (cards[2002].status, cards[2002].used, cards[2002].ended_on) == ("closed", 3, D(2025, 10, 1))
    assert (cards[1001].status, cards[1001].used, cards[1001].ended_on) == ("open", 4, None)
    assert cards[2001].pool_id == pool.id, "the district's pool of the start year"
    assert cards[1001].pool_id is None, "no budget for Tørring 2026: no pool"
    entries = list(Punch.select().order_by(Punch.punched_on))
    assert [(p.kind, p.clips, p.activity, p.punched_on) for p in entries] == [
        ("import", 2, "importeret", D(2025, 1, 5)),
        ("import", 10, "importeret", D(2025, 5, 1)),
        ("import", 3, "importeret", D(2025, 9, 3)),
        ("import", 4, "importeret", D(2026, 3, 1)),
    ]
    summary = AuditLog.select().where(AuditLog.operation == "import").get()
    assert json.loads(summary.after)["cards"] == 5
    assert AuditLog.select().where(AuditLog.operation == "card.import").count() == 5
    assert AuditLog.select().where(AuditLog.operation == "citizen.import").count() == 4
    assert AuditLog.select().where(AuditLog.operation == "district.import").count() == 1


def test_an_existing_citizen_is_reused_and_a_known_card_skipped(leader, tmp_path):
    path = write_sheet(tmp_path / "a.xlsx", _rows())
    import_file(leader, path)
    more = write_sheet(tmp_path / "b.xlsx", [
        ("010145-1235", "Karen Ø.", "Tørring", 1001, D(2026, 3, 1), 6, None),  # other figures: Cirkel's kept
        ("010145-1235", "Karen Ø.", "Tørring", 1000, D(2025, 3, 1), 10, D(2025, 8, 1)),
    ])
    with pytest.raises(ImportRefused, match="afvist"):
        import_file(leader, more)
    report = import_file(leader, more, accept_names=True)
    assert report.known_cards == [1001] and [c.number for c in report.new_cards] == [1000]
    assert not report.new_citizens
    assert any("Cirkels tal beholdes" in w for w in report.warnings)
    assert any("Cirkels navn beholdes" in w for w in report.warnings)
    assert Citizen.select().count() == 1 and Card.get(Card.number == 1001).used == 4


def _refused(leader, path) -> list[str]:
    before = row_counts()
    with pytest.raises(ImportRefused) as caught:
        import_file(leader, path)
    assert row_counts() == before, "a refused import must change nothing"
    with pytest.raises(ImportRefused):
        import_file(leader, path, dry_run=True)
    assert row_counts() == before
    return caught.value.errors


BAD_ROWS = [
    # (row, expected location, expected words)
    (("311345-1234", "Bo", "Tørring", 2001, D(2026, 1, 1), 1, None), "kolonne A (CPR)", "gyldig dato"),
    (("12345", "Bo", "Tørring", 2001, D(2026, 1, 1), 1, None), "kolonne A (CPR)", "10 cifre"),
    (("020246-1237", "Bo", "Tørring", 2001, "31-02-2026", 1, None), "kolonne E (Starttidspunkt)", "findes ikke"),
    (("020246-1237", "Bo", "Tørring", 2001, "i går", 1, None), "kolonne E (Starttidspunkt)", "ikke en dato"),
    (("020246-1237", "Bo", "Tørring", 2001, D(2027, 1, 1), 1, None), "kolonne E (Starttidspunkt)", "fremtiden"),
    (("020246-1237", "Bo", "Tørring", 2001, D(2026, 5, 1), 1, D(2026, 4, 1)), "kolonne G (Sluttidspunkt)",
     "før starttidspunktet"),
    (("020246-1237", "Bo", "Tørring", 2001, D(2026, 5, 1), 2.5, None), "kolonne F (Antal klip)", "helt tal"),
    (("020246-1237", "Bo", "Tørring", 2001, D(2026, 5, 1), "to", None), "kolonne F (Antal klip)", "helt tal"),
    (("020246-1237", "Bo", "Tørring", 2001, D(2026, 5, 1), -1, None), "kolonne F (Antal klip)", "negativt"),
    (("020246-1237", "Bo", "Tørring", 2001, D(2026, 5, 1), 11, None), "kolonne F (Antal klip)", "højst 10"),
    (("020246-1237", "Bo", "Tørring", 2001, D(2026, 5, 1), 10, None), "kolonne G (Sluttidspunkt)", "sluttidspunkt"),
    (("020246-1237", "Bo", "Tørring", "A7", D(2026, 5, 1), 1, None), "kolonne D (Kortnr)", "og 999.999.999"),
    (("020246-1237", "", "Tørring", 2001, D(2026, 5, 1), 1, None), "kolonne B (Navn)", "mangler"),
    # the good row's card number again, with other data
    (("020246-1237", "Bo", "Tørring", 1001, D(2026, 5, 1), 1, None), "kolonne D (Kortnr)", "række 2"),
    # the good row's CPR with another name
    (("010145-1235", "Karen Jensen", "Tørring", 2001, D(2025, 5, 1), 1, D(2025, 6, 1)), "kolonne B (Navn)",
     "Karen Østergård"),
    # a second open card for the same citizen
    (("010145-1235", "Karen Østergård", "Tørring", 2001, D(2025, 5, 1), 1, None), "kolonne G (Sluttidspunkt)",
     "åbent kort"),
]


@pytest.mark.parametrize("bad,where,words", BAD_ROWS, ids=[f"{w}:{x}" for _b, w, x in BAD_ROWS])
def test_each_bad_row_is_refused_with_sheet_row_and_column(leader, tmp_path, bad, where, words):
    errors = _refused(leader, write_sheet(tmp_path / "bad.xlsx", _rows(bad)))
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"Ark Klippekort, række 3, {where}:"), errors
    assert words in errors[0], errors


def test_every_error_of_a_file_is_reported_in_sheet_order(leader, tmp_path):
    path = write_sheet(tmp_path / "many.xlsx", _rows(
        ("311345-1234", "Bo", "Tørring", 2001, "31-02-2026", 12, None),
        ("020246-1237", "Bo", "Tørring", 2002, D(2026, 5, 1), 1.5, None),
    ))
    errors = _refused(leader, path)
    assert [e.split(":")[0] for e in errors] == [
        "Ark Klippekort, række 3, kolonne A (CPR)",
        "Ark Klippekort, række 3, kolonne E (Starttidspunkt)",
        "Ark Klippekort, række 3, kolonne F (Antal klip)",
        "Ark Klippekort, række 4, kolonne F (Antal klip)",
    ]


def test_a_missing_column_is_named(leader, tmp_path):
    headers = tuple(h for h in CARD_HEADERS if h != "Antal klip")
    path = write_sheet(tmp_path / "cols.xlsx", [r[:5] + r[6:] for r in _rows()], headers=headers)
    assert _refused(leader, path) == ["Ark Klippekort, række 1: kolonnen 'Antal klip' mangler."]


def test_a_card_number_owned_by_another_citizen_in_cirkel_is_refused(leader, tmp_path):
    import_file(leader, write_sheet(tmp_path / "a.xlsx", _rows()))
    path = write_sheet(tmp_path / "b.xlsx", [
        ("020246-1237", "Bo Holm", "Tørring", 2001, D(2026, 1, 1), 1, D(2026, 2, 1)),
        ("030347-1238", "Ib Dahl", "Tørring", 1001, D(2026, 1, 1), 1, None),
    ])
    errors = _refused(leader, path)
    assert errors == ["Ark Klippekort, række 3, kolonne D (Kortnr): kort 1001 findes allerede i Cirkel for "
                      "en anden borger."]


def _not_xlsx_files(tmp_path):
    csv = tmp_path / "ark.csv"
    csv.write_text("CPR;Navn\n010145-1235;Karen\n", encoding="utf-8")
    renamed = tmp_path / "tekst.xlsx"
    renamed.write_text("dette er ikke et regneark", encoding="utf-8")
    other_zip = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("readme.txt", "hej")
    return [csv, renamed, other_zip]


def test_a_file_that_is_not_xlsx_gets_a_clear_message(leader, tmp_path):
    for path in _not_xlsx_files(tmp_path):
        before = row_counts()
        with pytest.raises(DomainError) as caught:
            import_file(leader, path)
        assert "ikke en Excel-fil (.xlsx)" in caught.value.message, path
        assert row_counts() == before
    with pytest.raises(DomainError, match="findes ikke"):
        import_file(leader, tmp_path / "væk.xlsx")


def test_a_workbook_without_the_sheet_is_refused(leader, tmp_path):
    path = write_sheet(tmp_path / "x.xlsx", _rows(), title="Ark1")
    with pytest.raises(DomainError, match="intet ark ved navn 'Klippekort'"):
        import_file(leader, path)


def test_an_open_card_for_an_ended_citizen_in_cirkel_is_refused(leader, tmp_path):
    import_file(leader, write_sheet(tmp_path / "a.xlsx", [
        ("020246-1237", "Bo Holm", "Tørring", 2001, D(2026, 1, 1), 2, D(2026, 2, 1))]))
    assert Citizen.get().state == "ended"
    errors = _refused(leader, write_sheet(tmp_path / "b.xlsx", [
        ("020246-1237", "Bo Holm", "Tørring", 2002, D(2026, 3, 1), 0, None)]))
    assert errors == ["Ark Klippekort, række 2, kolonne G (Sluttidspunkt): Bo Holm er ikke aktiv deltager i "
                      "Cirkel; et åbent kort kan ikke importeres."]


def test_only_a_leader_imports(leader, tmp_path):
    therapist = Staff.create(login="tina", name="Tina", role="terapeut")
    with pytest.raises(DomainError, match="leder"):
        import_file(therapist, write_sheet(tmp_path / "a.xlsx", _rows()))


# --- issue #10 item 3, issue #13 item 3: the import keeps the data whole ----------------------

@pytest.mark.parametrize("number", [9223372036854775807, 999, 1_000_000_000, "12345678901234567890", "¹⁰¹⁰"])
def test_card_numbers_outside_1000_to_999999999_are_refused(leader, tmp_path, number):
    errors = _refused(leader, write_sheet(tmp_path / "n.xlsx", [
        ("020246-1237", "Bo Holm", "Tørring", number, D(2026, 1, 1), 1, None)]))
    assert len(errors) == 1 and errors[0].startswith(
        "Ark Klippekort, række 2, kolonne D (Kortnr): kortnummeret skal være et helt tal mellem 1.000 og "
        "999.999.999 (fik "), errors


def test_the_highest_card_number_imports_and_the_next_issue_is_refused(leader, tmp_path):
    from models.cards import next_card_number

    import_file(leader, write_sheet(tmp_path / "n.xlsx", [
        ("020246-1237", "Bo Holm", "Tørring", 999_999_999, D(2026, 1, 1), 1, D(2026, 2, 1))]))
    with pytest.raises(DomainError, match="Kortnumrene er brugt op"):
        next_card_number()


def test_an_open_card_without_a_district_is_refused(leader, tmp_path):
    errors = _refused(leader, write_sheet(tmp_path / "d.xlsx", [
        ("020246-1237", "Bo Holm", "", 2001, D(2026, 1, 1), 1, None)]))
    assert errors == ["Ark Klippekort, række 2, kolonne C (Distrikt): et åbent kort skal høre til et distrikt; "
                      "skriv distriktet."]


def test_an_unknown_district_is_created_only_when_asked(leader, tmp_path):
    path = write_sheet(tmp_path / "d.xlsx", [
        ("020246-1237", "Bo Holm", "Tøring", 2001, D(2026, 1, 1), 1, None),
        ("030347-1238", "Ib Dahl", "tøring", 2002, D(2026, 1, 1), 1, None),
        ("010145-1235", "Karen Østergård", "TØRRING", 2003, D(2026, 1, 1), 1, None)])
    errors = _refused(leader, path)
    assert errors == ["Ark Klippekort, række 2, kolonne C (Distrikt): distriktet 'Tøring' findes ikke i Cirkel. "
                      "Ret stavningen, eller lad importen oprette det (--create-districts)."]
    report = import_file(leader, path, create_districts=True)
    assert report.new_districts == ["Tøring"]
    assert sorted(d.name for d in District.select()) == ["Tøring", "Tørring"]
    karen = Citizen.get(Citizen.cpr == "0101451235")
    assert karen.district.name == "Tørring", "a known district in another case is the known district"


@pytest.mark.parametrize("start,words", [
    (D(2013, 12, 31), "ligger før ordningen begyndte (01-01-2014)"),
    ("01-01-0001", "året skal ligge mellem 1900 og 2100"),
    ("1-1-26", "ligger i fremtiden"),  # 2026-01-01 is fine; see below
])
def test_start_dates_before_the_scheme_or_impossible_are_refused(leader, tmp_path, start, words):
    path = write_sheet(tmp_path / "s.xlsx", [("020246-1237", "Bo Holm", "Tørring", 2001, start, 1, None)])
    if start == "1-1-26":  # d-m-yy is 2026, not the year 26: accepted
        assert import_file(leader, path, dry_run=True).new_cards[0].start == D(2026, 1, 1)
        return
    errors = _refused(leader, path)
    assert len(errors) == 1 and words in errors[0] and "kolonne E (Starttidspunkt)" in errors[0], errors


def test_the_scheme_start_is_a_setting(leader, tmp_path):
    from models.settings import set_setting

    path = write_sheet(tmp_path / "s.xlsx", [("020246-1237", "Bo Holm", "Tørring", 2001, D(2019, 5, 1), 1, None)])
    set_setting(leader, "scheme.start_date", "01-01-2020")
    assert "ligger før ordningen begyndte (01-01-2020)" in _refused(leader, path)[0]
    set_setting(leader, "scheme.start_date", "01-01-2019")
    assert len(import_file(leader, path).new_cards) == 1


def test_a_known_cpr_under_another_name_is_refused_unless_accepted(leader, tmp_path):
    import_file(leader, write_sheet(tmp_path / "a.xlsx", _rows()))
    path = write_sheet(tmp_path / "b.xlsx", [
        ("010145-1235", "Karen Jensen", "Tørring", 2001, D(2025, 1, 1), 3, D(2025, 2, 1))])
    errors = _refused(leader, path)
    assert errors == ["Ark Klippekort, række 2, kolonne B (Navn): CPR 010145-XXXX hedder 'Karen Østergård' i "
                      "Cirkel, ikke 'Karen Jensen'. Ret navnet, eller godkend Cirkels navn (--accept-names)."]
    # the same name in other case or spacing is the same name
    same = write_sheet(tmp_path / "c.xlsx", [
        ("010145-1235", " karen  østergård", "Tørring", 2002, D(2025, 3, 1), 3, D(2025, 4, 1))])
    assert len(import_file(leader, same).new_cards) == 1
    report = import_file(leader, path, accept_names=True)
    assert Citizen.get().name == "Karen Østergård" and len(report.new_cards) == 1
    assert any("Cirkels navn beholdes" in w for w in report.warnings)


@pytest.mark.parametrize("cell,column,words", [
    ("x" * 101, "kolonne B (Navn)", "højst være 100 tegn"),
    ("Bo\u200b", "kolonne B (Navn)", "kontroltegn"),
    ("Bo\x7f", "kolonne B (Navn)", "kontroltegn"),
])
def test_names_keep_the_one_set_of_field_limits(leader, tmp_path, cell, column, words):
    errors = _refused(leader, write_sheet(tmp_path / "l.xlsx", [
        ("020246-1237", cell, "Tørring", 2001, D(2026, 1, 1), 1, None)]))
    assert len(errors) == 1 and column in errors[0] and words in errors[0], errors


def test_a_district_longer_than_the_limit_is_refused(leader, tmp_path):
    errors = _refused(leader, write_sheet(tmp_path / "l.xlsx", [
        ("020246-1237", "Bo", "D" * 1000, 2001, D(2026, 1, 1), 1, None)]))
    assert len(errors) == 1 and "kolonne C (Distrikt)" in errors[0] and "højst være 60 tegn" in errors[0], errors


@pytest.mark.sqlite_only  # SQLite's write lock, seen from a second sqlite3 connection
def test_a_dry_run_takes_no_write_lock(leader, tmp_path, db_path):
    """While another process holds the write lock, a dry run still finishes (and says what it would do)."""
    import sqlite3

    path = write_sheet(tmp_path / "a.xlsx", _rows())
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        from models import store

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(store, "GATE_TIMEOUT_S", 0.5)
            report = import_file(leader, path, dry_run=True)
        assert len(report.new_cards) == 1
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_the_write_is_one_transaction_rechecked_inside(leader, tmp_path, monkeypatch):
    """A card number taken between the check and the write: planned again, refused, nothing written."""
    from models import imports

    path = write_sheet(tmp_path / "a.xlsx", [("020246-1237", "Bo Holm", "Tørring", 2001, D(2026, 1, 1), 1, None),
                                             ("030347-1238", "Ib Dahl", "Tørring", 2002, D(2026, 1, 1), 1, None)])
    real_plan = imports.plan_import
    calls = []

    def plan_then_someone_writes(*args, **kwargs):
        calls.append(1)
        plan = real_plan(*args, **kwargs)
        if len(calls) == 1:  # between the check and the write, another import takes card 2002
            import_file(leader, write_sheet(tmp_path / "b.xlsx", [
                ("010145-1235", "Karen Østergård", "Tørring", 2002, D(2026, 1, 1), 0, D(2026, 2, 1))]))
        return plan

    monkeypatch.setattr(imports, "plan_import", plan_then_someone_writes)
    before = row_counts()
    with pytest.raises(ImportRefused) as caught:
        import_file(leader, path)
    assert caught.value.errors == ["Ark Klippekort, række 3, kolonne D (Kortnr): kort 2002 findes allerede i Cirkel "
                                   "for en anden borger."]
    assert len(calls) == 3, "checked, changed meanwhile (the other import planned once), planned again"
    assert row_counts()["card"] == before["card"] + 1  # only the other import's card
    assert not Citizen.select().where(Citizen.cpr == "0202461237").exists()


@pytest.mark.sqlite_only  # the FTS5 trigger paused during a large import is SQLite's
def test_a_large_import_is_findable_by_name_and_keeps_the_search_trigger(leader, tmp_path, db_path):
    """Above 200 citizens the name index is filled in bulk (trigger paused in the same transaction)."""
    import sqlite3

    from models.search import search_citizens

    rows = [(f"{1 + i % 28:02d}0{1 + i // 28 % 9}45-{1000 + i:04d}", f"Import Person{i:03d}", "Tørring", 5000 + i,
             D(2026, 1, 1), 1, D(2026, 2, 1)) for i in range(250)]
    rows.append(("010145-1235", "Ærtebjørn Åsegård", "Tørring", 9999, D(2026, 1, 1), 0, None))
    import_file(leader, write_sheet(tmp_path / "big.xlsx", rows))
    assert [m.name for m in search_citizens("Ærtebj")] == ["Ærtebjørn Åsegård"]
    assert [m.name for m in search_citizens("Person249")] == ["Import Person249"]
    con = sqlite3.connect(db_path)
    triggers = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    con.close()
    assert "citizen_fts_insert" in triggers
    from models.citizens import create_citizen

    create_citizen(leader, "020246-1237", "Efter Importen")  # the trigger indexes new citizens again
    assert [m.name for m in search_citizens("Efter Imp")] == ["Efter Importen"]


# import3 (issue #17 goal 2): the spooled write and the compact rows
def _tables() -> dict[str, list[tuple]]:
    from models.store import db

    written = {"citizen_fts": "rowid, name", "district": "* FROM district WHERE name = 'Glud'",  # by the import
               "audit_log": "* FROM audit_log WHERE operation LIKE '%import'"}
    return {table: db.execute_sql(f'SELECT {written.get(table, "*")}' + ("" if " FROM " in written.get(table, "")
                                  else f' FROM "{table}"') + f' ORDER BY {"rowid" if "fts" in table else "id"}'
                                  ).fetchall()
            for table in ("district", "citizen", "citizen_fts", "state_change", "card", "punch", "audit_log")}


def _import_everything_once(leader, tmp_path) -> dict[str, list[tuple]]:
    """A file with every kind of row: new and known citizens, open, closed, used-up and unused cards, a new
    district, a pool, names JSON must escape; then every table as it stands."""
    district = District.get(District.name == "Tørring")
    budget = Budget.create(year=2025, budget_dkk=decimal.Decimal(10000), price_per_clip_dkk=decimal.Decimal(100),
                           created_by=leader)
    Pool.create(budget=budget, district=district, allocated=100)
    import_file(leader, write_sheet(tmp_path / "first.xlsx", [
        ("010145-1235", "Karen Østergård", "Tørring", 1001, D(2025, 3, 1), 4, None)]))
    rows = [("010145-1235", "Karen Østergård", "tørring", 1002, D(2025, 1, 2), 3, D(2025, 2, 1)),  # Cirkel knows her
            ("020246-1237", 'Bent "Bager" \\ Æbelø', "Tørring", 2001, D(2025, 1, 5), 10, D(2025, 4, 1)),
            ("020246-1237", 'Bent "Bager" \\ Æbelø', "Tørring", 2002, D(2025, 4, 3), 0, None),
            ("030347-1238", "Åse Brøndum", "", 3001, D(2026, 1, 5), 2, D(2026, 2, 1)),
            ("040448-1239", "Ib Glud", "Glud", 4001, D(2025, 1, 5), 0, D(2025, 3, 1))]
    rows += [(f"{1 + i % 28:02d}0{1 + i // 28 % 9}45-{2000 + i:04d}", f"Import Person{i:03d}", "Tørring", 5000 + i,
              D(2025, 1, 1 + i % 28), i % 10, None if i % 3 else D(2025, 12, 1)) for i in range(230)]
    import_file(leader, write_sheet(tmp_path / "second.xlsx", rows), create_districts=True)
    return _tables()


@pytest.mark.sqlite_only  # the spool is SQLite's (PostgreSQL inserts the rows built in Python)
def test_the_spooled_write_gives_the_rows_the_python_rows_give(leader, me, tmp_path, new_db_path, monkeypatch):
    """On SQLite every table is filled from an in-memory spool by SQL; the rows (the audit JSON to the byte,
    the punches' ids, the search index) are those the Python-built rows give, which PostgreSQL inserts."""
    import uuid

    from models import imports

    monkeypatch.setattr(imports, "now", lambda: dt.datetime(2026, 6, 1, 12, 0, 0))
    monkeypatch.setattr(imports.uuid, "uuid4", lambda: uuid.UUID("0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"))
    spooled = _import_everything_once(leader, tmp_path)

    admin = _switch_to_empty_database(new_db_path("python.db"), me)
    District.create(name="Tørring", home_help_count=10)
    monkeypatch.setattr(imports, "_spooled", lambda: False)
    assert _import_everything_once(admin, tmp_path) == spooled
    audits = [json.loads(a) for (*_rest, a) in spooled["audit_log"] if a and "Bager" in a]
    assert audits[0]["name"] == 'Bent "Bager" \\ Æbelø'
    assert len(spooled["card"]) == 236 and len(spooled["citizen"]) == 234


@pytest.mark.sqlite_only  # the spool and PRAGMA database_list are SQLite's
def test_the_spool_is_gone_after_an_import_and_after_a_refused_write(leader, tmp_path, monkeypatch):
    """The in-memory spool holds personal data: detached when the import is done, and when the write fails."""
    from models import imports
    from models.store import db

    def attached() -> list[str]:
        return [name for _seq, name, _file in db.execute_sql("PRAGMA database_list").fetchall() if name != "temp"]

    import_file(leader, write_sheet(tmp_path / "a.xlsx", _rows()))
    assert attached() == ["main"] and Card.select().count() == 1

    def failing(writes, search_index_paused):
        raise DomainError("stop")

    monkeypatch.setattr(imports, "_write_spooled", failing)
    before = row_counts()
    with pytest.raises(DomainError, match="stop"):
        import_file(leader, write_sheet(tmp_path / "b.xlsx", [
            ("020246-1237", "Bo Holm", "Tørring", 2001, D(2026, 1, 1), 1, None)]))
    assert attached() == ["main"] and row_counts() == before


def test_repeated_card_numbers_against_kept_and_refused_first_rows(leader, tmp_path):
    """The rows are checked as they are read and only what the checks need is kept: an exact repeat is
    dropped, a repeat with other data names the first row, also when that first row was itself refused."""
    repeat = ("010145-1235", "Karen Østergård", "Tørring", 1001, D(2026, 3, 1), 4, None)
    ok = write_sheet(tmp_path / "ok.xlsx", _rows(repeat, ("020246-1237", "Bo Holm", "Tørring", 2001, D(2025, 1, 1),
                                                           2, D(2025, 2, 1)), repeat))
    report = import_file(leader, ok, dry_run=True)
    assert [c.number for c in report.new_cards] == [1001, 2001] and report.rows == 2
    errors = _refused(leader, write_sheet(tmp_path / "bad.xlsx", _rows(
        ("010145-1235", "Karen Ø.", "Tørring", 3001, D(2025, 1, 1), 1, D(2025, 2, 1)),  # row 3: another name
        ("010145-1235", "Karen Ø.", "Tørring", 3001, D(2025, 1, 1), 1, D(2025, 2, 1)),  # row 4: its exact repeat
        ("020246-1237", "Bo Holm", "Tørring", 3001, D(2025, 1, 1), 1, D(2025, 2, 1)),  # row 5: 3001 once more
        ("010145-1235", "Karen Østergård", "Tørring", 1001, D(2026, 3, 2), 4, None),  # row 6: 1001, another start
    )))
    assert errors == [
        "Ark Klippekort, række 3, kolonne B (Navn): CPR 010145-1235 står i række 2 med navnet 'Karen Østergård'.",
        "Ark Klippekort, række 5, kolonne D (Kortnr): kort 3001 står også i række 3 med andre oplysninger.",
        "Ark Klippekort, række 6, kolonne D (Kortnr): kort 1001 står også i række 2 med andre oplysninger.",
    ]
