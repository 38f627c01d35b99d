"""The workbook documents agreements and reversals, and its sheets add up (issue #13, items 4 and 5):
``Klip`` ends with ``Aftale``, a fourth sheet ``Aftaler``, reversal rows with their reason, every
sheet print-ready (read back from the saved file)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from peewee import fn

from exports.excel import export, parse_month, parse_year
from models.agreements import create_agreement
from models.cards import punch, reverse_punch
from models.entities import Agreement, Card, Punch, Staff
from models.reassessment import reassess
from tests.domain.test_events import town as town_fixture
from tests.domain.test_excel_export import _participant
from tests.excel_helpers import sheet_rows

town = town_fixture  # a district with a pool (a fixture)

D = dt.date


def _entries_within(model_field, period):
    """Ids (card or agreement) whose ledger entries all fall in the period."""
    rows = (Punch.select(model_field, fn.MIN(Punch.punched_on), fn.MAX(Punch.punched_on))
            .where(model_field.is_null(False)).group_by(model_field).tuples())
    return {key for key, first, last in rows if period.start <= first and last <= period.end}


@pytest.mark.parametrize("label", ["2026", "2026-10", "2026-11"])
def test_the_klip_rows_of_every_card_and_agreement_add_up_to_its_total(demo, me, tmp_path, label):
    leader = Staff.get(Staff.login == me)
    agreement = Agreement.get()  # the demo's one agreement: punched and partly reversed today
    done = punch(leader, agreement.citizen, 12, "Hospitalsbesøg", use_agreement=True)
    punch(leader, agreement.citizen, 1, "Kaffe", use_agreement=True)
    reverse_punch(leader, done.punch.id, "forkert dato")
    period = parse_year(label) if len(label) == 4 else parse_month(label)
    path = tmp_path / "doc.xlsx"
    export(leader, period, path)
    antal = {r[3]: r[5] for r in sheet_rows(path, "Klippekort")[1:]}
    brugt = {r[2]: r[5] for r in sheet_rows(path, "Aftaler")[1:]}
    by_card, by_agreement = defaultdict(int), defaultdict(int)
    for row in sheet_rows(path, "Klip")[1:]:
        number, clips, on_agreement = row[3], row[4], row[7]
        assert (number is None) != (on_agreement is None), row  # each entry on a card or an agreement
        if number is not None:
            by_card[number] += clips
        else:
            by_agreement[on_agreement] += clips
    numbers = dict(Card.select(Card.id, Card.number).tuples())
    whole_cards = {numbers[i] for i in _entries_within(Punch.card, period)}
    whole_agreements = _entries_within(Punch.agreement, period)
    assert whole_cards and set(by_card) <= set(antal)
    for number in whole_cards:
        assert by_card[number] == antal[number], number
    assert set(by_agreement) <= set(brugt)
    for number in whole_agreements:
        assert by_agreement[number] == brugt[number], number
    if label != "2026-10":
        assert whole_agreements == {agreement.id} and brugt[agreement.id] == 1


def test_agreement_punches_and_reversals_are_documented(admin, frozen_day, tmp_path):
    from models.cards import issue_card
    from models.entities import Budget, District, Pool

    district = District.create(name="Tørring", home_help_count=10)
    budget = Budget.create(year=2026, budget_dkk=100000, price_per_clip_dkk=100, created_by=admin)
    Pool.create(budget=budget, district=district, allocated=1000)
    karen = _participant(admin, "010145-1235", "Karen Østergård", district)
    bent = _participant(admin, "020246-1237", "Bent Æbelø", district)
    issue_card(admin, karen, on=D(2026, 11, 1))
    issue_card(admin, bent, on=D(2026, 11, 1))
    weekly = create_agreement(admin, karen, 20, "Genoptræning hver uge efter hoftebrud", until=D(2026, 12, 31),
                              valid_from=D(2026, 11, 2), activity="Genoptræning")
    big = punch(admin, karen, 12, "Genoptræning", on=D(2026, 11, 3))
    wrong = punch(admin, karen, 2, "Banko", on=D(2026, 11, 4))
    reverse_punch(admin, wrong.punch.id, "forkert borger")
    reverse_punch(admin, big.punch.id, "aflyst af sygehuset")
    punch(admin, karen, 15, "Genoptræning", on=D(2026, 11, 10))
    bents = create_agreement(admin, bent, 14, "Hospitalsbesøg", valid_from=D(2026, 11, 2))
    punch(admin, bent, 11, "Hospitalsbesøg", on=D(2026, 11, 5))
    reassess(admin, bent, decision="end", end_reason="flyttet")

    path = tmp_path / "nov.xlsx"
    result = export(admin, parse_month("2026-11"), path)
    klip = [(r[0].date(), r[3], r[4], r[5], r[7]) for r in sheet_rows(path, "Klip")[1:]]
    assert klip[:4] + sorted(klip[4:], key=str) == [
        (D(2026, 11, 3), None, 12, "Genoptræning", weekly.id),
        (D(2026, 11, 4), 1001, 2, "Banko", None),
        (D(2026, 11, 5), None, 11, "Hospitalsbesøg", bents.id),
        (D(2026, 11, 10), None, 15, "Genoptræning", weekly.id),
        (D(2026, 11, 20), 1001, -2, "Tilbageført: Banko — forkert borger", None),
        (D(2026, 11, 20), None, -12, "Tilbageført: Genoptræning — aflyst af sygehuset", weekly.id),
    ]
    aftaler = sheet_rows(path, "Aftaler")[1:]
    assert [(r[0], r[1], r[2], r[3], r[4], r[5], r[6] and r[6].date(), r[7]) for r in aftaler] == [
        ("020246-1237", "Bent Æbelø", bents.id, "Test Administrator", 14, 11, frozen_day,
         "Hospitalsbesøg — lukket 20-11-2026: deltagelse afsluttet: flyttet"),
        ("010145-1235", "Karen Østergård", weekly.id, "Test Administrator", 20, 15, D(2026, 12, 31),
         "Genoptræning hver uge efter hoftebrud"),
    ]
    assert result.agreements == 2
    assert Agreement.get_by_id(weekly.id).used == 15

    october = tmp_path / "okt.xlsx"
    export(admin, parse_month("2026-10"), october)
    assert sheet_rows(october, "Aftaler")[1:] == []  # neither valid nor punched in October


def test_every_sheet_is_print_ready_read_back_from_the_file(demo, me, tmp_path):
    from openpyxl import load_workbook

    leader = Staff.get(Staff.login == me)
    path = tmp_path / "doc.xlsx"
    export(leader, parse_month("2026-11"), path)
    wb = load_workbook(path)
    for name, landscape in (("Klippekort", True), ("Klip", True), ("Puljer", False), ("Aftaler", True)):
        ws = wb[name]
        setup = ws.page_setup
        assert setup.paperSize == 9, name  # A4
        assert setup.orientation == ("landscape" if landscape else "portrait"), name
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), name  # one page wide, as tall as needed
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.print_title_rows == "$1:$1", name  # the header row on every page
        assert ws.oddHeader.center.text == f"Cirkel — {name} — november 2026 (01-11-2026 – 30-11-2026)"
        assert "&P" in ws.oddFooter.right.text


def test_the_drivers_list_prints_one_page_wide_with_its_header_on_every_page(admin, town, tmp_path):
    from openpyxl import load_workbook

    from exports.participant_list import HEADERS, write_participant_list
    from models.events import sign_up
    from tests.domain.test_events import _event, _person

    event = _event(admin, seats=60, day="10-12-2026", title="Bustur til Bilka Vejle")
    for n in range(1, 41):  # a long list: several printed pages
        sign_up(admin, event, _person(admin, town, n))
    ws = load_workbook(write_participant_list(admin, event.id, tmp_path))["Deltagere"]
    assert [ws.cell(8, c).value for c in range(1, 6)] == list(HEADERS)  # ... Afhentningsadresse, Deltog
    assert ws.max_column == 5
    setup = ws.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "portrait", 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage  # all five columns on the page's width
    assert ws.print_title_rows == "$1:$8"  # the outing and the table header on every page
    assert ws.oddHeader.center.text == "Deltagerliste — Bustur til Bilka Vejle 10-12-2026 09:00"
