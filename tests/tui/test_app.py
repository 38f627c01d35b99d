"""Pilot tests of the app shell: dashboard, help, palette, themes, navigation."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable

from cirkel_tui.app import CirkelApp
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
        from models.dashboard import next_events

        events = app.screen.query_one("#events", DataTable)
        from models.entities import Event

        coming = next_events()
        planned = Event.select().where((Event.status == "planned") & Event.programme.is_null()).count()
        assert coming and len(coming) == min(5, planned)  # the demo plans outings three months ahead
        assert [str(events.get_row_at(i)[1]) for i in range(events.row_count)] == [e.title for e in coming]


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
    async with app.run_test(size=(120, 36)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles
        assert all(d.title in titles for d in DESTINATIONS)
        import os

        before = set(os.listdir("."))
        app.action_screenshot()  # refused (a screenshot would put names and CPR numbers on disk)
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Skærmbilleder er slået fra (personoplysninger)."]
        assert set(os.listdir(".")) == before


async def test_theme_toggles_between_light_and_dark(demo, make_app):
    app = make_app()
    async with app.run_test() as pilot:
        first = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != first
        await pilot.press("ctrl+t")
        assert app.theme == first


async def test_every_destination_opens_with_its_content_loaded(demo, make_app):
    """Each destination's screen, its figures read (no "Henter …" left), no error told."""
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        for dest in DESTINATIONS:
            app.action_goto(dest.id)
            for _ in range(3):  # a read may start the next (e.g. the districts, then the list)
                await app.workers.wait_for_complete()
                await pilot.pause()
            assert app.current_mode == dest.id
            assert isinstance(app.screen, dest.factory())
            texts = [str(w.render()) for w in app.screen.query(Static) if w.display]
            assert not [t for t in texts if t.startswith("Henter")], (dest.id, texts)
            tables = [t for t in app.screen.query(DataTable) if t.display]
            if dest.id not in ("borgere", "screening", "eksport", "import"):  # forms, and a search as you type
                assert tables and any(t.row_count for t in tables), dest.id
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_an_unexpected_error_is_logged_not_shown(demo, me, db_path, capsys):
    import logging

    import pytest
    from textual.binding import Binding

    from cirkel_tui.app import CirkelApp
    from cirkel_tui.cli import setup_logging
    from cirkel_tui.config import log_path
    from models.staff import require_staff

    class Exploding(CirkelApp):
        BINDINGS = CirkelApp.BINDINGS + [Binding("ctrl+x", "explode")]

        def action_explode(self):
            secret = "0101451235"  # noqa: F841 - a local Textual's own traceback would show
            raise RuntimeError("boom")

    setup_logging()
    app = Exploding(actor_id=require_staff(me).id, db_path=db_path)
    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press("ctrl+x")
            await pilot.pause()
    logging.shutdown()
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert "0101451235" not in out.out + out.err
    text = log_path().read_text(encoding="utf-8")
    assert "RuntimeError: boom" in text and "Traceback" in text
    assert "0101451235" not in text  # the log has the traceback, not local variables
    assert app.return_code == 1


async def test_dashboard_points_to_free_places_for_those_waiting(demo, make_app):
    from textual.widgets import Static

    from models.pools import pool_figures

    expected = [p.district for p in pool_figures(2026) if p.places and p.waitlist]
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#dashboard-status", Static).render())
    if expected:
        assert "Plads ledig til ventende" in status and all(name in status for name in expected)
    else:
        assert "Plads ledig" not in status


