"""Pilot tests of the quick-punch dialog: the key sequence staff learn, refusals, leaving, undo."""
from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Static

from models.base import db
from models.citizens import change_state
from models.entities import AccessLog, Agreement, Card, CatalogueItem, Citizen, Pool, Punch, Staff
from screens.quick_punch import QuickPunchDialog
from screens.reversal import ReversalDialog


def _open_card_with(left_at_least: int) -> Card:
    return (Card.select().join(Citizen, on=(Card.citizen == Citizen.id))
            .where((Card.status == "open") & (Citizen.state == "active") & (Card.used <= 10 - left_at_least)
                   & Citizen.id.not_in(Agreement.select(Agreement.citizen)))
            .order_by(Card.id).first())


@pytest.fixture
def card4471(demo):
    """A demo participant's open card, renumbered to the number of the issue's example."""
    card = _open_card_with(3)
    Card.update(number=4471).where(Card.id == card.id).execute()
    return Card.get_by_id(card.id)


def message(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_key_sequence_registers_two_clips_on_card_4471(card4471, make_app):
    app = make_app()
    used = card4471.used
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        assert isinstance(app.screen, QuickPunchDialog)
        await pilot.press("4", "4", "7", "1", "enter", "2", "enter", *"Lægebesøg", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickPunchDialog)
        notes = [n.message for n in app._notifications]
        assert any("2 klip registreret på kort 4471" in n and f"{10 - used - 2} klip tilbage" in n for n in notes)
    card = Card.get_by_id(card4471.id)
    assert card.used == used + 2
    newest = Punch.get(Punch.card == card, Punch.activity == "Lægebesøg", Punch.clips == 2,
                       Punch.registered_by == app.actor_id)
    assert newest.catalogue_item_id == CatalogueItem.get(CatalogueItem.name == "Lægebesøg").id
    # the search that found the citizen is in the access log, once, with the text typed
    searches = list(AccessLog.select().where(AccessLog.action == "search"))
    assert [(s.criterion, s.citizen_id) for s in searches] == [("4471", card.citizen_id)]


async def test_f2_opens_the_dialog_from_a_text_field_where_k_is_typed(card4471, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("b")
        await settle(app, pilot)
        field = app.screen.query_one("#citizens-input", Input)
        assert field.has_focus
        await pilot.press("k")
        assert field.value == "k" and not isinstance(app.screen, QuickPunchDialog)
        await pilot.press("f2")
        assert isinstance(app.screen, QuickPunchDialog)
        await pilot.press("f2")  # a second F2 does not stack a second dialog
        assert len([s for s in app.screen_stack if isinstance(s, QuickPunchDialog)]) == 1


async def test_too_many_clips_are_refused_beside_the_field_and_nothing_is_written(demo, make_app):
    from models.punching import register_punch

    card = _open_card_with(2)
    register_punch(Staff.get(Staff.login == "anne"), card.citizen_id, 9 - card.used, "Banko")  # 1 left
    before = Punch.select().count()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *str(card.number), "enter", "3", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, QuickPunchDialog)
        assert f"kun 1 klip tilbage på kort {card.number}" in message(app, "#qp-clips-msg")
        assert app.screen.query_one("#qp-clips", Input).has_focus
        # the rule inside the operation refuses too (a date in the future), beside the date field
        await pilot.press("backspace", "1", "enter", *"Kaffe")
        date = app.screen.query_one("#qp-date", Input)
        date.value = "01-01-2030"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, QuickPunchDialog)
        assert "fremtiden" in message(app, "#qp-date-msg")
        assert date.has_focus
    assert Punch.select().count() == before


async def test_a_citizen_without_an_open_card_is_shown_but_cannot_be_picked(demo, make_app):
    card = _open_card_with(1)
    citizen = Citizen.get_by_id(card.citizen_id)
    with db.atomic():
        change_state(Staff.get(Staff.role == "admin"), citizen, "paused", reason="indlagt")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("k", *str(card.number), "enter")
        await settle(app, pilot)
        assert "på pause" in message(app, "#picker-message")
        assert app.screen.query_one("#qp-citizen", Input).has_focus  # still at field 1


