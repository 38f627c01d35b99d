"""Opening the store: SQLite in WAL mode, migrations on start, online backup.

The SQLite-specific parts (pragmas, the online backup) live here, one small
function each, so the domain operations stay portable peewee expressions.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import os
import sqlite3
from pathlib import Path

from peewee import SqliteDatabase
from playhouse.migrations import Runner

from .base import DomainError, db, set_write_gate

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Measured (DESIGN.md): WAL + BEGIN IMMEDIATE + a 15 s busy timeout loses nothing
# with 20 writers; 5 s gets "database is locked" under saturation.
BUSY_TIMEOUT_S = 15
PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -16000,
    "secure_delete": 1,  # issue #12: deleted personal data is overwritten in the file, not just unlinked
}


def make_database(path: str) -> SqliteDatabase:
    return SqliteDatabase(path, pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE")


def write_gate(path: str):
    """A fair queue for the writers of one database file: an exclusive ``flock`` on ``<db>.lock``.

    Every outermost write transaction runs inside it (``models.base.write_transaction``).
    A waiting writer is woken by the kernel as soon as the lock is free, instead of
    SQLite's sleeping retries; a crashed writer's lock goes with its process. SQLite's
    own locking still guarantees correctness; this only orders the queue.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: SQLite's busy handler alone
        return None
    lock_path = f"{path}.lock"

    @contextlib.contextmanager
    def gate():
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o660)
        except OSError:  # a read-only directory: SQLite's busy handler alone
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    return gate


def _runner(database: SqliteDatabase) -> Runner:
    return Runner(database, str(MIGRATIONS_DIR))


def schema_status(database: SqliteDatabase) -> tuple[list[str], list[str]]:
    """(pending migrations, applied migrations this program does not know)."""
    status = _runner(database).status()
    pending = [m.name for m in status if m.applied is None]
    unknown = [m.name for m in status if m.path is None]
    return pending, unknown


def open_database(path: str, *, migrate: bool = True) -> SqliteDatabase:
    """Open (creating if needed) the database at ``path`` and bind the models to it.

    Pending migrations are applied after an automatic backup of an existing
    database. A database written by a newer Cirkel is refused.
    """
    if path != ":memory:":
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    database = make_database(path)
    try:
        database.connect(reuse_if_open=True)
    except Exception as exc:  # peewee wraps sqlite3 errors
        raise DomainError(f"Kan ikke åbne databasen {path}: {exc}") from None
    db.initialize(database)
    set_write_gate(write_gate(path) if path != ":memory:" else None)
    if migrate:
        migrate_database(database, path)
    return database


def migrate_database(database: SqliteDatabase, path: str) -> list[str]:
    pending, unknown = schema_status(database)
    if unknown:
        raise DomainError(
            "Databasen er lavet af en nyere version af Cirkel "
            f"(ukendte ændringer: {', '.join(unknown)}). Opdatér programmet.")
    if not pending:
        return []
    has_tables = bool(database.get_tables())
    if has_tables and path != ":memory:":
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        dest = f"{path}.before-{pending[0]}-{stamp}.bak"
        backup(database, dest)
        log.info("backup before migration written to %s", dest)
    applied = _runner(database).up()
    log.info("applied migrations: %s", ", ".join(applied))
    return applied


def backup(database: SqliteDatabase, dest: str) -> None:
    """A consistent copy via SQLite's online backup, while others keep working."""
    target = sqlite3.connect(dest)
    try:
        with target:
            database.connection().backup(target, pages=1024, sleep=0.005)
    finally:
        target.close()


def close_database() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    set_write_gate(None)
