"""SVG snapshots of the dashboard and the help screen (demo data as of a fixed day)."""
from __future__ import annotations


async def settle(pilot):
    """Wait until the dashboard shows its figures (the worker's message is handled)."""
    from textual.widgets import Static

    for _ in range(100):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        status = pilot.app.screen.query_one("#dashboard-status", Static)
        if "Henter" not in str(status.render()):
            break
    # the tables' column widths and header repaint: the snap_compare of tests/tui/conftest.py waits for them


def test_dashboard_snapshot(demo, make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=settle)


def test_dashboard_snapshot_80x24(demo, make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=settle)


def test_help_snapshot(demo, make_app, snap_compare):
    async def open_help(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=open_help)
