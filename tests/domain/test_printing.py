"""The printed klippekort (issue #16): the PDF's text and barcode, the print queue, replacing a lost card.

The PDFs are read back as a reader would: the text with pypdf, each page
rendered with PDFium and its barcodes decoded with zxing-cpp.
"""
from __future__ import annotations

import decimal
import os
import stat

import pypdf
import pypdfium2
import pytest
import zxingcpp

from exports.pdf import print_cards, write_history_pdf, write_participant_list_pdf
from models.base import DomainError, db
from models.cards import issue_card, ledger_total, punch, replace_card
from models.citizens import change_state, create_citizen
from models.entities import AccessLog, AuditLog, Budget, Card, District, Pool
from models.pools import committed_clips
from models.printing import hand_out, pending_faces, print_queue, set_district_phone
from models.settings import set_setting

NAMES = ["Søren Ågård Æbeløe", "Karen Jensen", "Åse Østergaard-Lund", "Mads Nielsen", "Inger Bødker"]
CPRS = ["0101451235", "0202461236", "0303471237", "0404481238", "0505491239"]


@pytest.fixture
def participants(admin, frozen_day):
    district = District.create(name="Hedensted Nord", home_help_count=10)
    set_district_phone(admin, "Hedensted Nord", "75 55 12 34")
    budget = Budget.create(year=frozen_day.year, budget_dkk=decimal.Decimal(100000),
                           price_per_clip_dkk=decimal.Decimal(100), created_by=admin)
    Pool.create(budget=budget, district=district, allocated=200)
    people = []
    for cpr, name in zip(CPRS, NAMES, strict=True):
        citizen = create_citizen(admin, cpr, name, district=district)
        with db.atomic():
            change_state(admin, citizen, "eligible")
            change_state(admin, citizen, "active")
        people.append(citizen)
    return people


def pdf_text(path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(str(path)).pages]


def barcodes(path) -> list[list[str]]:
    """The Code 128 barcodes on each page, decoded from the rendered page (about 200 dpi)."""
    pages = []
    document = pypdfium2.PdfDocument(str(path))
    try:
        for page in document:
            image = page.render(scale=2.8, grayscale=True).to_pil()
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
            pages.append(sorted(r.text for r in found))
    finally:
        document.close()
    return pages


def no_cpr(text: str) -> bool:
    digits = "".join(ch for ch in text if ch.isdigit())
    return not any(cpr in digits or f"{cpr[:6]}-{cpr[6:]}" in text or cpr[:6] in text for cpr in CPRS)


def test_a_printed_card_holds_name_number_district_phone_and_rules_but_no_cpr(admin, participants, tmp_path):
    card = issue_card(admin, participants[0])
    result = print_cards(admin, [str(card.number)], destination=tmp_path / "kort.pdf")
    assert result.numbers == [card.number] and result.pages == 1
    (text,) = pdf_text(result.path)
    for expected in ("Sammen gør vi cirklen større", "Søren Ågård Æbeløe", f"Kort nr. {card.number}",
                     "Distrikt Hedensted Nord", "Tlf. 75 55 12 34", "Udstedt 20-11-2026",
                     "Kortet har 10 klip", "Mere end", "din terapeut forbi"):
        assert expected in text, expected
    assert [str(n) for n in range(1, 11)] == [n for n in [str(n) for n in range(1, 11)] if n in text]
    assert text.count("½ time") >= 10  # ten boxes of half an hour
    assert text.count("Dato") == 10 and text.count("Init.") == 10
    assert no_cpr(text)
    assert stat.S_IMODE(os.stat(result.path).st_mode) == 0o600


def test_the_barcode_decodes_to_the_card_number(admin, participants, tmp_path):
    cards = [issue_card(admin, person) for person in participants]
    result = print_cards(admin, [str(c.number) for c in cards], destination=tmp_path / "kort.pdf")
    assert result.pages == 2  # five cards: four on the first sheet, one on the second
    assert barcodes(result.path) == [sorted(str(c.number) for c in cards[:4]), [str(cards[4].number)]]