@pytest.mark.parametrize("keys", [[], ["enter"], ["enter", "2"], ["enter", "2", "enter", "K", "a"]])
async def test_escape_cancels_at_any_step(card4471, make_app, keys):
    before = Punch.select().count()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("k", "4", "4", "7", "1", *keys)
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, QuickPunchDialog)
    assert Punch.select().count() == before


async def test_the_cancel_button_leaves_without_escape(card4471, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("k", "4", "4", "7", "1", "enter", "2")
        await pilot.click("#qp-cancel")
        await pilot.pause()
        assert not isinstance(app.screen, QuickPunchDialog)
        # and by keyboard: Tab to the button, Enter
        await pilot.press("k")
        for _ in range(6):
            if app.screen.focused is not None and app.screen.focused.id == "qp-cancel":
                break
            await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, QuickPunchDialog)
    assert Card.get_by_id(card4471.id).used == card4471.used


async def test_u_right_after_punching_reverses_it_with_a_reason(card4471, make_app):
    app = make_app()
    used = card4471.used
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("k", "4", "4", "7", "1", "enter", "2", "enter", *"Frisør", "enter")
        await settle(app, pilot)
        assert Card.get_by_id(card4471.id).used == used + 2
        await pilot.press("u")
        assert isinstance(app.screen, ReversalDialog)
        await pilot.press("enter")  # no reason: refused at the field
        assert "begrundelse" in message(app, "#reversal-msg")
        await pilot.press(*"forkert antal", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, ReversalDialog)
        assert any("2 klip tilbageført" in n.message for n in app._notifications)
    assert Card.get_by_id(card4471.id).used == used
    reversal = Punch.get(Punch.kind == "reversal")
    assert reversal.clips == -2 and reversal.reason == "forkert antal"


async def test_more_than_ten_under_an_agreement_from_the_dialog(card4471, make_app):
    citizen = Citizen.get_by_id(card4471.citizen_id)
    pool = Pool.get(Pool.id == card4471.pool_id)
    pool.allocated += 20
    pool.save()
    from models.agreements import create_agreement

    create_agreement(Staff.get(Staff.login == "mette"), citizen, 14, "Hospitalsophold i Aarhus")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("k", "4", "4", "7", "1", "enter", "1", "2", "enter", *"Hospitalsbesøg", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickPunchDialog)
        assert any("under aftale" in n.message and "2 klip tilbage på aftalen" in n.message
                   for n in app._notifications)
    assert Agreement.get(Agreement.citizen == citizen, Agreement.clips == 14).used == 12
    assert Card.get_by_id(card4471.id).used == card4471.used


async def test_a_backdated_punch_from_the_date_field(card4471, make_app, frozen_day):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("k", "4", "4", "7", "1", "enter", "1", "enter", *"Kaffe", "tab")
        date = app.screen.query_one("#qp-date", Input)
        assert date.has_focus and date.value == "20-11-2026"
        day = max(card4471.issued_on, frozen_day - dt.timedelta(days=1))
        date.value = day.strftime("%d-%m-%Y")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickPunchDialog)
    assert Punch.get(Punch.activity == "Kaffe", Punch.card == card4471.id).punched_on == day


