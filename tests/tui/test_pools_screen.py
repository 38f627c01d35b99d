"""Pilot tests and snapshots of Puljer (pools, budget form, moves) and Distrikter."""
from __future__ import annotations

from textual.widgets import DataTable, Input, Sparkline, Static

from models.entities import Budget, District, PoolMove, Staff
from models.pools import pool_figures
from screens.districts import DistrictDialog, DistrictsScreen
from screens.pools import BudgetScreen, MoveScreen, PoolsScreen


async def _open_pools(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.press("p")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, PoolsScreen)
    return app.screen


def _cells(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def _error(screen, field_id: str) -> str:
    label = screen.query_one(f"#{field_id}-error", Static)
    return str(label.render()) if label.display else ""


async def _type(pilot, widget: Input, text: str) -> None:
    widget.focus()
    widget.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def test_pools_screen_shows_each_district_the_totals_and_switches_year(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_pools(app, pilot)
        rows = _cells(screen.query_one("#pools-table", DataTable))
        figures = pool_figures(2026)
        assert [r[0] for r in rows] == [f.district for f in figures] + ["I alt"]
        for row, f in zip(rows, figures, strict=False):  # rows end with the total
            assert row[1:5] == [f"{f.allocated:,}".replace(",", "."), f"{f.committed:,}".replace(",", "."),
                                f"{f.punched:,}".replace(",", "."), f"{f.left:,}".replace(",", ".")]
            assert row[5] == f"{f.participants}/{f.capacity}"
        assert rows[-1][1] == f"{sum(f.allocated for f in figures):,}".replace(",", ".")
        sparks = screen.query(Sparkline)
        assert len(sparks) == 4 and all(len(s.data) == 47 for s in sparks)  # weeks of 2026 up to 20 November
        assert "Budget" in str(screen.query_one("#pools-money", Static).render())

        await pilot.press("minus")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Puljer 2025" in str(screen.query_one("#pools-title", Static).render())
        assert [r[0] for r in _cells(screen.query_one("#pools-table", DataTable))][-1] == "I alt"
        await pilot.press("plus", "plus")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "ikke sat et budget for 2027" in str(screen.query_one("#pools-status", Static).render())


async def test_budget_form_shows_the_split_before_saving_and_refuses_bad_input(demo, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_pools(app, pilot)
        await pilot.press("plus")
        await app.workers.wait_for_complete()
        await pilot.press("u")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, BudgetScreen)
        assert form.query_one("#budget-year", Input).value == "2027"
        assert form.query_one("#budget-price", Input).value == "187"  # from the latest year
        assert _error(form, "budget-budget") == ""  # an empty field is not an error before it is touched

        await _type(pilot, form.query_one("#budget-budget", Input), "180.000")
        split = form.query_one("#budget-split", DataTable)
        assert split.row_count == 4  # three districts and the total, before anything is saved
        assert "klip" in str(form.query_one("#budget-clips", Static).render())
        assert Budget.select().where(Budget.year == 2027).count() == 0

        await _type(pilot, form.query_one("#budget-reserve", Input), "200.000")
        assert "større end budgettet" in _error(form, "budget-reserve")
        assert split.row_count == 0
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and Budget.select().where(Budget.year == 2027).count() == 0

        await _type(pilot, form.query_one("#budget-reserve", Input), "9000")
        assert _error(form, "budget-reserve") == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        budget = Budget.get(Budget.year == 2027)
        assert (budget.budget_dkk, budget.transport_reserve_dkk) == (180000, 9000)
        rows = _cells(screen.query_one("#pools-table", DataTable))
        assert rows[-1][1] == "914"  # (180,000 − 9,000) / 187 = 914 clips
        assert "Puljer 2027" in str(screen.query_one("#pools-title", Static).render())


async def test_budget_form_can_be_left_without_escape(demo, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_pools(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, BudgetScreen)
        await pilot.click("#budget-cancel-button")
        await pilot.pause()
        assert app.screen is screen


async def test_move_dialog_moves_only_uncommitted_clips(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_pools(app, pilot)
        before = {f.district: f for f in pool_figures(2026)}
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MoveScreen)
        assert f"{before['Hedensted'].left}" in str(dialog.query_one("#move-free", Static).render()).replace(".", "")

        await _type(pilot, dialog.query_one("#move-clips", Input), str(before["Hedensted"].left + 1))
        await _type(pilot, dialog.query_one("#move-reason", Input), "flere deltagere")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "kun" in _error(dialog, "move-clips") and PoolMove.select().count() == 0

        await _type(pilot, dialog.query_one("#move-clips", Input), "12")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        move = PoolMove.get()
        assert (move.clips, move.reason, move.source.district.name, move.target.district.name) == (
            12, "flere deltagere", "Hedensted", "Juelsminde")
        after = {f.district: f for f in pool_figures(2026)}
        assert after["Hedensted"].allocated == before["Hedensted"].allocated - 12
        assert after["Juelsminde"].allocated == before["Juelsminde"].allocated + 12


async def test_a_therapist_sees_the_pools_but_cannot_change_them(demo, db_path):
    from cirkel_tui.app import CirkelApp

    app = CirkelApp(actor_id=Staff.get(Staff.login == "anne").id, db_path=db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_pools(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("d")  # Distrikter is for administrators
        await pilot.pause()
        assert app.current_mode == "puljer"


async def test_districts_screen_adds_a_district_and_resplits(demo, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("d")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DistrictsScreen)
        table = screen.query_one("#districts-table", DataTable)
        assert [r[0] for r in _cells(table)] == ["Hedensted", "Juelsminde", "Tørring", "I alt"]

        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DistrictDialog)
        await _type(pilot, dialog.query_one("#district-name", Input), "Løsning")
        await _type(pilot, dialog.query_one("#district-home_help", Input), "-3")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "helt tal" in _error(dialog, "district-home_help")
        assert District.select().count() == 3
        await _type(pilot, dialog.query_one("#district-home_help", Input), "120")
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert District.get(District.name == "Løsning").home_help_count == 120
        figures = pool_figures(2026)
        assert sum(f.allocated for f in figures) == 914  # the demo's (180,000 − 9,000) / 187 clips
        assert next(f.allocated for f in figures if f.district == "Løsning") > 0
        assert all(f.allocated >= f.committed for f in figures)
        assert [r[0] for r in _cells(table)][-2:] == ["Tørring", "I alt"]


# --- snapshots ---------------------------------------------------------------------------------

async def _settle_on_pools(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.press("p")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_pools_snapshot(demo, make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=_settle_on_pools)


def test_pools_snapshot_80x24(demo, make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_settle_on_pools)


def test_budget_form_snapshot_80x24(demo, make_app, snap_compare):
    async def open_form(pilot):
        await _settle_on_pools(pilot)
        await pilot.press("u")
        await pilot.app.workers.wait_for_complete()  # the defaults, then the split, are read in workers
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_form)


async def test_dashboard_names_the_districts_closed_for_intake(demo, make_app):
    from models.budget import move_clips

    closed = [f.district for f in pool_figures(2026) if not f.open_for_intake]
    assert closed  # the demo fills some frames
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#dashboard-status", Static).render())
        assert status.startswith(f"Lukket for optag: {', '.join(closed)}.")
        # A leader moves clips into a closed district until it has room for one more participant.
        name = closed[0]
        figure = next(f for f in pool_figures(2026) if f.district == name)
        need = (figure.participants + 1) * 52 - figure.allocated
        donor = max((f for f in pool_figures(2026) if f.district != name), key=lambda f: f.left)
        move_clips(app.actor, 2026, donor.district, name, need, "plads til en mere")
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#dashboard-status", Static).render())
        closed_part = status.split(" Plads ledig")[0]  # the rest points to free places for those waiting
        assert name not in closed_part


# flows (issue #15): a budget that would close districts for intake asks first and names them
async def test_a_budget_that_closes_districts_for_intake_asks_first(demo, make_app):
    from models.budget import preview_budget
    from screens.dialogs import ConfirmDialog

    budget = Budget.get(Budget.year == 2026)
    open_now = [f.district for f in pool_figures(2026) if f.open_for_intake]
    assert open_now
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_pools(app, pilot)
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, BudgetScreen)
        form.query_one("#budget-year", Input).value = "2026"
        form.query_one("#budget-price", Input).value = str(int(budget.price_per_clip_dkk))
        form.query_one("#budget-reserve", Input).value = str(int(budget.transport_reserve_dkk))
        form.query_one("#budget-per_participant", Input).value = str(budget.clips_per_participant)
        # the committed clips are the floor: a budget just above them
        committed = sum(f.committed for f in pool_figures(2026))
        small = int(budget.transport_reserve_dkk + budget.price_per_clip_dkk * committed)
        form.query_one("#budget-budget", Input).value = str(small)
        await app.workers.wait_for_complete()
        await pilot.pause()
        closes = preview_budget(2026, small, budget.price_per_clip_dkk, budget.transport_reserve_dkk,
                                budget.clips_per_participant).closes_intake
        assert sorted(closes) == sorted(open_now)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert all(name in app.screen.body for name in closes)
        await pilot.press("escape")  # Fortryd: nothing saved
        await pilot.pause()
        assert app.screen is form and Budget.get(Budget.year == 2026).budget_dkk == budget.budget_dkk
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("j")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen and Budget.get(Budget.year == 2026).budget_dkk == small
    assert not any(f.open_for_intake for f in pool_figures(2026) if f.district in closes)
