"""Issue #17: the WAL is checkpointed beside the write gate, not inside a COMMIT behind it."""
from __future__ import annotations

import time

import pytest

from models import store
from models.base import db, now, write_transaction
from models.entities import AuditLog

pytestmark = pytest.mark.sqlite_only


def _write(n: int, actor) -> None:
    """``n`` write transactions of a row of ~3 kB each (about a page of the WAL each)."""
    for i in range(n):
        with write_transaction():
            AuditLog.create(at=now(), actor=actor, operation="test", entity="x", entity_id=str(i), after="x" * 3000)


def test_sqlite_leaves_the_checkpoint_to_cirkel(database, db_path):
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == store.PRAGMAS["wal_autocheckpoint"]
    assert store.PRAGMAS["wal_autocheckpoint"] > store.CHECKPOINT_PAGES


def test_a_long_wal_is_copied_into_the_database_after_the_write(database, db_path, admin, monkeypatch):
    monkeypatch.setattr(store, "CHECKPOINT_PAGES", 50)
    _write(60, admin)  # ~2 pages each
    deadline = time.monotonic() + 10
    while store._wal_backlog(db_path) >= 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store._wal_backlog(db_path) < 50
    assert AuditLog.select().where(AuditLog.operation == "test").count() == 60


def test_the_backlog_is_read_from_the_wal_index(database, db_path, admin, monkeypatch):
    monkeypatch.setattr(store, "CHECKPOINT_PAGES", 10**9)  # none by Cirkel while we look
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert store._wal_backlog(db_path) == 0
    _write(5, admin)
    grown = store._wal_backlog(db_path)
    assert grown >= 5
    db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
    assert store._wal_backlog(db_path) == 0
    assert store._wal_backlog(db_path + ".none") == 0