def burst(app, keys: list[str]) -> None:
    """Keys arriving in one read from the terminal (a paste, a stalled SSH link)."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, "\r" if key == "enter" else (key if len(key) == 1 else None)))


async def test_a_burst_of_keys_lands_in_the_right_fields(card4471, make_app):
    app = make_app()
    used = card4471.used
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        burst(app, [*"4471", "enter", "2", "enter", *"Kaffe", "enter"])
        await settle(app, pilot)
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickPunchDialog)
    assert Card.get_by_id(card4471.id).used == used + 2
    assert Punch.get(Punch.card == card4471.id, Punch.activity == "Kaffe").clips == 2


async def test_enter_typed_ahead_of_a_refusal_is_dropped(card4471, make_app):
    app = make_app()
    before = Punch.select().count()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        burst(app, [*"4471", "enter", "9", "enter", *"Kaffe", "enter"])
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, QuickPunchDialog)
        assert "klip tilbage på kort 4471" in message(app, "#qp-clips-msg")  # still shown
        assert app.screen.query_one("#qp-clips", Input).has_focus
    assert Punch.select().count() == before


async def test_a_mistyped_card_number_picks_nobody_without_arrows(card4471, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("k", "4", "4", "7", "enter")  # 447: no card, but CPRs may start with it
        await settle(app, pilot)
        assert "præcis 447" in message(app, "#picker-message") or "Ingen borgere" in message(app, "#picker-message")
        assert app.screen.query_one("#qp-citizen", Input).has_focus
        await pilot.press("1", "enter")  # 4471: the exact card
        await settle(app, pilot)
        assert app.screen.query_one("#qp-clips", Input).has_focus


async def test_keys_typed_right_after_f2_are_not_lost(card4471, make_app):
    app = make_app()
    used = card4471.used
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        burst(app, ["f2", *"4471", "enter", "1", "enter", *"Kaffe", "enter"])
        await settle(app, pilot)
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickPunchDialog)
    assert Card.get_by_id(card4471.id).used == used + 1


async def test_keys_typed_right_after_k_are_not_lost(card4471, make_app):
    app = make_app()
    used = card4471.used
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        burst(app, ["k", *"4471", "enter", "1", "enter", *"Kaffe", "enter"])
        await settle(app, pilot)
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickPunchDialog)
    assert Card.get_by_id(card4471.id).used == used + 1


async def test_a_search_left_without_a_pick_is_logged_once(card4471, make_app, monkeypatch):
    import models.search

    monkeypatch.setattr(models.search, "SETTLE_SECONDS", 60)  # no pause here (issue #12 tests the pause)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("k", *"karen")
        await settle(app, pilot)
        assert AccessLog.select().where(AccessLog.action == "search").count() == 0  # not per keystroke
        await pilot.press("escape")
        await settle(app, pilot)
    rows = [(r.criterion, r.citizen_id) for r in AccessLog.select().where(AccessLog.action == "search")]
    assert rows == [("karen", None)]


# flows (issue #15): the clips field says where the clips will come from, a card or which agreement
async def test_the_clips_hint_names_the_agreement_the_clips_come_from(card4471, make_app):
    from models.agreements import create_agreement

    citizen = Citizen.get_by_id(card4471.citizen_id)
    pool = Pool.get(Pool.id == card4471.pool_id)
    pool.allocated += 40
    pool.save()
    agreement = create_agreement(Staff.get(Staff.login == "mette"), citizen, 40, "Hospitalsophold i Aarhus")
    left = 10 - card4471.used
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("k", "4", "4", "7", "1", "enter")
        await settle(app, pilot)
        assert message(app, "#qp-clips-msg") == (f"1–{left} klip fra kort 4471. Flere end 10 fra aftalen "
                                                 "(40 tilbage).")
        await pilot.press("1", "6")
        await settle(app, pilot)
        assert message(app, "#qp-clips-msg") == f"16 klip fra aftale nr. {agreement.id} — 24 tilbage."
        await pilot.press("backspace", "backspace", "2")
        await settle(app, pilot)
        assert message(app, "#qp-clips-msg") == f"2 klip fra kort 4471 — {left - 2} tilbage."
        await pilot.press("backspace", "5", "0")  # more than any agreement carries: the plain hint
        await settle(app, pilot)
        assert message(app, "#qp-clips-msg").startswith(f"1–{left} klip fra kort 4471.")


# flows (issue #15): "Fri" suggests the free text "Frisør" used before (not in the catalogue)
async def test_the_activity_field_suggests_free_texts_used_before(card4471, make_app):
    from models.punching import register_punch

    assert not CatalogueItem.select().where(CatalogueItem.name == "Frisør").exists()
    other = (Card.select().join(Citizen, on=(Card.citizen == Citizen.id))
             .where((Card.status == "open") & (Citizen.state == "active") & (Card.used <= 8)
                    & (Card.citizen != card4471.citizen_id)).first())
    for citizen_id in (other.citizen_id, card4471.citizen_id):  # a free text used for two citizens
        register_punch(Staff.get(Staff.login == "mette"), citizen_id, 1, "Frisør")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("k", "4", "4", "7", "1", "enter", "1", "enter")
        await settle(app, pilot)
        await pilot.press("F", "r", "i")
        await settle(app, pilot)
        activity = app.screen.query_one("#qp-activity", Input)
        assert activity._suggestion == "Frisør"
        await pilot.press("right")  # → takes the suggestion
        assert activity.value == "Frisør"
