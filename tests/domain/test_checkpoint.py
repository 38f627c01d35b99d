"""Issue #17: the WAL is checkpointed beside the write gate, not inside a COMMIT behind it."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from models import store
from models.base import db, now, write_transaction
from models.entities import AuditLog

pytestmark = pytest.mark.sqlite_only

# Read in another process: closing a descriptor of the -shm file drops the SQLite locks of the
# process that closes it, so the tests (like Cirkel) never open it where a connection is open.
BACKLOG = ("import struct, sys\n"
           "h = open(sys.argv[1] + '-shm', 'rb').read(100)\n"
           "print(struct.unpack_from('=I', h, 16)[0] - struct.unpack_from('=I', h, 96)[0])\n")


def _backlog(path: str) -> int:
    """Frames in the WAL not yet copied into the database (the WAL index's mxFrame - nBackfill)."""
    result = subprocess.run([sys.executable, "-c", BACKLOG, path], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def _write(n: int, actor) -> None:
    """``n`` write transactions of a row of ~3 kB each (about a page of the WAL each)."""
    for i in range(n):
        with write_transaction():
            AuditLog.create(at=now(), actor=actor, operation="test", entity="x", entity_id=str(i), after="x" * 3000)


def test_sqlite_checkpoints_itself_only_as_a_safety_net(database):
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == store.PRAGMAS["wal_autocheckpoint"] == 10_000


def test_the_wal_is_copied_into_the_database_after_the_writes(database, db_path, admin, monkeypatch):
    monkeypatch.setattr(store, "_checkpoint", lambda path: None)  # none made while the WAL grows
    monkeypatch.setattr(store, "CHECKPOINT_EVERY_S", 10**6)
    store._last_ask[db_path] = time.monotonic()  # asked just now: the writes ask nothing
    _write(40, admin)
    assert _backlog(db_path) >= 40
    monkeypatch.undo()
    monkeypatch.setattr(store, "CHECKPOINT_EVERY_S", 0.0)
    _write(1, admin)  # asks: the thread copies the WAL in, soon, while this test goes on
    deadline = time.monotonic() + 20
    while _backlog(db_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _backlog(db_path) == 0
    assert AuditLog.select().where(AuditLog.operation == "test").count() == 41


def test_a_closed_database_is_not_checkpointed_any_more(database, db_path, admin, monkeypatch):
    monkeypatch.setattr(store, "CHECKPOINT_EVERY_S", 0.0)
    with store._checkpoint_wake:  # the thread cannot take the ask meanwhile
        _write(1, admin)
        assert db_path in store._checkpoint_asks
        store.close_database()
        assert db_path not in store._checkpoint_asks and db_path not in store._last_ask