def test_the_scheme_name_is_a_setting(admin, participants, tmp_path):
    set_setting(admin, "card.scheme_name", "Klippekortet i Hedensted")
    card = issue_card(admin, participants[1])
    (text,) = pdf_text(print_cards(admin, [str(card.number)], destination=tmp_path / "k.pdf").path)
    assert "Klippekortet i Hedensted" in text and "Sammen gør vi" not in text


def test_the_queue_prints_every_waiting_card_on_as_few_sheets_as_possible_and_marks_them(
        admin, participants, tmp_path):
    cards = [issue_card(admin, person) for person in participants]
    assert {c.print_state for c in cards} == {"requested"}
    assert [line.number for line in print_queue(admin)] == [c.number for c in cards]
    assert AccessLog.get(AccessLog.action == "list").criterion == "udskrivningskø"  # the list is a read
    result = print_cards(admin, pending=True, destination=tmp_path)
    assert result.path.parent == tmp_path and result.path.name.startswith("klippekort-")
    assert sorted(result.numbers) == [c.number for c in cards] and result.pages == 2
    fresh = [Card.get_by_id(c.id) for c in cards]
    assert {c.print_state for c in fresh} == {"printed"} and {c.print_count for c in fresh} == {1}
    assert {c.printed_by_id for c in fresh} == {admin.id}
    assert pending_faces() == []
    with pytest.raises(DomainError, match="ingen kort til udskrivning"):
        print_cards(admin, pending=True, destination=tmp_path / "igen.pdf")
    # audited, and every print is in the access log with the citizen
    assert AuditLog.select().where(AuditLog.operation == "card.print").count() == 5
    printed = {r.citizen_id for r in AccessLog.select().where(AccessLog.action == "print")}
    assert printed == {p.id for p in participants}
    assert {r.purpose for r in AccessLog.select().where(AccessLog.action == "print")} == {"udskrift"}
    # printed cards wait to be handed out; then they leave the queue
    assert {line.state for line in print_queue(admin)} == {"printed"}
    hand_out(admin, [str(cards[0].number)])
    assert Card.get_by_id(cards[0].id).print_state == "handed_out"
    assert cards[0].number not in [line.number for line in print_queue(admin)]


def test_a_failed_write_marks_nothing_printed(admin, participants, tmp_path):
    card = issue_card(admin, participants[0])
    taken = tmp_path / "kort.pdf"
    taken.write_bytes(b"somebody's file")
    with pytest.raises(DomainError, match="findes allerede"):
        print_cards(admin, [str(card.number)], destination=taken)
    assert Card.get_by_id(card.id).print_state == "requested"
    assert taken.read_bytes() == b"somebody's file"
    assert AccessLog.select().where(AccessLog.action == "print").count() == 0


def test_handing_out_needs_a_printed_card(admin, participants):
    card = issue_card(admin, participants[0])
    with pytest.raises(DomainError, match="ikke udskrevet endnu"):
        hand_out(admin, [str(card.number)])


def test_only_open_cards_are_printed(admin, participants, tmp_path):
    card = issue_card(admin, participants[0])
    punch(admin, participants[0], 10, "Bustur")
    with pytest.raises(DomainError, match="brugt op"):
        print_cards(admin, [str(card.number)], destination=tmp_path / "k.pdf")
    with pytest.raises(DomainError, match="intet kort med nummer 99999"):
        print_cards(admin, ["99999"], destination=tmp_path / "k.pdf")
    assert not (tmp_path / "k.pdf").exists()


