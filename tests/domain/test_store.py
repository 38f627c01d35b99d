"""The store: pragmas, migrations with backup, refusing a newer database, backup."""
from __future__ import annotations

import sqlite3

import pytest

from models import store as dbmod
from models.base import DomainError
from models.entities import ALL_MODELS, AuditLog, District, Staff


@pytest.mark.sqlite_only
def test_pragmas_wal_busy_timeout_foreign_keys(database):
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


@pytest.mark.sqlite_only
def test_write_transactions_begin_immediate(database, admin):
    statements = []
    conn = database.connection()
    conn.set_trace_callback(statements.append)
    try:
        from models.staff import add_staff

        add_staff(admin, "daemon", "Bente Holm", "terapeut")
    finally:
        conn.set_trace_callback(None)
    assert statements[0].upper().startswith("BEGIN IMMEDIATE")


def test_migrations_create_the_models_schema(database):
    from playhouse.schema_diff import diff_models

    diff = diff_models(database, ALL_MODELS)
    # PostgreSQL's search indexes (migration 0090, citizen_name_…) are over expressions, not a model's;
    # SQLite's (0002) is a virtual table, which the diff does not see.
    diff.drop_indexes[:] = [i for i in diff.drop_indexes if not i.name.startswith("citizen_name_")]
    assert not diff, f"models and migrations differ: {diff}"


def _old_database_and_a_new_migration(tmp_path, monkeypatch, name: str, code: str) -> str:
    """A database with one district, and the migrations folder plus ``name`` (not yet applied)."""
    path = str(tmp_path / "old.db")
    dbmod.open_database(path)
    District.create(name="Hedensted", home_help_count=10)
    dbmod.close_database()
    extra = tmp_path / "migrations"
    extra.mkdir()
    for f in dbmod.MIGRATIONS_DIR.glob("0*.py"):
        (extra / f.name).write_text(f.read_text())
    (extra / name).write_text(code)
    monkeypatch.setattr(dbmod, "MIGRATIONS_DIR", extra)
    return path


def test_existing_database_is_backed_up_before_a_migration(tmp_path, monkeypatch):
    path = _old_database_and_a_new_migration(
        tmp_path, monkeypatch, "9999_add_note.py",
        "from peewee import TextField\n"
        "def up(migrator, db):\n"
        "    migrator.migrate(migrator.add_column('district', 'note', TextField(default='')))\n")
    dbmod.open_database(path)
    dbmod.close_database()
    backups = list(tmp_path.glob("old.db.before-9999_add_note*.bak"))
    assert len(backups) == 1
    assert oct(backups[0].stat().st_mode & 0o777) == "0o600"
    old = sqlite3.connect(backups[0])
    assert old.execute("select name from district").fetchall() == [("Hedensted",)]
    cols = [r[1] for r in old.execute("pragma table_info(district)")]
    assert "note" not in cols
    new = sqlite3.connect(path)
    assert "note" in [r[1] for r in new.execute("pragma table_info(district)")]
    assert new.execute("select name from district").fetchall() == [("Hedensted",)]


def test_a_database_from_a_newer_cirkel_is_refused(tmp_path):
    path = str(tmp_path / "new.db")
    dbmod.open_database(path)
    dbmod.close_database()
    conn = sqlite3.connect(path)
    conn.execute("insert into schema_migration (name, applied) values ('9999_future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(DomainError, match="nyere version"):
        dbmod.open_database(path)


@pytest.mark.sqlite_only
def test_online_backup_is_a_consistent_copy(database, admin, tmp_path):
    dest = tmp_path / "copy.db"
    dbmod.backup(database, str(dest))
    copy = sqlite3.connect(dest)
    assert copy.execute("select count(*) from audit_log").fetchone()[0] == AuditLog.select().count()


def test_a_failed_migration_gives_one_line_and_the_backup_is_made_once(tmp_path, monkeypatch):
    path = _old_database_and_a_new_migration(
        tmp_path, monkeypatch, "9999_broken.py",
        "def up(migrator, db):\n    db.execute_sql('ALTER TABLE nowhere ADD x')\n")
    for _start in range(3):
        with pytest.raises(DomainError) as caught:
            dbmod.open_database(path)
        dbmod.close_database()
        assert "kunne ikke opdateres" in caught.value.message and "\n" not in caught.value.message
        assert "old.db.before-9999_broken.bak" in caught.value.message
    assert [p.name for p in tmp_path.glob("*.bak")] == ["old.db.before-9999_broken.bak"]
    assert not list(tmp_path.glob(".cirkel-*"))
    con = sqlite3.connect(path)
    assert con.execute("select name from district").fetchall() == [("Hedensted",)]
    con.close()


@pytest.mark.postgresql_only
def test_postgresql_writers_queue_behind_one_advisory_lock(database, admin, db_path):
    """A write transaction holds the advisory lock; another connection's writer waits for it, then goes on."""
    import threading

    import psycopg

    from models.staff import add_staff

    done = threading.Event()
    with database.atomic():  # IMMEDIATE, as every operation's outermost transaction
        held = database.execute_sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                    "AND pid = pg_backend_pid() AND granted").fetchone()[0]
        assert held == 1

        def other_writer():
            with psycopg.connect(db_path, autocommit=True) as conn:
                conn.execute("BEGIN")
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (dbmod.WRITE_LOCK_KEY,))
                conn.execute("COMMIT")
            done.set()

        thread = threading.Thread(target=other_writer)
        thread.start()
        assert not done.wait(0.5)  # queued behind this transaction
        add_staff(admin, "daemon", "Dora Dæmon", "terapeut")
    assert done.wait(10)
    thread.join()
    assert AuditLog.select().where(AuditLog.operation == "staff.add").count() == 1


@pytest.mark.postgresql_only
def test_postgresql_a_deadlock_is_retried_not_shown(database, admin, monkeypatch):
    """A deadlock or serialization failure runs the whole operation again; the user sees it done once."""
    from peewee import OperationalError

    from models.base import operation
    from models.staff import add_staff

    class Deadlock(Exception):
        sqlstate = "40P01"

    calls = []

    @operation
    def flaky():
        calls.append(1)
        add_staff(admin, ("daemon", "bin", "sys")[len(calls) - 1], "X", "terapeut")  # real OS accounts
        if len(calls) < 3:
            raise OperationalError(Deadlock("deadlock detected"))

    flaky()
    assert len(calls) == 3
    # the two failed attempts were rolled back whole: one staff row, one audit row
    assert [s.login for s in Staff.select().where(Staff.role == "terapeut")] == ["sys"]
    assert AuditLog.select().where(AuditLog.operation == "staff.add").count() == 1


@pytest.mark.postgresql_only
def test_postgresql_a_writer_waiting_too_long_gets_a_danish_message(database, admin, db_path, monkeypatch):
    import psycopg

    from models.staff import add_staff

    with psycopg.connect(db_path, autocommit=True) as holder:
        holder.execute("BEGIN")
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (dbmod.WRITE_LOCK_KEY,))
        database.execute_sql("SET lock_timeout = '200ms'")
        with pytest.raises(DomainError, match="optaget"):
            add_staff(admin, "daemon", "Dora Dæmon", "terapeut")
        holder.execute("ROLLBACK")
    assert database.transaction_depth() == 0
    add_staff(admin, "daemon", "Dora Dæmon", "terapeut")  # the connection is usable afterwards
