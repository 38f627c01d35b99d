"""SVG snapshots of the quick-punch dialog and the citizen screens (demo data as of a fixed day)."""
from __future__ import annotations

from models.entities import Agreement, Card, Citizen


def a_card() -> Card:
    return (Card.select().join(Citizen, on=(Card.citizen == Citizen.id))
            .where((Card.status == "open") & (Citizen.state == "active") & (Card.used >= 2) & (Card.used <= 7)
                   & Citizen.id.not_in(Agreement.select(Agreement.citizen)))
            .order_by(Card.id).first())


def test_quick_punch_dialog_snapshot_80x24(demo, make_app, snap_compare):
    number = str(a_card().number)

    async def type_in(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.press("k", *number, "enter", "2", "enter", "L", "æ")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=type_in)


def test_quick_punch_search_list_snapshot(demo, make_app, snap_compare):
    async def type_in(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.press("f2", "k", "a", "r")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=type_in)


def test_citizens_list_snapshot(demo, make_app, snap_compare):
    async def search(pilot):
        await pilot.press("b", *"jens")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=search)


def test_citizen_detail_snapshot(demo, make_app, snap_compare):
    card = a_card()

    async def open_citizen(pilot):
        from screens.citizens import CitizenDetailScreen

        await pilot.app.workers.wait_for_complete()
        pilot.app.action_goto("borgere")
        await pilot.pause()
        pilot.app.push_screen(CitizenDetailScreen(card.citizen_id))
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=open_citizen)


def test_citizen_detail_snapshot_80x24(demo, make_app, snap_compare):
    card = a_card()

    async def open_citizen(pilot):
        from screens.citizens import CitizenDetailScreen

        await pilot.app.workers.wait_for_complete()
        pilot.app.action_goto("borgere")
        await pilot.pause()
        pilot.app.push_screen(CitizenDetailScreen(card.citizen_id))
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_citizen)
