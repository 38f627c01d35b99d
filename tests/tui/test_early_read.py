"""A screen's first read started in compose (issue #17): the runner (screens/base.py) shows its result
once, and only when the screen's widgets are mounted — whether it comes back before or after the mount."""
from __future__ import annotations

import asyncio
import threading

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from screens.base import CirkelScreen


class Early(CirkelScreen):
    """Reads in compose. ``gate``: the read ends only after the mount. ``hold``: the mount waits
    until the read has come back (its delivery is then on the event loop, before on_mount ends)."""

    def __init__(self, gate: threading.Event | None = None, hold: bool = False) -> None:
        super().__init__()
        self.gate = gate
        self.hold = hold
        self.read_back = threading.Event()
        self.shown: list[tuple[str, bool]] = []  # (result, the table had its column and on_mount had ended)
        self.shown_during_mount: list | None = None
        self.mounted = False

    def compose(self) -> ComposeResult:
        def read() -> str:
            if self.gate is not None:
                assert self.gate.wait(5)
            self.read_back.set()
            return "tal"

        self.run_read(read, on_done=self.show, description="læser")
        yield DataTable(id="table")

    async def on_mount(self) -> None:
        self.query_one(DataTable).add_column("Tal", key="n")
        if self.hold:
            for _ in range(500):
                if self.read_back.is_set():
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)  # the worker has handed its result to the event loop meanwhile
            self.shown_during_mount = list(self.shown)
        self.mounted = True
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


async def test_a_read_back_before_the_mount_waits_for_it_and_is_shown_once():
    screen = await _open(Early(hold=True))
    assert screen.read_back.is_set()
    assert screen.shown_during_mount == []  # back while on_mount ran: not shown yet
    assert screen.shown == [("tal", True)]  # then once, with the widgets there


async def test_a_read_that_ends_after_the_mount_is_shown_at_once_and_finds_the_table():
    screen = await _open(Early(gate=threading.Event()))
    assert screen.shown == [("tal", True)]


async def test_a_read_back_at_any_moment_is_shown_once_with_the_widgets_there():
    screen = await _open(Early())
    assert screen.shown == [("tal", True)]
