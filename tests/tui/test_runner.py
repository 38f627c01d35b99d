"""The runner (screens/base.py): operations off the event loop, refusals at the field,
failures logged and told, and the App's one handler for every worker."""
from __future__ import annotations

import logging
import threading

import pytest
from textual import work
from textual.app import App, ComposeResult
from textual.widgets import Static
from textual.worker import WorkerFailed

from models.base import DomainError
from screens.base import CirkelScreen


class Probe(CirkelScreen):
    """A screen with a form of one field, ``amount``."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list = []
        self.errors: list = []
        self.shown: list = []

    def compose(self) -> ComposeResult:
        yield Static("Henter tal …", id="status")

    def show_error(self, message: str, field: str | None) -> bool:
        if field != "amount":
            return False
        self.shown.append((field, message))
        return True


class ProbeApp(App):
    def on_mount(self) -> None:
        self.push_screen(Probe())


def _threads():
    main = threading.get_ident()
    seen = {}

    def op(value, *, twice=False):
        seen["op"] = threading.get_ident() != main
        return value * (2 if twice else 1)

    return main, seen, op


async def test_an_operation_runs_in_a_thread_and_its_result_comes_back_on_the_ui_thread():
    app = ProbeApp()
    main, seen, op = _threads()
    async with app.run_test() as pilot:
        screen = app.screen

        def done(result):
            seen["done"] = threading.get_ident() == main
            screen.results.append(result)

        screen.run_operation(op, 21, twice=True, on_done=done, description="Prøve")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.results == [42]
        assert seen == {"op": True, "done": True}


async def test_a_refusal_goes_to_the_field_it_names_else_to_a_notification():
    app = ProbeApp()
    async with app.run_test() as pilot:
        screen = app.screen

        def refuse(field):
            raise DomainError(f"Nej til {field}", field=field)

        screen.run_operation(refuse, "amount", on_error=screen.errors.append)
        screen.run_operation(refuse, "other", on_error=screen.errors.append)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.shown == [("amount", "Nej til amount")]
        assert [n.message for n in app._notifications] == ["Nej til other"]
        assert [str(e) for e in screen.errors] == ["Nej til amount", "Nej til other"]


async def test_an_unexpected_error_is_logged_with_its_traceback_and_told_in_one_line(caplog):
    app = ProbeApp()
    async with app.run_test() as pilot:
        screen = app.screen

        def explode():
            raise RuntimeError("boom 0101451235")

        with caplog.at_level(logging.ERROR):
            screen.run_read(explode, on_done=screen.results.append, status="#status", description="Henter tal")
            await app.workers.wait_for_complete()
            await pilot.pause()
        status = str(screen.query_one("#status", Static).render())
        assert "Henter tal …" not in status and "cirkel.log" in status
        [note] = list(app._notifications)
        assert "Henter tal" in note.message and "0101451235" not in note.message
        [record] = [r for r in caplog.records if r.exc_info]
        assert record.exc_info[0] is RuntimeError
        assert screen.results == []


async def test_a_newer_read_replaces_an_older_one():
    app = ProbeApp()
    gate = threading.Event()
    async with app.run_test() as pilot:
        screen = app.screen

        def slow(value):
            gate.wait(5)
            return value

        screen.run_read(slow, "old", on_done=screen.results.append, group="slow")
        screen.run_read(lambda: "new", on_done=screen.results.append, group="slow")
        await pilot.pause()
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.results == ["new"]


async def test_a_failing_read_on_the_dashboard_is_shown_and_logged(demo, make_app, monkeypatch, caplog):
    import screens.dashboard

    def broken():
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(screens.dashboard, "dashboard", broken)
    app = make_app()
    with caplog.at_level(logging.ERROR):
        async with app.run_test(size=(120, 36)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            status = str(app.screen.query_one("#dashboard-status", Static).render())
            assert "Henter tal" not in status
            assert "Uventet fejl under »Henter overblik«" in status
            assert any("Henter overblik" in n.message for n in app._notifications)
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)


async def test_the_app_reports_any_worker_that_fails(demo, make_app, caplog):
    """Not only the runner's: a bare @work worker that raises is logged and told, never silent."""
    from textual.widgets import Label

    class Careless(Label):
        @work(thread=True, exit_on_error=False, description="Henter noget")
        def fetch(self) -> None:
            raise ValueError("oops")

    app = make_app()
    with caplog.at_level(logging.ERROR):
        async with app.run_test(size=(120, 36)) as pilot:
            widget = Careless("x")
            await app.screen.mount(widget)
            worker = widget.fetch()
            with pytest.raises(WorkerFailed):
                await worker.wait()
            await pilot.pause()
            assert any("Henter noget" in n.message and "cirkel.log" in n.message for n in app._notifications)
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)


async def test_a_write_on_the_event_loop_is_caught(demo, make_app, no_writes_on_the_event_loop):
    """The guard of every TUI test: an operation called on the event loop is recorded (and the test would fail)."""
    from textual.binding import Binding

    from cirkel_tui.app import CirkelApp
    from models.catalogue import create_offer

    class Careless(CirkelApp):
        BINDINGS = CirkelApp.BINDINGS + [Binding("ctrl+x", "careless")]

        def action_careless(self):
            create_offer(self.actor, name="Skrivt på hovedtråden", category="andet", suggested_clips=1)

    app = Careless(actor_id=make_app().actor_id, db_path=make_app().db_path)
    with pytest.raises(AssertionError, match="event loop"):
        async with app.run_test() as pilot:
            await pilot.press("ctrl+x")
            await pilot.pause()
    assert no_writes_on_the_event_loop and "action_careless" in no_writes_on_the_event_loop[0]
    no_writes_on_the_event_loop.clear()  # caught on purpose
