"""Waiting for the write lock is bounded (issue #10, item 4), with real processes.

A writer stopped with ``kill -STOP`` while it holds the write gate (or SQLite's
own write lock) must not hang anybody else: after the timeout (15 s in
production, shortened here for the waiting process) every other writer gets
one Danish line, exit 1, and nothing written.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from models.base import BUSY_MESSAGE

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

HOLD_GATE = """
import sys, time
from models.store import open_database
from models.base import write_transaction
open_database(sys.argv[1])
with write_transaction():
    print("ready", flush=True)
    time.sleep(120)
"""

HOLD_SQLITE = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("ready", flush=True)
time.sleep(120)
"""

WAITER = """
import sys
import models.store as store
store.GATE_TIMEOUT_S = store.BUSY_TIMEOUT_S = 1.5
from cirkel_tui.cli import run
sys.exit(run(sys.argv[1:]))
"""


def _python(code: str, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


@pytest.fixture
def initialised(tmp_path):
    from cirkel_tui.cli import run

    path = str(tmp_path / "cirkel.db")
    assert run(["--db", path, "init"]) == 0
    from models.store import close_database

    close_database()
    return path


@pytest.mark.parametrize("holder", [HOLD_GATE, HOLD_SQLITE], ids=["gate", "sqlite-lock"])
def test_a_stopped_writer_does_not_block_the_others_forever(initialised, holder):
    import sqlite3

    child = _python(holder, initialised)
    try:
        assert child.stdout.readline().strip() == "ready"
        os.kill(child.pid, signal.SIGSTOP)
        started = time.monotonic()
        waiter = _python(WAITER, "--db", initialised, "staff", "add", "games", "--name", "Bo", "--role", "terapeut")
        out, err = waiter.communicate(timeout=60)
        took = time.monotonic() - started
        assert waiter.returncode == 1, (out, err)
        assert err.splitlines() == [f"cirkel: {BUSY_MESSAGE}"], err
        assert took < 15, f"the waiter gave up after {took:.1f} s"
    finally:
        os.kill(child.pid, signal.SIGCONT)
        child.kill()
        child.wait()
    con = sqlite3.connect(initialised)
    assert con.execute("SELECT count(*) FROM staff WHERE login = 'games'").fetchone() == (0,)
    con.close()


def test_the_next_writer_goes_on_as_soon_as_the_stopped_one_is_gone(initialised):
    child = _python(HOLD_GATE, initialised)
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGSTOP)
    waiter = _python(WAITER, "--db", initialised, "staff", "add", "games", "--name", "Bo", "--role", "terapeut")
    time.sleep(0.3)
    child.kill()  # the lock goes with its process
    child.wait()
    out, err = waiter.communicate(timeout=60)
    assert waiter.returncode == 0, err
    assert "games tilføjet" in out
