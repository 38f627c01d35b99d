"""80×24 (issue #15, item 2): nothing essential cut — footers keep F1, the cut screens show their key columns."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from cirkel_tui.navigation import DESTINATIONS
from tests.tui.conftest import tables_measured


def footer_keys(app) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


def footer_problems(app, width: int) -> list[str]:
    keys = [k for k in footer_keys(app) if k.is_attached and k.display]
    problems = [] if any(k.key == "f1" for k in keys) else [f"no F1 in the footer: {[k.key for k in keys]}"]
    return problems + [f"{k.key} {k.description!r} is cut at the edge" for k in keys if k.region.right > width]


def visible_headers(table: DataTable) -> list[str]:
    """The column titles drawn whole inside the table's width."""
    x, shown = 0, []
    width = table.scrollable_content_region.width
    for column in table.ordered_columns:
        x += column.get_render_width(table)
        if x <= width:
            shown.append(str(column.label))
    return shown


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
async def test_every_footer_fits_and_keeps_f1(demo, make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        problems = []
        for dest in DESTINATIONS:
            app.action_goto(dest.id)
            await app.workers.wait_for_complete()
            for _ in range(50):  # the footer is made (again) once the screen's bindings are known
                await pilot.pause(0.02)
                found = footer_problems(app, size[0])
                if not found:
                    break
            problems += [f"{dest.id}: {problem}" for problem in found]
        assert problems == []


async def test_the_footer_is_fitted_again_when_the_terminal_is_resized(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        app.action_goto("puljer")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(k.key == "f2" for k in footer_keys(app))  # room for it at 120
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        keys = footer_keys(app)
        assert not any(k.key == "f2" for k in keys) and any(k.key == "f1" for k in keys)
        assert all(k.region.right <= 80 for k in keys)
        assert app.screen.has_class("-narrow")


COLUMNS_80 = {
    # the columns the issue found cut at 80×24, which must now be there whole
    "revurdering": ("#reassess-table", ["Navn", "CPR", "Hvorfor", "Siden", "Tilstand", "Distrikt"]),
    "faellesture": ("#coming", ["Tid", "Tur", "Status", "Pladser", "Vent.", "Klip", "Distrikt"]),
    "borgere": ("#citizens-table", ["Navn", "CPR", "Distrikt", "Tilstand", "Kort", "Rest"]),
    "aftaler": ("#agreements-table", ["Borger", "CPR", "Klip", "Klip tilbage", "Gyldig"]),
}


@pytest.mark.parametrize("dest", sorted(COLUMNS_80))
async def test_the_cut_screens_show_their_key_columns_at_80x24(demo, make_app, dest):
    table_id, wanted = COLUMNS_80[dest]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_goto(dest)
        await app.workers.wait_for_complete()
        await tables_measured(pilot)
        table = app.screen.query_one(table_id, DataTable)
        assert visible_headers(table)[:len(wanted)] == wanted


async def test_past_outings_show_tilmeldt_and_distrikt_at_80x24(demo, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_goto("faellesture")
        await app.workers.wait_for_complete()
        await tables_measured(pilot)
        shown = visible_headers(app.screen.query_one("#past", DataTable))
        assert {"Tilmeldt", "Distrikt", "Fremmøde", "Deltog", "Udeblev"} <= set(shown)


async def test_revurdering_dates_are_whole_at_80x24(demo, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_goto("revurdering")
        await app.workers.wait_for_complete()
        await tables_measured(pilot)
        table = app.screen.query_one("#reassess-table", DataTable)
        assert "Siden" in visible_headers(table)
        since = str(table.get_cell(table.coordinate_to_cell_key((0, 0)).row_key, "since"))
        assert len(since) == 10 and since[2] == "-" and since[5] == "-"  # dd-mm-åååå


async def test_agreement_detail_shows_approver_activity_and_reason_in_full(demo, make_app):
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_goto("aftaler")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        if not screen.lines:
            pytest.fail("the demo has no agreement")
        a = screen.lines[0]
        text = str(screen.query_one("#agreements-detail", Static).render())
        assert a.approved_by in text and a.activity in text and a.reason in text


def opened(dest: str):
    """A run_before that opens ``dest`` and waits for its figures."""
    async def open_it(pilot):
        await pilot.app.workers.wait_for_complete()
        pilot.app.action_goto(dest)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return open_it


def test_revurdering_snapshot_80x24(demo, make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=opened("revurdering"))


def test_aftaler_snapshot_80x24(demo, make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=opened("aftaler"))


def test_borgere_snapshot_80x24(demo, make_app, snap_compare):
    async def search(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.press("b", *"jens")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=search)


def test_puljer_footer_snapshot_80x24(demo, make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=opened("puljer"))