# issue #17 item 4 (screens): a fresh screen skips Textual's whole-stylesheet refresh, yet shows the current theme
async def test_a_fresh_screen_and_a_background_screen_show_the_current_theme(demo, make_app):
    from textual.widgets import Footer

    from cirkel_tui.app import DARK, LIGHT

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.styles.background.hex.upper() == DARK.background.upper()
        await pilot.press("ctrl+t")  # on Overblik; Borgere (not made yet) opens fresh, in the light theme
        await pilot.pause()
        app.action_goto("borgere")
        await pilot.pause()
        assert app.current_mode == "borgere"
        assert app.screen.styles.background.hex.upper() == LIGHT.background.upper()
        footer_light = app.screen.query_one(Footer).styles.background
        await pilot.press("ctrl+t")  # back to dark on Borgere; Overblik, in the background, follows when shown
        await pilot.pause()
        app.action_goto("overblik")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.styles.background.hex.upper() == DARK.background.upper()
        assert app.screen.query_one(Footer).styles.background != footer_light


@pytest.mark.parametrize(("dest", "read"), [
    ("overblik", "dashboard"),
    ("puljer", "pools_overview"),
    ("distrikter", "list_districts"),
    ("faellesture", "events_overview"),
    ("medarbejdere", "staff_lines"),
])
async def test_a_screen_reads_its_figures_once_when_opened_and_again_when_shown_again(
        demo, make_app, monkeypatch, dest, read):
    """Switching to a fresh mode posts two ScreenResumes (Textual); the screen handles one, and starts
    its read there only (not in on_mount too): one read per showing, not three (a replaced read's
    query still runs in its thread)."""
    from screens.base import RunsOperations, _name

    real = RunsOperations.run_read
    started = []

    def counted(self, fn, *args, **kwargs):
        started.append(_name(fn))
        return real(self, fn, *args, **kwargs)

    monkeypatch.setattr(RunsOperations, "run_read", counted)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        other = "borgere"
        app.action_goto(other)
        await pilot.pause()
        started.clear()
        if dest == "overblik":  # made at start: a fresh one, as for the others
            await app.remove_mode("overblik")
            app.add_mode("overblik", CirkelApp.MODES["overblik"])
        app.action_goto(dest)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current_mode == dest
        assert started.count(read) == 1, started
        app.action_goto(other)
        await pilot.pause()
        app.action_goto(dest)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert started.count(read) == 2, started


async def test_the_footer_is_remade_once_while_a_screen_opens_and_again_when_its_keys_change(demo, make_app,
                                                                                            monkeypatch):
    """Textual tells the footer of every focus change, suspend and resume (it re-made its keys four to
    six times while a screen opened); a Cirkel screen tells it only when the keys it shows change."""
    from textual.binding import Binding
    from textual.widgets import Button, Footer

    from screens.base import CirkelScreen

    remade = []
    real = Footer.recompose

    async def counted(self):
        remade.append(type(self.screen).__name__)
        await real(self)

    monkeypatch.setattr(Footer, "recompose", counted)

    class Keys(CirkelScreen):
        BINDINGS = [Binding("x", "thing", "Ting")]
        allowed = True

        def compose(self):
            yield Button("1", id="one")
            yield Button("2", id="two")
            yield Footer()

        def on_mount(self) -> None:
            self.query_one("#two", Button).focus()  # a second focus change while opening

        def check_action(self, action, parameters):
            return self.allowed if action == "thing" else True

        def action_thing(self) -> None:
            pass

    def shown(screen) -> list[str]:
        return [str(key.description) for key in screen.query_one(Footer).children if hasattr(key, "description")]

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        remade.clear()
        screen = Keys()
        await app.push_screen(screen)
        await pilot.pause(0.1)
        assert remade == ["Keys"]
        assert "Ting" in shown(screen)
        screen.query_one("#one", Button).focus()  # the same keys: nothing re-made
        await pilot.pause(0.1)
        assert remade == ["Keys"]
        screen.allowed = False  # a key goes: the footer follows
        screen.refresh_bindings()
        await pilot.pause(0.1)
        assert "Ting" not in shown(screen)
        screen.allowed = True
        screen.refresh_bindings()
        await pilot.pause(0.1)
        assert "Ting" in shown(screen)
        assert len(remade) == 3
