"""Issue #16 in the TUI: a barcode scanner in the quick-punch dialog, the print queue, P on the citizen page."""
from __future__ import annotations

import pypdf
import pytest
from textual import events
from textual.widgets import DataTable, Input, Static

from models.cards import replace_card
from models.entities import Agreement, Card, Citizen, Punch
from screens.citizen_picker import CitizenPicker
from screens.citizens import CitizenDetailScreen
from screens.dialogs import ConfirmDialog
from screens.forms import AskDialog
from screens.printing import PrintQueueScreen
from screens.quick_punch import QuickPunchDialog


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


def scan(app, text: str) -> None:
    """What a USB scanner does: the digits and Enter, one burst, no pause."""
    for key in [*text, "enter"]:
        app.post_message(events.Key(key, "\r" if key == "enter" else key))


def open_cards(n: int) -> list[Card]:
    return list(Card.select().join(Citizen, on=(Card.citizen == Citizen.id))
                .where((Card.status == "open") & (Citizen.state == "active") & (Card.used <= 7)
                       & Citizen.id.not_in(Agreement.select(Agreement.citizen)))
                .order_by(Card.id).limit(n))


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the TUI writes its PDFs where it was started
    return tmp_path


async def test_a_scanned_card_number_picks_that_card_at_once(demo, make_app):
    card = open_cards(1)[0]
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        scan(app, str(card.number))
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, QuickPunchDialog)
        assert dialog.query_one(CitizenPicker).picked.card_number == card.number
        assert dialog.query_one("#qp-clips", Input).has_focus
        await pilot.press("2", "enter", *"Kaffe", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickPunchDialog)
    assert Card.get_by_id(card.id).used == card.used + 2


async def test_a_scan_while_the_clips_have_focus_picks_the_scanned_card_and_leaves_the_clips_alone(demo, make_app):
    first, second = open_cards(2)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("k", *str(first.number))
        await settle(app, pilot)
        await pilot.press("enter", "1")  # the first card picked by hand, one clip typed
        await settle(app, pilot)
        scan(app, str(second.number))  # then the citizen's physical card is scanned
        await settle(app, pilot)
        dialog = app.screen
        assert dialog.query_one("#qp-citizen", Input).value == str(second.number)
        assert dialog.query_one("#qp-clips", Input).value == "1"  # no scanned digits in the clips
        assert dialog.query_one("#qp-clips", Input).has_focus
        assert f"kort {second.number}" in text_of(app, "#picker-message")
        await pilot.press("enter", *"Kaffe", "enter")
        await settle(app, pilot)
    assert Card.get_by_id(second.id).used == second.used + 1
    assert Card.get_by_id(first.id).used == first.used


async def test_a_scanned_blocked_card_says_so_and_picks_nobody(demo, make_app, admin):
    card = open_cards(1)[0]
    new = replace_card(admin, card, "mistet")
    before = Punch.select().count()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        scan(app, str(card.number))
        await settle(app, pilot)
        assert f"Kort {card.number} er spærret" in text_of(app, "#picker-message")
        assert f"nye kort {new.number}" in text_of(app, "#picker-message")
        assert app.screen.query_one("#qp-citizen", Input).has_focus
        assert app.screen.query_one(CitizenPicker).picked is None
    assert Punch.select().count() == before


async def test_the_print_queue_prints_the_waiting_cards_and_marks_them(demo, make_app, admin, in_tmp):
    cards = open_cards(5)
    Card.update(print_state="handed_out").where(Card.print_state.is_null(False)).execute()  # the demo's queue
    Card.update(print_state="requested").where(Card.id.in_([c.id for c in cards])).execute()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, PrintQueueScreen)
        assert "Til udskrivning: 5 kort (2 ark)" in text_of(app, "#print-summary")
        table = app.screen.query_one(DataTable)
        assert {str(table.get_row_at(i)[0]) for i in range(table.row_count)} == {str(c.number) for c in cards}
        await pilot.press("p")
        await settle(app, pilot)
        await settle(app, pilot)
        assert "Til udskrivning: 0 kort" in text_of(app, "#print-summary")
        assert "udskrevet, ikke udleveret: 5" in text_of(app, "#print-summary")
        await pilot.press("l")  # the first line is handed out
        await settle(app, pilot)
        await settle(app, pilot)
        assert table.row_count == 4
    assert sorted(c.print_state for c in Card.select().where(Card.id.in_([c.id for c in cards]))) == [
        "handed_out", "printed", "printed", "printed", "printed"]
    (pdf,) = in_tmp.glob("klippekort-*.pdf")
    assert len(pypdf.PdfReader(str(pdf)).pages) == 2


async def test_p_on_the_citizen_page_prints_the_card_and_k_replaces_a_lost_one(demo, make_app, in_tmp):
    card = open_cards(1)[0]
    citizen = Citizen.get_by_id(card.citizen_id)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(CitizenDetailScreen(citizen.id))
        await settle(app, pilot)
        await pilot.press("P")
        await settle(app, pilot)
        (pdf,) = in_tmp.glob("klippekort-*.pdf")
        text = pypdf.PdfReader(str(pdf)).pages[0].extract_text()
        assert citizen.name in text and str(card.number) in text and citizen.cpr[:6] not in text
        assert Card.get_by_id(card.id).print_state == "printed"
        pdf.unlink()
        await pilot.press("K")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)
        await pilot.press(*"mistet", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)  # print the new card now?
        await pilot.press("j")
        await settle(app, pilot)
        await settle(app, pilot)
        assert "Kort" in text_of(app, "#cd-card")
    new = Card.get(Card.replaces == card.id)
    assert Card.get_by_id(card.id).blocked_on is not None and new.print_state == "printed"
    assert new.clips == 10 - card.used
    (pdf,) = in_tmp.glob("klippekort-*.pdf")
    assert f"Kort nr. {new.number}" in pypdf.PdfReader(str(pdf)).pages[0].extract_text()


async def test_p_on_the_participant_list_prints_the_drivers_list(demo, make_app, in_tmp):
    from models.entities import Event, Signup
    from screens.event_attendance import ParticipantListScreen

    event = (Event.select().join(Signup).where(Signup.status == "signed_up").group_by(Event.id)
             .order_by(Event.id).first())
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(ParticipantListScreen(event.id))
        await settle(app, pilot)
        await pilot.press("P")
        await settle(app, pilot)
    (pdf,) = in_tmp.glob("deltagerliste-*.pdf")
    text = pypdf.PdfReader(str(pdf)).pages[0].extract_text()
    assert f"Deltagerliste — {event.title}" in text and "Afhentningsadresse" in text
