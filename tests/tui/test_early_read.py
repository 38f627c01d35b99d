"""A screen's first read started in compose (screens/early_read.py, issue #17): its result is shown
once, and only when the screen's widgets are there — whether it comes back before or after the mount."""
from __future__ import annotations

import threading

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from screens.base import CirkelScreen
from screens.early_read import EarlyRead


class Early(EarlyRead, CirkelScreen):
    """Reads in compose; ``gate`` (when given) holds the read until the screen has mounted."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        super().__init__()
        self.gate = gate
        self.shown: list[tuple[str, bool]] = []  # (result, the table had its column)
        self.mounted = False

    def compose(self) -> ComposeResult:
        def read() -> str:
            if self.gate is not None:
                assert self.gate.wait(5)
            return "tal"

        self.early_read(read, on_done=self.show, description="læser")
        yield DataTable(id="table")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_column("Tal", key="n")
        self.mounted = True
        self.early_read_ready()
        if self.gate is not None:
            self.gate.set()  # the read ends only now: after the mount

    def show(self, result: str) -> None:
        table = self.query_one(DataTable)
        self.shown.append((result, bool(table.columns) and self.mounted))
        table.add_row(result)


async def _open(screen: Early) -> Early:
    app = App()
    async with app.run_test() as pilot:
        await app.push_screen(screen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one(DataTable).row_count == 1
    return screen


class Recorded(EarlyRead):
    """EarlyRead over a runner that only keeps the ``on_done`` it is given (the worker's delivery is
    then called by the test, at the moment it chooses)."""

    def __init__(self) -> None:
        self.deliver = None
        self.shown: list[str] = []

    def run_read(self, fn, *, on_done, **runner):
        self.deliver = on_done


def test_a_read_back_before_the_mount_is_kept_and_shown_once_when_the_widgets_are_there():
    screen = Recorded()
    screen.early_read(lambda: "tal", on_done=screen.shown.append)
    screen.deliver("tal")  # back while the widgets are still being mounted
    assert screen.shown == []
    screen.early_read_ready()  # the end of on_mount
    assert screen.shown == ["tal"]
    screen.early_read_ready()
    assert screen.shown == ["tal"]  # once


def test_a_read_back_after_the_mount_is_shown_at_once_and_what_on_done_returns_is_passed_on():
    screen = Recorded()
    screen.early_read(lambda: "tal", on_done=lambda result: screen.shown.append(result) or "vist")
    assert screen.early_read_ready() is None  # nothing back yet
    assert screen.deliver("tal") == "vist"  # a coroutine from on_done reaches the runner, which awaits it
    assert screen.shown == ["tal"]


async def test_in_a_running_app_a_read_that_ends_after_the_mount_finds_the_table():
    screen = await _open(Early(gate=threading.Event()))
    assert screen.shown == [("tal", True)]
