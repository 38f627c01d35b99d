"""Opening the store: SQLite in WAL mode or PostgreSQL, migrations on start, backup.

Everything that differs between the two stores lives here, one small function
each, so the domain operations stay portable peewee expressions:

- SQLite (the embedded default, a file path): pragmas and WAL, ``BEGIN
  IMMEDIATE`` behind a file-lock write gate (:func:`write_gate`), the online
  backup.
- PostgreSQL (``postgresql://USER@HOST/DB``, issue #18): :class:`PostgresqlStore`
  maps SQLite's transaction vocabulary: an IMMEDIATE (write) transaction is a
  plain READ COMMITTED transaction whose first statement takes one
  transaction-scoped advisory lock (``pg_advisory_xact_lock``), which orders the
  writers on every machine the way the file lock orders them on one; a DEFERRED
  (read) transaction is a REPEATABLE READ snapshot that takes no lock. The
  conditional ``UPDATE … WHERE used + k <= clips`` stays the overdraw guard on
  both. A serialization failure or deadlock is retried by
  :func:`models.base.operation` (the whole outermost operation, see
  :func:`is_retryable`); a writer that waits longer than :data:`BUSY_TIMEOUT_S`
  for the lock gets a Danish message, never a traceback.

SQLite also gets its file checks, its integrity check and the search-index
pause for bulk imports (issue #10); PostgreSQL leaves those to the server.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from peewee import Database, PostgresqlDatabase, SqliteDatabase
from peewee import __exception_wrapper__ as _exception_wrapper

from .base import BUSY_MESSAGE, DomainError, db, set_retryable, set_write_gate
from .i18n import _

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
    # Issue #17: SQLite's own checkpoint runs inside a COMMIT, i.e. behind the write gate, so every writer
    # waited for it (7-8 ms for 1,000 pages, three times a second at 200 punches a second). Cirkel
    # checkpoints beside the gate instead (:func:`checkpoint_when_due`); SQLite's stays as a safety net.
    "wal_autocheckpoint": 10_000,
}
# How often, at most, a writing process asks for a checkpoint (see checkpoint_when_due).
CHECKPOINT_EVERY_S = 2.0


POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")
# The key of the one advisory lock every PostgreSQL write transaction takes ("Cirkel" in ASCII).
WRITE_LOCK_KEY = 0x436972_6B656C
# SQLSTATEs after which the whole transaction can be run again: serialization failure, deadlock.
RETRYABLE_SQLSTATES = ("40001", "40P01")
LOCK_NOT_AVAILABLE = "55P03"


def is_postgresql(target: str) -> bool:
    """Does ``target`` (the configured database) name a PostgreSQL server?"""
    return str(target).startswith(POSTGRESQL_SCHEMES)


def is_postgresql_database(database: Database | None) -> bool:
    return isinstance(database, PostgresqlDatabase)


def _sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a driver error, also when peewee has wrapped it."""
    for candidate in (exc, getattr(exc, "orig", None), exc.__cause__, exc.__context__):
        state = getattr(candidate, "sqlstate", None)
        if state:
            return state
    return None


def is_retryable(exc: BaseException) -> bool:
    """PostgreSQL only: may the failed transaction simply be run again?

    A serialization failure or a deadlock rolls the whole transaction back, and
    an operation touches nothing but the database, so running the outermost
    operation again from its start is safe (``models.base.operation`` does, a few
    times). With every writer behind the advisory lock neither should happen
    among Cirkel's own writers; this covers a migration, a DBA's statement or a
    future REPEATABLE READ writer.
    """
    return _sqlstate(exc) in RETRYABLE_SQLSTATES


