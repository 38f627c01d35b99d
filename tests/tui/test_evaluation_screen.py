"""Pilot tests and snapshots of Evaluering (issue #19) on the demo as of 20-11-2026."""
from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from models.evaluation import evaluation, year_period
from models.inputs import format_int
from screens.evaluation import EvaluationScreen


async def _settle(pilot) -> None:
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        status = pilot.app.screen.query_one("#evaluation-status", Static)
        table = pilot.app.screen.query_one("#ev-table", DataTable)
        loading = not table.row_count or "Henter" in str(table.get_cell_at((0, 0)))
        ev = pilot.app.screen.evaluation
        # every read done: the rest of the figures and the district's clips (each refills the table)
        read = ev is not None and ev.complete and pilot.app.screen._group().ledger_loaded
        if "Beregner" not in str(status.render()) and not loading and read:
            break
    await pilot.pause()


async def _open(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.press("E")
    await _settle(pilot)
    assert isinstance(pilot.app.screen, EvaluationScreen)
    return pilot.app.screen


def _column(table: DataTable, index: int) -> list[str]:
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


async def test_the_screen_shows_the_years_figures_per_district_and_in_total(demo, make_app):
    ev = evaluation(year_period(2026), districts_ledger=True)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        participants = screen.query_one("#ev-table", DataTable)
        assert participants.row_count == 11  # January to November (today is 20-11-2026)
        assert _column(participants, 1) == [format_int(m.active) for m in ev.total.months]
        assert "I alt" in str(screen.query_one("#evaluation-group", Static).render())

        await pilot.press("2")
        await pilot.pause()
        assert screen.tab == "tab-clips"
        clips = screen.query_one("#ev-table", DataTable)
        assert _column(clips, 1)[:-1] == [format_int(m.clips) for m in ev.total.months]
        assert _column(clips, 1)[-1] == format_int(ev.total.clips)

        await pilot.press("n")  # the first district: its clips are read on demand
        await _settle(pilot)
        first = ev.districts[0]
        assert first.district in str(screen.query_one("#evaluation-group", Static).render())
        assert _column(screen.query_one("#ev-table", DataTable), 1)[-1] == format_int(first.clips)

        await pilot.press("4")
        await pilot.pause()
        outcomes = screen.query_one("#ev-table", DataTable)
        assert _column(outcomes, 1)[1] == format_int(first.measures["who5"].count)
        assert _column(outcomes, 0)[:3] == ["Netværk ±1", "WHO-5 ±10", "UCLA-3 ±1"]

        await pilot.press("5")
        await pilot.pause()
        endings = screen.query_one("#ev-table", DataTable)
        assert _column(endings, 1)[-1] == format_int(first.reasons_total)

        for _ in ev.districts:
            await pilot.press("n")
        await _settle(pilot)
        assert "I alt" in str(screen.query_one("#evaluation-group", Static).render())


async def test_a_period_is_typed_and_a_bad_one_is_refused_at_the_field(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        await pilot.press("t")
        field = screen.query_one("#evaluation-period-input", Input)
        assert screen.focused is field
        field.value = ""
        await pilot.press(*"31-06-2026 – 01-07-2026", "enter")
        await _settle(pilot)
        error = screen.query_one("#evaluation-period-error", Static)
        assert error.display and "findes ikke" in str(error.render())
        field.value = ""
        await pilot.press(*"01-06-2026 – 31-08-2026", "enter")
        await _settle(pilot)
        assert not error.display
        assert screen.query_one("#ev-table", DataTable).row_count == 3
        assert "01-06-2026 – 31-08-2026" in str(screen.query_one("#evaluation-status", Static).render())


async def test_a_therapist_is_not_let_in(demo, db_path, admin):
    from cirkel_tui.app import CirkelApp
    from models.staff import add_staff

    therapist = add_staff(admin, "daemon", "Tove Terapeut", "terapeut", "Hedensted")
    app = CirkelApp(actor_id=therapist.id, db_path=db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("E")
        await pilot.pause()
        assert not isinstance(app.screen, EvaluationScreen)


def test_evaluation_snapshot(demo, make_app, snap_compare):
    async def run_before(pilot):
        await _open(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=run_before)


def test_evaluation_snapshot_80x24_outcomes(demo, make_app, snap_compare):
    async def run_before(pilot):
        await _open(pilot)
        await pilot.press("4")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
