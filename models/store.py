"""Opening the store: SQLite in WAL mode, migrations on start, online backup.

The SQLite-specific parts (pragmas, the online backup) live here, one small
function each, so the domain operations stay portable peewee expressions.
"""
from __future__ import annotations

import contextlib
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

# Measured (docs/architecture.md, the store): WAL + BEGIN IMMEDIATE + a 15 s busy timeout loses nothing
# with 20 writers; 5 s gets "database is locked" under saturation.
BUSY_TIMEOUT_S = 15
GATE_TIMEOUT_S = BUSY_TIMEOUT_S  # the longest a writer queues at the write gate
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -16000,
    "secure_delete": 1,  # issue #12: deleted personal data is overwritten in the file, not just unlinked
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


SQLITE_MAGIC = b"SQLite format 3\x00"


def _no_database(path: str) -> DomainError:
    return DomainError(f"Der er ingen Cirkel-database i {path}. Opret en med 'cirkel --db {path} init' "
                       "(eller prøv demoen: 'cirkel --demo'), eller peg på den rigtige med --db PATH eller "
                       "CIRKEL_DB.")


def check_database_file(path: str, *, create: bool) -> None:
    """Refuse, with one Danish line, a path Cirkel must not open (issue #10, items 8 and 9).

    Only ``init``, ``demo`` and ``--demo`` create a database (``create``);
    everything else needs an existing SQLite file there. A file or directory
    Cirkel cannot write is refused before SQLite touches it, so no ``-wal`` or
    ``-shm`` is left behind that would keep the database unwritable later.
    """
    target = Path(path).expanduser()
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise DomainError(f"Kan ikke bruge {path}: {exc.strerror or exc}.") from None
    if info is None:
        if not create:
            raise _no_database(path)
        parent = target.parent
        if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
            raise DomainError(f"Du må ikke oprette filer i mappen {parent}; vælg en anden sti med --db.")
        return
    import stat

    if stat.S_ISDIR(info.st_mode):
        raise DomainError(f"{path} er en mappe; --db skal pege på databasefilen.")
    if not stat.S_ISREG(info.st_mode):
        raise DomainError(f"{path} er ikke en Cirkel-database (ikke en almindelig fil).")
    if info.st_size == 0:
        if not create:
            raise _no_database(path)
    else:
        try:
            with open(target, "rb") as handle:
                head = handle.read(16)
        except PermissionError:
            raise DomainError(f"Du må ikke læse databasen {path}.") from None
        if head != SQLITE_MAGIC:
            raise DomainError(f"{path} er ikke en Cirkel-database; Cirkel åbner den ikke.")
    if not os.access(target, os.W_OK) or not os.access(target.parent, os.W_OK | os.X_OK):
        raise DomainError(f"Databasen {path} kan ikke skrives (filen eller mappen er skrivebeskyttet); "
                          "Cirkel åbner den ikke, så intet bliver ændret.")


def open_database(path: str, *, migrate: bool = True, create: bool = True) -> SqliteDatabase:
    """Open the database at ``path`` and bind the models to it.

    ``create=False`` (every command but ``init``/``demo``): the file must exist
    and be a database. Pending migrations are applied after an automatic
    backup of an existing database. A database written by a newer Cirkel is refused.
    """
    if path != ":memory:":
        check_database_file(path, create=create)
        if create:
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
    """Apply pending migrations after one backup of an existing database (issue #10, item 11).

    The backup ``<db>.before-<first pending>.bak`` is made once: a start after
    a failed migration finds it and does not write another. A failed migration
    is rolled back and refused with one line naming the backup.
    """
    pending, unknown = schema_status(database)
    if unknown:
        raise DomainError(
            "Databasen er lavet af en nyere version af Cirkel "
            f"(ukendte ændringer: {', '.join(unknown)}). Opdatér programmet.")
    if not pending:
        return []
    dest = None
    if database.get_tables() and path != ":memory:":
        dest = Path(f"{path}.before-{pending[0]}.bak")
        if not dest.exists():
            _private_backup(database, dest)
            log.info("backup before migration written to %s", dest)
    try:
        applied = _runner(database).up()
    except Exception as exc:  # noqa: BLE001 - any failure of a migration is told in one line
        log.exception("migration failed")
        kept = f"; kopien fra før opdateringen ligger i {dest}" if dest else ""
        raise DomainError(f"Databasen kunne ikke opdateres til denne version af Cirkel ({exc}); intet er "
                          f"ændret{kept}.") from None
    log.info("applied migrations: %s", ", ".join(applied))
    return applied


def _private_backup(database: SqliteDatabase, dest: Path) -> None:
    """An online-backup copy at ``dest``: a 0600 temp file beside it, renamed in only when complete."""
    from .files import private_temp

    with private_temp(dest.parent, prefix=".cirkel-migration-") as temp:
        backup(database, str(temp))
        os.link(temp, dest)


def backup(database: SqliteDatabase, dest: str) -> None:
    """A consistent copy via SQLite's online backup, while others keep working (no journal beside it)."""
    target = sqlite3.connect(dest)
    try:
        target.execute("PRAGMA journal_mode=OFF")
        database.connection().backup(target, pages=1024, sleep=0.005)
    finally:
        target.close()


def integrity_problems(database_path: str | None = None, *, quick: bool = False, limit: int = 20) -> list[str]:
    """SQLite's integrity check of the open database (or of the file at ``database_path``): [] when whole."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        if database_path is None:
            rows = db.execute_sql(f"PRAGMA {pragma}({int(limit)})").fetchall()
        else:
            # immutable: no -wal/-shm is made beside a copy just to read it
            con = sqlite3.connect(f"file:{database_path}?mode=ro&immutable=1", uri=True)
            try:
                rows = con.execute(f"PRAGMA {pragma}({int(limit)})").fetchall()
            finally:
                con.close()
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        return [str(exc)]
    except Exception as exc:  # noqa: BLE001 - peewee wraps the same errors
        return [str(exc)]
    found = [line.strip() for r in rows for line in str(r[0]).splitlines()
             if line.strip() and not line.startswith("*** in database")]
    return [] if found == ["ok"] else found


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
