"""cirkel backup: a consistent copy while another process keeps writing."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from tests.helpers import run_cli

WRITER = textwrap.dedent("""
    import sys, time
    from models.store import open_database
    from models.staff import init_database, find_staff
    from models.citizens import create_citizen
    open_database(sys.argv[1])
    actor = find_staff(sys.argv[2])
    start = time.time()
    n = 0
    while time.time() - start < 3:
        day = 1 + n % 28
        month = 1 + (n // 28) % 12
        serial = 1000 + n // 336
        create_citizen(actor, f"{day:02d}{month:02d}45{serial:04d}", f"Borger {n}")
        n += 1
    print(n)
""")


def test_backup_while_another_process_writes(tmp_path, me):
    db = str(tmp_path / "c.db")
    assert run_cli("init", db=db).returncode == 0
    writer = subprocess.Popen([sys.executable, "-c", WRITER, db, me], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        dest = tmp_path / "copy.db"
        result = run_cli("backup", str(dest), db=db)
    finally:
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert int(out) > 0
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(dest)
    assert copy.execute("pragma integrity_check").fetchone()[0] == "ok"
    copied = copy.execute("select count(*) from citizen").fetchone()[0]
    assert 0 <= copied <= int(out)
    # every citizen in the copy has its audit row: the copy is a transaction-consistent snapshot
    audited = copy.execute("select count(*) from audit_log where operation = 'citizen.create'").fetchone()[0]
    assert audited == copied


def test_backup_refuses_to_overwrite(tmp_path):
    db = str(tmp_path / "c.db")
    assert run_cli("init", db=db).returncode == 0
    dest = tmp_path / "copy.db"
    assert run_cli("backup", str(dest), db=db).returncode == 0
    again = run_cli("backup", str(dest), db=db)
    assert again.returncode == 1 and "findes allerede" in again.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from audit_log where operation='backup'").fetchone()[0] == 1


def test_a_therapist_cannot_take_a_backup(admin, tmp_path):
    import pytest

    from models.backup import backup_database
    from models.base import DomainError
    from models.staff import add_staff

    therapist = add_staff(admin, "daemon", "Bente Holm", "terapeut")
    with pytest.raises(DomainError, match="Kun leder"):
        backup_database(therapist, str(tmp_path / "x.db"))
    assert not (tmp_path / "x.db").exists()


def test_backup_of_the_database_under_test_is_private_and_audited(database, admin, db_path, tmp_path):
    """On both stores (issue #18): SQLite writes a database file, PostgreSQL a pg_dump archive; 0600, one audit row."""
    import os
    import stat

    from models.entities import AuditLog
    from models.store import is_postgresql

    dest = tmp_path / "copy"
    result = run_cli("backup", str(dest), db=db_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    head = dest.read_bytes()[:16]
    assert head.startswith(b"PGDMP") if is_postgresql(db_path) else head == b"SQLite format 3\x00"
    assert AuditLog.select().where(AuditLog.operation == "backup").count() == 1


@pytest.mark.postgresql_only
def test_backup_without_pg_dump_says_to_use_it(database, admin, db_path, tmp_path):
    import os
    import sys

    dest = tmp_path / "copy"
    result = run_cli("backup", str(dest), db=db_path, env={"PATH": os.path.dirname(sys.executable)})
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "pg_dump" in result.stderr and "Traceback" not in result.stderr
    assert not dest.exists()