class PostgresqlStore(PostgresqlDatabase):
    """PostgreSQL (psycopg 3) speaking SQLite's ``db.atomic("IMMEDIATE" | "DEFERRED")``.

    IMMEDIATE (the default, as on SQLite): a write transaction, ordered behind
    one transaction-scoped advisory lock, released by COMMIT or ROLLBACK (also
    when the client's connection dies). DEFERRED: a read-only REPEATABLE READ
    snapshot (one moment of the database for an export), no lock.
    """

    def _initialize_connection(self, conn):
        # A writer waits for the advisory lock at most BUSY_TIMEOUT_S (SQLite's busy timeout).
        with conn.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{BUSY_TIMEOUT_S}s'")

    def begin(self, lock_type=None):
        with _exception_wrapper:
            cursor = self.cursor()
            if (lock_type or "IMMEDIATE").upper() == "DEFERRED":
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return
            cursor.execute("BEGIN")
            try:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
            except BaseException as exc:
                cursor.execute("ROLLBACK")  # the transaction is not peewee's yet: end it here
                if _sqlstate(exc) == LOCK_NOT_AVAILABLE:
                    raise DomainError(_(BUSY_MESSAGE)) from None
                raise


def after_explicit_ids(model) -> None:
    """After rows were inserted with explicit ids (the demo filler): PostgreSQL's id sequence follows them.

    SQLite takes the next id from the table itself; PostgreSQL's SERIAL would
    hand out 1 again.
    """
    from peewee import AutoField

    if not is_postgresql_database(db.obj) or not isinstance(model._meta.primary_key, AutoField):
        return
    table, column = model._meta.table_name, model._meta.primary_key.column_name
    db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                   f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM "{table}"')


