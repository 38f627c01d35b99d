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
import threading
from pathlib import Path

from peewee import SqliteDatabase
from playhouse.migrations import Runner

from .base import BUSY_MESSAGE, DomainError, db, set_write_gate

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Measured (DESIGN.md): WAL + BEGIN IMMEDIATE + a 15 s busy timeout loses nothing
# with 20 writers; 5 s gets "database is locked" under saturation.
BUSY_TIMEOUT_S = 15
GATE_TIMEOUT_S = BUSY_TIMEOUT_S  # the longest a writer queues at the write gate
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -16000,
}


def make_database(path: str) -> SqliteDatabase:
    pragmas = {**PRAGMAS, "busy_timeout": int(BUSY_TIMEOUT_S * 1000)}
    return SqliteDatabase(path, pragmas=pragmas, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE")


def _wait_for_lock(fd: int, timeout: float) -> bool:
    """Block on the gate's lock for at most ``timeout`` seconds; True when it is ours.

    ``flock`` has no timeout, so a helper thread does the blocking wait (the
    kernel still wakes the next writer the moment the lock is free). If the
    wait times out, the helper owns ``fd`` from then on: it closes it (and so
    releases the lock) whenever the lock finally comes, or never, if the holder
    never lets go (a process stopped with ``kill -STOP``).
    """
    import fcntl

    got = threading.Event()
    guard = threading.Lock()
    abandoned = False

    def take() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass
        with guard:
            got.set()
            if abandoned:
                os.close(fd)

    threading.Thread(target=take, name="cirkel-write-gate", daemon=True).start()
    got.wait(timeout)
    with guard:
        if got.is_set():
            return True
        abandoned = True
        return False


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
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not _wait_for_lock(fd, GATE_TIMEOUT_S):
                raise DomainError(BUSY_MESSAGE) from None  # the helper thread now owns fd
        try:
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


@contextlib.contextmanager
def search_index_paused(wanted: bool = True):
    """Inside a write transaction: pause the trigger that indexes each new citizen's name.

    Run by a bulk insert of citizens (the import): the trigger costs ~50 µs a
    row (0.7 s of write lock for 15,000 citizens), one ``executemany`` into the
    index ~2 µs. Yields a function that indexes ``(id, name)`` pairs, or None
    when there is nothing to pause (then the trigger indexes as usual). The
    trigger is dropped and re-created inside the caller's transaction, so a
    rollback restores it with everything else.
    """
    trigger = "citizen_fts_insert"
    row = None
    if wanted and isinstance(db.obj, SqliteDatabase) and db.transaction_depth() > 0:
        row = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                             (trigger,)).fetchone()
    if row is None:
        yield None
        return
    db.execute_sql(f'DROP TRIGGER "{trigger}"')

    def index(pairs) -> None:
        db.cursor().executemany("INSERT INTO citizen_fts(rowid, name) VALUES (?, ?)", pairs)

    try:
        yield index
    finally:
        db.execute_sql(row[0])


def close_database() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    set_write_gate(None)
