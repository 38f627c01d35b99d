"""Issue #17, the start: the dashboard's figures read while Textual is imported (cirkel_tui/read_ahead.py)."""
from __future__ import annotations

import logging
import threading

from textual.widgets import DataTable, Static

import screens.dashboard
from cirkel_tui.read_ahead import ReadAhead
from models.dashboard import dashboard


def _districts(app) -> list[str]:
    table = app.screen.query_one("#districts", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def _status(app) -> str:
    return str(app.screen.query_one("#dashboard-status", Static).render())


def _counted(monkeypatch):
    """The dashboard's read as the screen calls it, counting its calls."""
    calls = []

    def read(*args, **kwargs):
        calls.append(threading.current_thread().name)
        return dashboard(*args, **kwargs)

    read.__name__ = "dashboard"
    monkeypatch.setattr(screens.dashboard, "dashboard", read)
    return read, calls


async def test_a_finished_read_ahead_is_shown_at_mount_and_g_reads_afresh(demo, make_app, admin, monkeypatch):
    from models.budget import add_district

    read, calls = _counted(monkeypatch)
    ahead = ReadAhead(read)
    assert ahead.wait(30)
    add_district(admin, "Årup", 1200)  # after the read ahead: only a fresh read shows it
    app = make_app()
    app.read_ahead = ahead
    async with app.run_test(size=(120, 36)) as pilot:
        # shown on mount from the read ahead, before any worker of the screen has run
        assert _districts(app) == ["Hedensted", "Juelsminde", "Tørring"]
        assert "Henter tal" not in _status(app)
        assert calls == ["read-ahead-dashboard"]
        await app.workers.wait_for_complete()
        await pilot.press("g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _districts(app) == ["Hedensted", "Juelsminde", "Tørring", "Årup"]
        assert len(calls) == 2 and calls[1] != "read-ahead-dashboard"
        assert ahead.take(read) is None  # taken once only


async def test_the_dashboard_with_a_read_ahead_shows_what_it_shows_without(demo, make_app):
    async def seen(read_ahead) -> tuple:
        app = make_app()
        app.read_ahead = read_ahead
        async with app.run_test(size=(120, 36)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            tables = [[[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
                      for table in app.screen.query(DataTable)]
            title = str(app.screen.query_one("#pools-title", Static).render())
            return tables, title, _status(app)

    without = await seen(None)
    ahead = ReadAhead(dashboard)
    assert ahead.wait(30)
    assert await seen(ahead) == without
    assert without[0][0] and "Henter tal" not in without[2]


async def test_a_read_ahead_still_running_is_waited_for_in_the_worker(demo, make_app, monkeypatch):
    release = threading.Event()
    read, calls = _counted(monkeypatch)

    def slow():
        assert release.wait(30)
        return read()

    slow.__name__ = "dashboard"
    monkeypatch.setattr(screens.dashboard, "dashboard", slow)
    ahead = ReadAhead(slow)
    app = make_app()
    app.read_ahead = ahead
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert _status(app) == "Henter tal …"  # the event loop is not waiting for the read
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _districts(app) == ["Hedensted", "Juelsminde", "Tørring"]
        assert calls == ["read-ahead-dashboard"]  # one read: the worker waited for the read ahead


async def test_a_failed_read_ahead_is_read_again_and_logged(demo, make_app, monkeypatch, caplog):
    calls = []

    def flaky():  # fails in the read ahead, works when read again
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            raise RuntimeError("disk hiccup")
        return dashboard()

    flaky.__name__ = "dashboard"
    monkeypatch.setattr(screens.dashboard, "dashboard", flaky)
    ahead = ReadAhead(flaky)
    assert ahead.wait(30)
    app = make_app()
    app.read_ahead = ahead
    with caplog.at_level(logging.WARNING, logger="cirkel_tui.read_ahead"):
        async with app.run_test(size=(120, 36)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert _districts(app) == ["Hedensted", "Juelsminde", "Tørring"]
            assert not app._notifications
    assert len(calls) == 2 and calls[0] == "read-ahead-dashboard" and calls[1] != calls[0]
    [record] = [r for r in caplog.records if r.name == "cirkel_tui.read_ahead"]
    assert record.exc_info and "RuntimeError: disk hiccup" in caplog.text


async def test_a_read_ahead_failing_while_waited_for_is_told_like_a_failed_read(demo, make_app, monkeypatch):
    release = threading.Event()

    def failing():
        assert release.wait(30)
        raise RuntimeError("boom")

    failing.__name__ = "dashboard"
    monkeypatch.setattr(screens.dashboard, "dashboard", failing)
    app = make_app()
    app.read_ahead = ReadAhead(failing)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Uventet fejl under »Henter overblik«" in _status(app) and "g eller F5" in _status(app)
        assert any("Henter overblik" in n.message for n in app._notifications)


def test_the_tui_start_reads_the_dashboard_ahead(demo, db_path, monkeypatch):
    from cirkel_tui import cli
    from cirkel_tui.app import CirkelApp
    from models.store import close_database

    close_database()
    started = []
    monkeypatch.setattr(CirkelApp, "run", lambda self: started.append(self))
    assert cli.run(["--db", db_path]) == 0
    [app] = started
    assert app.read_ahead.fn is dashboard
    assert app.read_ahead.wait(30)
    done, board = app.read_ahead.take_finished(dashboard)
    assert done and [line.pool.district for line in board.districts] == ["Hedensted", "Juelsminde", "Tørring"]
