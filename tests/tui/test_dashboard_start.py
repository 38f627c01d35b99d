"""Issue #17, the start: the dashboard's first showing styles its widgets once, with the width's class."""
from __future__ import annotations

from textual.dom import DOMNode
from textual.widgets import DataTable

from screens.dashboard import DashboardScreen


async def test_the_dashboard_has_its_width_class_from_the_start_and_follows_a_resize(demo, make_app, monkeypatch):
    seen = []
    compose = DashboardScreen.compose

    def composing(self):
        seen.append(set(self.classes) & {"-narrow", "-wide"})
        return compose(self)

    monkeypatch.setattr(DashboardScreen, "compose", composing)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        assert seen == [{"-narrow"}]
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert {"-narrow", "-wide"} & set(app.screen.classes) == {"-wide"}
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert {"-narrow", "-wide"} & set(app.screen.classes) == {"-narrow"}


async def test_the_first_showing_restyles_no_whole_screen_but_a_return_does(demo, make_app, monkeypatch):
    restyled = []
    update = DOMNode.update_node_styles

    def counting(self, animate: bool = True) -> None:
        if isinstance(self, DashboardScreen):
            restyled.append(self)
        update(self, animate)

    monkeypatch.setattr(DOMNode, "update_node_styles", counting)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert restyled == []  # styled once, as its widgets were mounted
        assert app.screen.query_one("#districts", DataTable).row_count == 3
        app.action_goto("borgere")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert restyled == []
        app.action_goto("overblik")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert restyled  # coming back it is restyled, as Textual does for every screen shown again


async def test_the_collector_paused_for_the_start_is_on_again_once_the_first_frame_is_drawn(demo, make_app):
    import gc

    app = make_app()
    gc.disable()  # as cirkel_tui/start.py does
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # the start's objects, out of the collector's way
    finally:
        gc.unfreeze()
        gc.enable()


async def test_a_test_app_leaves_the_collector_alone(demo, make_app):
    import gc

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_command_runs_with_the_collector_on(demo, db_path, capsys):
    import gc

    from cirkel_tui import cli
    from models.store import close_database

    close_database()
    gc.disable()  # as cirkel_tui/start.py does
    try:
        assert cli.run(["--db", db_path, "staff", "list"]) == 0
        assert gc.isenabled()
    finally:
        gc.enable()
    assert "Test Administrator" in capsys.readouterr().out


def test_the_cirkel_command_and_python_m_start_the_same_way_with_the_collector_paused(monkeypatch):
    """The ``cirkel`` console script and ``python -m cirkel_tui`` both go through cirkel_tui.start, which
    pauses the collector before the CLI (and the TUI it starts) is imported."""
    import gc
    import tomllib
    from pathlib import Path

    from cirkel_tui import cli, start

    root = Path(__file__).resolve().parents[2]
    scripts = tomllib.loads((root / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["cirkel"] == "cirkel_tui.start:main"
    assert "from .start import main" in (root / "cirkel_tui" / "__main__.py").read_text()
    seen = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.isenabled()))
    try:
        start.main()
    finally:
        gc.enable()
    assert seen == [False]
