"""TUI tests: no write transaction may start on the event loop.

Screens run every operation through the runner (screens/base.py), in a thread
worker. The watcher below is told about every outermost write transaction;
one that starts on the main thread (where the App's event loop runs in these
tests) from the App's or a screen's code — a frame of screens/ or cirkel_tui/,
or Textual handling a message or an event — is recorded, and the test fails.
Writes made by the test body itself (to set up a case) are not the App's and pass.
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
import textual

from models import base

ROOT = Path(__file__).resolve().parents[2]
APP_CODE = tuple(str(ROOT / folder) + "/" for folder in ("screens", "cirkel_tui"))
DISPATCH = str(Path(textual.__file__).parent / "message_pump.py")


def _app_frame() -> str | None:
    """Where the App's code on this stack starts the write, if it is the App's."""
    frame = sys._getframe(2)
    caller = None
    while frame is not None:
        name = frame.f_code.co_filename
        if caller is None and not name.startswith(str(ROOT / "models")) and "contextlib" not in name:
            caller = f"{name.removeprefix(str(ROOT) + '/')}:{frame.f_lineno} in {frame.f_code.co_name}"
        if name.startswith(APP_CODE) or (name == DISPATCH and frame.f_code.co_name == "_dispatch_message"):
            return caller
        frame = frame.f_back
    return None


@pytest.fixture(autouse=True)
def no_writes_on_the_event_loop():
    found: list[str] = []

    def watch() -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        where = _app_frame()
        if where is not None:
            found.append(where)
            raise AssertionError(f"a write transaction started on the event loop: {where}")

    base.set_write_watcher(watch)
    yield found
    base.set_write_watcher(None)
    assert not found, f"write transactions started on the event loop: {found}"


@pytest.fixture(autouse=True)
def truecolour(monkeypatch):
    """The App sees a truecolour terminal whatever TERM the tests run under (TERM=xterm alone would make it
    choose its 16-colour themes, issue #15); tests of 16 colours ask for them (tests/tui/test_colours16.py)."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")


async def tables_measured(pilot) -> None:
    """Wait until every DataTable on the screen has measured its rows' column widths and repainted.

    A DataTable measures new rows when it is next idle and only then repaints its
    header with the new widths; a snapshot taken between the two shows the header
    drawn with the old widths (it happened now and then under load).
    """
    from textual.widgets import DataTable

    def every_table() -> list:  # the screens below a dialog are in the snapshot too
        return [table for screen in pilot.app.screen_stack for table in screen.query(DataTable)]

    for _ in range(100):
        tables = every_table()
        if not any(t._require_update_dimensions or t._updated_cells for t in tables):
            break
        await pilot.pause(0.02)
    for table in every_table():
        table.refresh()
    for _ in range(3):
        await pilot.pause(0.05)


@pytest.fixture
def snap_compare(snap_compare):
    """pytest-textual-snapshot's snap_compare, with every snapshot taken once the tables are measured."""

    def compare(app, press=(), terminal_size=(80, 24), run_before=None):
        async def before(pilot):
            if run_before is not None:
                result = run_before(pilot)
                if result is not None:
                    await result
            await tables_measured(pilot)

        return snap_compare(app, press=press, terminal_size=terminal_size, run_before=before)

    return compare
