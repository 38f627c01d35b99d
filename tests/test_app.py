"""Pilot tests of the app shell: dashboard, help, palette, themes, navigation."""
from __future__ import annotations

from textual.widgets import DataTable

from cirkel_tui.help import HelpScreen
from cirkel_tui.navigation import DESTINATIONS


async def test_dashboard_shows_the_demo_districts(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#districts", DataTable)
        names = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert names == ["Hedensted", "Juelsminde", "Tørring"]
        events = app.screen.query_one("#events", DataTable)
        assert events.row_count > 0


async def test_f1_and_question_mark_open_help_listing_every_destination(demo, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        actions = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert {d.title for d in DESTINATIONS} <= actions
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_palette_lists_destinations_and_has_no_screenshot(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles
        assert all(d.title in titles for d in DESTINATIONS)
        app.action_screenshot()  # refused, writes nothing


async def test_theme_toggles_between_light_and_dark(demo, make_app):
    app = make_app()
    async with app.run_test() as pilot:
        first = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != first
        await pilot.press("ctrl+t")
        assert app.theme == first


async def test_every_destination_opens(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        for dest in DESTINATIONS:
            app.action_goto(dest.id)
            await pilot.pause()
            assert app.current_mode == dest.id