def test_a_lost_card_is_replaced_with_a_new_number_and_the_same_clips_left(admin, participants, tmp_path):
    person = participants[0]
    old = issue_card(admin, person)
    punch(admin, person, 3, "Lægebesøg")
    pool = Pool.get()
    committed = committed_clips(pool)
    new = replace_card(admin, old, "mistet i bussen")
    old = Card.get_by_id(old.id)
    assert new.number != old.number and new.replaces_id == old.id
    assert (new.clips - new.used) == 7 and new.status == "open" and new.print_state == "requested"
    assert old.status == "closed" and old.blocked_on is not None and "mistet i bussen" in old.end_reason
    assert committed_clips(pool) == committed  # the pool binds the same clips
    assert ledger_total(old) == old.used == 3 and ledger_total(new) == new.used == 0
    assert {r.operation for r in AuditLog.select().where(AuditLog.entity == "card")} >= {"card.replace"}
    # the old number is blocked and says so when punched; the new one punches
    with pytest.raises(DomainError, match=f"Kort {old.number} er spærret.*nye kort {new.number}"):
        punch(admin, person, 1, "Kaffe", card_number=old.number)
    assert punch(admin, person, 2, "Kaffe", card_number=new.number).left == 5
    with pytest.raises(DomainError, match="spærret"):
        replace_card(admin, old, "igen")
    with pytest.raises(DomainError, match="spærret"):
        print_cards(admin, [str(old.number)], destination=tmp_path / "k.pdf")
    # the replacement card shows the clips used on the lost one as struck boxes
    (text,) = pdf_text(print_cards(admin, [str(new.number)], destination=tmp_path / "ny.pdf").path)
    assert f"Erstatter kort {old.number}" in text and text.count("brugt") >= 5


def test_the_search_says_a_blocked_number_is_blocked(admin, participants):
    from models.search import search_citizens

    old = issue_card(admin, participants[0])
    new = replace_card(admin, old, "mistet")
    (match,) = [m for m in search_citizens(str(old.number)) if m.citizen_id == participants[0].id]
    assert not match.pickable and f"brug det nye kort {new.number}" in match.why_not
    (match,) = [m for m in search_citizens(str(new.number)) if m.citizen_id == participants[0].id]
    assert match.pickable and match.card_number == new.number


def test_a_reason_is_needed_to_replace(admin, participants):
    card = issue_card(admin, participants[0])
    with pytest.raises(DomainError, match="hvorfor"):
        replace_card(admin, card, "  ")
    assert Card.select().count() == 1


def test_the_citizens_history_on_paper_has_a_header_on_every_page_and_no_cpr(admin, participants, tmp_path):
    from models.cards import reverse_punch

    person = participants[0]
    issue_card(admin, person)
    for _round in range(30):  # sixty lines: more than one page
        r = punch(admin, person, 1, "Tur til Bilka Vejle — æøå ÆØÅ")
        reverse_punch(admin, r.punch.id, "forkert dag")
    path = write_history_pdf(admin, person.id, tmp_path / "historik.pdf")
    pages = pdf_text(path)
    assert len(pages) >= 2
    for page in pages:
        assert "Klippekort — Søren Ågård Æbeløe" in page and "Side" in page
        assert "Dato" in page  # the table's header row repeats
        assert no_cpr(page)
    assert "Tur til Bilka Vejle — æøå ÆØÅ" in pages[0] and "20-11-2026" in pages[0]
    assert AccessLog.get(AccessLog.action == "print", AccessLog.citizen == person.id).criterion == "historik"


def test_the_drivers_list_on_paper(admin, demo, tmp_path):
    from models.entities import Event, Signup

    event = (Event.select().join(Signup).where(Signup.status == "signed_up").group_by(Event.id)
             .order_by(Event.id).first())
    path = write_participant_list_pdf(admin, event.id, tmp_path)
    assert path.name == f"deltagerliste-{event.id}-{event.starts_at.strftime('%Y-%m-%d')}.pdf"
    text = "\n".join(pdf_text(path))
    seated = [s.citizen for s in Signup.select().where((Signup.event == event) & (Signup.status == "signed_up"))]
    assert seated
    for citizen in seated:
        assert citizen.name in text
        assert citizen.cpr not in text.replace("-", "") and citizen.cpr[:6] not in text
    assert "Afhentningsadresse" in text and "Med" in text and event.starts_at.strftime("%d-%m-%Y") in text
    assert AccessLog.select().where((AccessLog.action == "print")
                                    & (AccessLog.criterion == f"deltagerliste tur {event.id}")).exists()