def insert_rows(model, columns: tuple[str, ...], rows) -> None:
    """Insert raw rows (tuples in ``columns``' order) with one prepared statement, on either store.

    The rows may carry explicit ids (the import gives them in advance) and 0/1
    for flags, as SQLite stores them; PostgreSQL gets real booleans and its id
    sequence moved past the new ids (:func:`after_explicit_ids`).
    """
    from peewee import BooleanField

    table = model._meta.table_name
    marks = ", ".join(db.obj.param for _ in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    if is_postgresql_database(db.obj):
        flags = {i for i, c in enumerate(columns) if isinstance(model._meta.columns.get(c), BooleanField)}
        if flags:
            rows = (tuple(bool(v) if i in flags and v is not None else v for i, v in enumerate(row)) for row in rows)
    db.cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
    after_explicit_ids(model)


def after_bulk_load() -> None:
    """After many rows arrived at once (the demo filler): PostgreSQL's planner learns the new sizes.

    Until autovacuum gets round to it, a freshly filled database has no
    statistics and the search could be planned as for an empty table.
    SQLite plans without them.
    """
    if is_postgresql_database(db.obj):
        db.execute_sql("ANALYZE")


def _psycopg_for_peewee() -> None:
    """Give peewee the PostgreSQL driver it was imported without (see ``models/__init__.py``).

    What peewee's own import would have set: the module, its transaction states and JSON types
    (module names peewee reads when it connects), and the states on its psycopg 3 adapter class.
    Without psycopg installed this does nothing, and peewee says the driver is missing, as before.
    """
    import peewee

    if peewee.psycopg is not None:
        return
    try:
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb
    except ImportError:
        return
    peewee.psycopg, peewee.TransactionStatus = psycopg, TransactionStatus
    peewee.Json_pg3, peewee.Jsonb_pg3 = Json, Jsonb
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle, adapter.txn_inerror, adapter.txn_unknown = (
        TransactionStatus.IDLE, TransactionStatus.INERROR, TransactionStatus.UNKNOWN)


def make_database(path: str) -> Database:
    if is_postgresql(path):
        _psycopg_for_peewee()
        return PostgresqlStore(path, prefer_psycopg3=True)
    pragmas = {**PRAGMAS, "busy_timeout": int(BUSY_TIMEOUT_S * 1000)}
    return SqliteDatabase(path, pragmas=pragmas, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE")


def read_transaction():
    """A read transaction showing one moment of the database (exports), taking no write lock.

    SQLite: ``BEGIN DEFERRED`` (in WAL mode punches go on while it reads);
    PostgreSQL: a REPEATABLE READ READ ONLY snapshot.
    """
    return db.atomic("DEFERRED")


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
                raise DomainError(_(BUSY_MESSAGE)) from None  # the helper thread now owns fd
        try:
            yield
        finally:
            os.close(fd)  # releases the lock
        checkpoint_when_due(path)

    return gate


# Paths whose WAL a writer of this process asked to have checkpointed, and when each last asked.
_checkpoint_asks: set[str] = set()
_last_ask: dict[str, float] = {}
_checkpoint_wake = threading.Condition()
_checkpointer_running = False


def checkpoint_when_due(path: str) -> None:
    """After a write, outside the gate: have the WAL copied into the database, at most every few seconds.

    A daemon thread of this process does it, on a connection of its own, as a PASSIVE checkpoint:
    it waits for nobody, nobody waits for it, and the writer that asked goes on at once. Every
    writing process asks (at most every :data:`CHECKPOINT_EVERY_S`), so the WAL stays short whoever
    writes. (Nothing here opens the ``-shm`` file to look: closing a descriptor of it would drop
    this process's SQLite locks on it.)
    """
    global _checkpointer_running
    now = time.monotonic()
    if now - _last_ask.get(path, -CHECKPOINT_EVERY_S) < CHECKPOINT_EVERY_S:
        return
    _last_ask[path] = now
    with _checkpoint_wake:
        _checkpoint_asks.add(path)
        if not _checkpointer_running:
            _checkpointer_running = True
            threading.Thread(target=_checkpointer, name="cirkel-checkpoint", daemon=True).start()
        _checkpoint_wake.notify()


def forget_checkpoints(path: str) -> None:
    """The database at ``path`` is being closed: no checkpoint of it is run any more."""
    with _checkpoint_wake:
        _checkpoint_asks.discard(path)
    _last_ask.pop(path, None)


def _checkpointer() -> None:
    global _checkpointer_running
    while True:
        with _checkpoint_wake:
            if not _checkpoint_asks and not _checkpoint_wake.wait_for(lambda: _checkpoint_asks, 60):
                _checkpointer_running = False  # a minute without asks: the thread goes (the next ask starts one)
                return
            paths = list(_checkpoint_asks)
            _checkpoint_asks.clear()
        for path in paths:
            _checkpoint(path)


def _checkpoint(path: str) -> None:
    if not os.path.exists(f"{path}-wal"):
        return  # closed meanwhile (the last connection checkpointed it): nothing to do, and no WAL made
    try:  # mode=rw: never creates a file where the database has gone
        con = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=0, isolation_level=None)
        try:
            con.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            con.close()
    except sqlite3.Error:  # gone, or not a database any more: the next write's ask tries again
        log.debug("checkpoint of %s not made", path, exc_info=True)


MIGRATION_HISTORY = "schema_migration"  # the table playhouse.migrations' Runner records applied names in


def _runner(database: Database):
    from . import import_without_psycopg

    return import_without_psycopg("playhouse.migrations").Runner(database, str(MIGRATIONS_DIR),
                                                                 table_name=MIGRATION_HISTORY)


def _migration_order(name: str) -> tuple[int, str]:
    digits = len(name) - len(name.lstrip("0123456789"))
    return (int(name[:digits]) if digits else -1, name)  # playhouse's order: the leading number, then the name


def schema_status(database: Database) -> tuple[list[str], list[str]]:
    """(pending migrations, applied migrations this program does not know).

    What the Runner's ``status()`` says — the files ``[0-9]*.py`` against the names in its history
    table — read without importing playhouse's migrations, which only applying one needs (issue #17).
    """
    files = {path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py")}
    applied: set[str] = set()
    if database.table_exists(MIGRATION_HISTORY):
        applied = {name for (name,) in database.execute_sql(f'SELECT "name" FROM "{MIGRATION_HISTORY}"')}
    return sorted(files - applied, key=_migration_order), sorted(applied - files, key=_migration_order)


SQLITE_MAGIC = b"SQLite format 3\x00"


def _no_database(path: str) -> DomainError:
    return DomainError(_("Der er ingen Cirkel-database i {path}. Opret en med 'cirkel --db {path} init' (eller prøv demoen: 'cirkel --demo'), eller peg på den rigtige med --db PATH eller CIRKEL_DB.").format(path=path))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


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
        raise DomainError(_("Kan ikke bruge {path}: {value}.").format(path=path, value=exc.strerror or exc)) from None
    if info is None:
        if not create:
            raise _no_database(path)
        parent = target.parent
        if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
            raise DomainError(_("Du må ikke oprette filer i mappen {parent}; vælg en anden sti med --db.").format(parent=parent))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        return
    import stat

    if stat.S_ISDIR(info.st_mode):
        raise DomainError(_("{path} er en mappe; --db skal pege på databasefilen.").format(path=path))
    if not stat.S_ISREG(info.st_mode):
        raise DomainError(_("{path} er ikke en Cirkel-database (ikke en almindelig fil).").format(path=path))
    if info.st_size == 0:
        if not create:
            raise _no_database(path)
    else:
        try:
            with open(target, "rb") as handle:
                head = handle.read(16)
        except PermissionError:
            raise DomainError(_("Du må ikke læse databasen {path}.").format(path=path)) from None
        if head != SQLITE_MAGIC:
            raise DomainError(_("{path} er ikke en Cirkel-database; Cirkel åbner den ikke.").format(path=path))
    if not os.access(target, os.W_OK) or not os.access(target.parent, os.W_OK | os.X_OK):
        raise DomainError(_("Databasen {path} kan ikke skrives (filen eller mappen er skrivebeskyttet); Cirkel åbner den ikke, så intet bliver ændret.").format(path=path))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def open_database(path: str, *, migrate: bool = True, create: bool = True) -> Database:
    """Open the database at ``path`` and bind the models to it.

    ``path`` is an SQLite file or a ``postgresql://`` URL (issue #18: the
    PostgreSQL database itself is made by its DBA; Cirkel's tables by the
    migrations). ``create=False`` (every command but ``init``/``demo``): the file
    must exist and be a database; on PostgreSQL, the database must have Cirkel's
    tables. Pending migrations are applied after an automatic backup of an
    existing SQLite database. A database written by a newer Cirkel is refused.
    """
    postgresql = is_postgresql(path)
    if path != ":memory:" and not postgresql:
        check_database_file(path, create=create)
        if create:
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    database = make_database(path)
    try:
        database.connect(reuse_if_open=True)
    except Exception as exc:  # peewee wraps sqlite3/psycopg errors
        raise DomainError(_("Kan ikke åbne databasen {path}: {exc}").format(path=_display(path), exc=_first_line(exc))) from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if postgresql and not create and not database.get_tables():
        database.close()
        raise _no_database(_display(path))
    db.initialize(database)
    # PostgreSQL orders its writers with the advisory lock (PostgresqlStore.begin): no file gate.
    set_write_gate(write_gate(path) if path != ":memory:" and not postgresql else None)
    set_retryable(is_retryable if postgresql else None)
    if migrate:
        migrate_database(database, path)
    return database


def migrate_database(database: Database, path: str) -> list[str]:
    """Apply pending migrations after one backup of an existing database (issue #10, item 11).

    The backup ``<db>.before-<first pending>.bak`` is made once: a start after
    a failed migration finds it and does not write another. A failed migration
    is rolled back and refused with one line naming the backup.
    """
    pending, unknown = schema_status(database)
    if unknown:
        raise DomainError(
            _("Databasen er lavet af en nyere version af Cirkel (ukendte ændringer: {unknown}). Opdatér programmet.").format(unknown=', '.join(unknown)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if not pending:
        return []
    dest = None
    if database.get_tables() and path != ":memory:" and not is_postgresql(path):  # PostgreSQL: pg_dump, the DBA's
        dest = Path(f"{path}.before-{pending[0]}.bak")
        if not dest.exists():
            _private_backup(database, dest)
            log.info("backup before migration written to %s", dest)
    try:
        applied = _runner(database).up()
    except Exception as exc:  # noqa: BLE001 - any failure of a migration is told in one line
        log.exception("migration failed")
        kept = _("; kopien fra før opdateringen ligger i {dest}").format(dest=dest) if dest else ""
        raise DomainError(_("Databasen kunne ikke opdateres til denne version af Cirkel ({exc}); intet er ændret{kept}.").format(exc=exc, kept=kept)) from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    log.info("applied migrations: %s", ", ".join(applied))
    return applied


def _private_backup(database: SqliteDatabase, dest: Path) -> None:
    """An online-backup copy at ``dest``: a 0600 temp file beside it, renamed in only when complete."""
    from .files import private_temp

    with private_temp(dest.parent, prefix=".cirkel-migration-") as temp:
        backup(database, str(temp))
        os.link(temp, dest)


def _display(path: str) -> str:
    """The database as shown to a user: a URL without its password."""
    if not is_postgresql(path):
        return path
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(path)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


def database_exists(path: str) -> bool:
    """Is there a Cirkel database at ``path`` already (a non-empty file; a PostgreSQL database with tables)?"""
    if not is_postgresql(path):
        return os.path.exists(path) and os.path.getsize(path) > 0
    database = make_database(path)
    try:
        database.connect()
        return bool(database.get_tables())
    except Exception:  # not reachable or not there: open_database says why
        return False
    finally:
        database.close()


def copy_database(dest: Path) -> None:
    """A consistent copy of the open database into ``dest`` (an empty private file), others working on.

    SQLite: the online backup API, with no journal beside the copy. PostgreSQL:
    ``pg_dump --format=custom`` (restore with ``pg_restore``) when it is on PATH;
    without it, a Danish message saying to use pg_dump. The password, if the URL
    has one, goes to pg_dump in its environment, not on its command line.
    """
    database = db.obj
    if not is_postgresql_database(database):
        backup(database, str(dest))
        return
    _pg_dump(database.database, dest)


def _pg_dump(url: str, dest: Path) -> None:
    import shutil
    import subprocess
    from urllib.parse import urlsplit, urlunsplit

    program = shutil.which("pg_dump")
    if program is None:
        raise DomainError(
            _("pg_dump findes ikke på denne maskine. Cirkels database ligger på en PostgreSQL-server; tag kopien med pg_dump (fx pg_dump --format=custom --file=cirkel.dump '{url}').").format(url=_display(url)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
        host = parts.hostname or ""
        parts = parts._replace(netloc=f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else ""))
    result = subprocess.run([program, "--format=custom", "--no-password", f"--file={dest}",
                             f"--dbname={urlunsplit(parts)}"], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise DomainError(_("pg_dump kunne ikke tage kopien: {stderr}").format(stderr=_first_line(Exception(result.stderr))))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def backup(database: SqliteDatabase, dest: str) -> None:
    """A consistent copy via SQLite's online backup, while others keep working (no journal beside it)."""
    target = sqlite3.connect(dest)
    try:
        target.execute("PRAGMA journal_mode=OFF")
        database.connection().backup(target, pages=1024, sleep=0.005)
    finally:
        target.close()


def integrity_problems(database_path: str | None = None, *, quick: bool = False, limit: int = 20) -> list[str]:
    """SQLite's integrity check of the open database (or of the file at ``database_path``): [] when whole.

    PostgreSQL: the quick check at start finds nothing to do (the server checks
    its own pages); the full check (``cirkel check``) says to use the server's tools.
    """
    if database_path is None and is_postgresql_database(db.obj):
        if quick:  # the TUI's check at start: the server looks after its own pages
            return []
        raise DomainError(_("Cirkels database ligger på en PostgreSQL-server; dens sundhed tjekkes med PostgreSQL's egne værktøjer (fx pg_amcheck), ikke med cirkel check."))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
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
    if db.obj is not None and isinstance(db.obj, SqliteDatabase):
        forget_checkpoints(db.obj.database)
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    set_write_gate(None)
    set_retryable(None)
