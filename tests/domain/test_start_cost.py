"""Issue #17, the start: what a start on SQLite does not load or do."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _python(script: str) -> str:
    """What ``script`` prints, run in a fresh interpreter from the repository root."""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_start_on_sqlite_does_not_import_the_postgresql_driver(tmp_path):
    """psycopg costs 60-180 ms to import; peewee and playhouse get it only when PostgreSQL is opened."""
    script = (
        "import sys\n"
        "from models.store import open_database\n"
        f"open_database({str(tmp_path / 'c.db')!r})\n"
        "from models.dashboard import dashboard\n"
        "dashboard()\n"
        "print('psycopg' in sys.modules)\n"
        "import peewee\n"
        "print(peewee.psycopg is None)\n"
    )
    assert _python(script).split() == ["False", "True"]


def test_opening_postgresql_hands_peewee_the_driver():
    """What peewee's own import would have set, set when a PostgreSQL store is made (no server needed)."""
    script = (
        "from models.store import make_database\n"
        "import peewee\n"
        "assert peewee.psycopg is None\n"
        "database = make_database('postgresql://nobody@/nowhere?host=/nonexistent')\n"
        "import psycopg\n"
        "from psycopg.pq import TransactionStatus\n"
        "assert peewee.psycopg is psycopg\n"
        "assert type(database._adapter).__name__ == 'Psycopg3Adapter'\n"
        "assert database._adapter.txn_idle == TransactionStatus.IDLE\n"
        "assert database._adapter.txn_unknown == TransactionStatus.UNKNOWN\n"
        "print('ok')\n"
    )
    assert _python(script).strip() == "ok"


def test_the_tui_start_builds_no_command_parsers():
    from cirkel_tui.cli import build_parser, names_a_command

    for argv in ([], ["--demo"], ["--db", "x.db"], ["--db=x.db"]):
        assert not names_a_command(argv), argv
    for argv in (["punch"], ["--help"], ["-h"], ["--db"], ["--db", "x.db", "staff", "list"], ["--dem"], ["pnuch"]):
        assert names_a_command(argv), argv
    tui = build_parser(commands=False).parse_args(["--db", "x.db"])
    assert (tui.db, tui.demo, getattr(tui, "handler", None)) == ("x.db", False, None)
    full = build_parser()
    assert full.parse_args(["--db", "x.db"]).db == "x.db" and full.parse_args(["--demo"]).demo


# start3 (issue #17, goal 3): what the TUI's start path imports before the dashboard's first frame
def test_a_start_imports_neither_playhouse_migrations_nor_stdnum(tmp_path):
    """playhouse's migrations (~10 ms) only when a migration is applied; python-stdnum (5-9 ms, with ssl)
    only when a CPR number is checked."""
    script = (
        "import sys\n"
        "from models.store import open_database, close_database\n"
        f"open_database({str(tmp_path / 'c.db')!r})\n"  # a new database: every migration applied
        "print('playhouse.migrations' in sys.modules)\n"
        "close_database()\n"
        "del sys.modules['playhouse.migrations']\n"
        f"open_database({str(tmp_path / 'c.db')!r}, create=False)\n"  # up to date: nothing to apply
        "import models.dashboard, models.retention, models.staff, models.citizens\n"
        "from models.dashboard import dashboard\n"
        "dashboard()\n"
        "print('playhouse.migrations' in sys.modules, 'stdnum' in sys.modules)\n"
        "from models.cpr import normalise\n"
        "print(normalise('010145-1235'), 'stdnum' in sys.modules)\n"
    )
    assert _python(script).split() == ["True", "False", "False", "0101451235", "True"]


def test_the_schema_status_is_what_playhouses_runner_says(tmp_path, monkeypatch):
    import sqlite3

    from playhouse.migrations import Runner

    from models import store

    path = str(tmp_path / "c.db")
    store.open_database(path)
    try:
        assert store.schema_status(store.db.obj) == ([], [])
        con = sqlite3.connect(path)
        con.execute("insert into schema_migration (name, applied) values ('9999_future', '2030-01-01')")
        con.execute("delete from schema_migration where name = '0002_citizen_search' or name like '01%'")
        con.commit()
        con.close()
        status = Runner(store.db.obj, str(store.MIGRATIONS_DIR)).status()
        expected = ([m.name for m in status if m.applied is None], [m.name for m in status if m.path is None])
        assert expected[0][0] == "0002_citizen_search" and len(expected[0]) > 1 and expected[1] == ["9999_future"]
        assert store.schema_status(store.db.obj) == expected
    finally:
        store.close_database()
