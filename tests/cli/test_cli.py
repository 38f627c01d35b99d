"""The command line: init, staff add, demo; exit codes 0/1/2; no tracebacks."""
from __future__ import annotations

import sqlite3

from tests.helpers import run_cli


def test_init_makes_the_caller_admin_and_refuses_a_second_time(tmp_path, me):
    db = str(tmp_path / "c.db")
    first = run_cli("init", db=db)
    assert first.returncode == 0, first.stderr
    assert f"{me} er administrator" in first.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("select login, role from staff").fetchall() == [(me, "admin")]
    second = run_cli("init", db=db)
    assert second.returncode == 1
    assert second.stderr.count("\n") == 1 and "allerede oprettet" in second.stderr


def test_staff_add_and_its_refusals(tmp_path):
    db = str(tmp_path / "c.db")
    assert run_cli("init", db=db).returncode == 0
    ok = run_cli("staff", "add", "daemon", "--name", "Bente Holm", "--role", "terapeut", db=db)
    assert ok.returncode == 0, ok.stderr
    dup = run_cli("staff", "add", "daemon", "--name", "Bente Holm", "--role", "leder", db=db)
    assert dup.returncode == 1 and "findes allerede" in dup.stderr
    bad_district = run_cli("staff", "add", "bin", "--name", "Ole", "--role", "terapeut", "--district", "Atlantis",
                           db=db)
    assert bad_district.returncode == 1 and "Atlantis" in bad_district.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from staff").fetchone()[0] == 2
    # one audit row per successful write: init + staff add
    assert conn.execute("select operation from audit_log order by id").fetchall() == [("init",), ("staff.add",)]


def test_usage_errors_exit_2(tmp_path):
    db = str(tmp_path / "c.db")
    bad_role = run_cli("staff", "add", "x", "--name", "X", "--role", "chef", db=db)
    assert bad_role.returncode == 2
    unknown = run_cli("frobnicate", db=db)
    assert unknown.returncode == 2
    assert "Traceback" not in bad_role.stderr + unknown.stderr


def test_demo_fills_an_empty_database_once(tmp_path):
    db = str(tmp_path / "c.db")
    first = run_cli("demo", "--citizens", "200", "--seed", "3", db=db)
    assert first.returncode == 0, first.stderr
    assert "200 borgere" in first.stdout
    again = run_cli("demo", "--citizens", "200", db=db)
    assert again.returncode == 1 and "allerede borgere" in again.stderr


def test_unexpected_error_goes_to_the_log_file_not_the_screen(tmp_path):
    target = tmp_path / "dir-not-db"
    target.mkdir()
    result = run_cli("init", db=str(target))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("init", "demo", "staff"):
        assert command in result.stdout


def test_output_into_a_closed_pipe_is_not_an_error(tmp_path):
    import subprocess
    import sys

    db = str(tmp_path / "c.db")
    assert run_cli("demo", "--citizens", "400", db=db).returncode == 0
    writer = subprocess.Popen([sys.executable, "-m", "cirkel_tui", "--db", db, "waitlist"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    writer.stdout.readline()
    writer.stdout.close()  # like `| head -1`
    err = writer.stderr.read().decode()
    writer.wait(timeout=60)
    assert "uventet fejl" not in err and "Traceback" not in err
    log = tmp_path / "data" / "cirkel.log"
    assert not log.exists() or "BrokenPipeError" not in log.read_text(encoding="utf-8")
