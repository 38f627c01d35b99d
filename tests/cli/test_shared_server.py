"""The shared server from the command line (issue #20): standard output and input, the service
account's one database, and messages that point somewhere. The set-up itself, with sudo and real
users, is checked by .ci/shared_server_check.sh."""
from __future__ import annotations

import getpass
import io
import os
import pty
import re
import subprocess
import sys
import zipfile

import pytest

from cirkel_tui.config import ConfigError
from tests.helpers import run_cli


@pytest.fixture
def demo_db(tmp_path):
    db = tmp_path / "c.db"
    made = run_cli("demo", "--citizens", "60", "--seed", "3", db=str(db))
    assert made.returncode == 0, made.stderr
    return db


def _run_bytes(*args, db, stdin=None):
    cmd = [sys.executable, "-m", "cirkel_tui", "--db", str(db), *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, timeout=120)


def test_export_to_standard_output_is_the_workbook_and_the_summary_goes_to_stderr(demo_db, tmp_path):
    year = str(__import__("datetime").date.today().year)
    result = _run_bytes("export", "--year", year, "--out", "-", db=demo_db)
    assert result.returncode == 0, result.stderr
    book = zipfile.ZipFile(io.BytesIO(result.stdout))
    assert "xl/workbook.xml" in book.namelist()
    assert "skrevet til standard output" in result.stderr.decode()
    assert not list(tmp_path.glob("cirkel-*.xlsx")) and not (tmp_path / "-").exists()


def test_export_to_standard_output_on_a_terminal_is_refused(demo_db):
    main, side = pty.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "cirkel_tui", "--db", str(demo_db), "export", "--year",
                                 "2026", "--out", "-"], stdout=side, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(side)
        os.close(main)
    assert result.returncode == 1
    assert result.stderr.decode().strip().splitlines() == [
        "cirkel: Standard output er en terminal; send filen til en fil: --out - > fil.xlsx"]


def test_the_participant_list_and_the_backup_go_to_standard_output_too(demo_db):
    listed = run_cli("events", "list", "--past", db=str(demo_db))
    event_id = re.search(r"^\s+(\d+)\s", listed.stdout, re.M).group(1)
    result = _run_bytes("events", "participants", event_id, "--out", "-", db=demo_db)
    assert result.returncode == 0, result.stderr
    assert zipfile.ZipFile(io.BytesIO(result.stdout)).namelist()
    copy = _run_bytes("backup", "-", db=demo_db)
    assert copy.returncode == 0, copy.stderr
    assert copy.stdout.startswith(b"SQLite format 3\x00")


def test_import_reads_standard_input(demo_db, tmp_path):
    year = str(__import__("datetime").date.today().year)
    workbook = _run_bytes("export", "--year", year, "--out", "-", db=demo_db).stdout
    dry = _run_bytes("import", "-", "--dry-run", db=demo_db, stdin=workbook)
    assert dry.returncode == 0, dry.stderr
    shown = dry.stdout.decode()
    assert "Nye kort: 0." in shown and "Intet at importere fra standard-input.xlsx" in shown  # all known already
    empty = _run_bytes("import", "-", db=demo_db, stdin=b"")
    assert empty.returncode == 1 and len(empty.stderr.decode().strip().splitlines()) == 1


# --- the service account opens only its own database --------------------------------------------

def _config(tmp_path, text: str):
    path = tmp_path / "cirkel.toml"
    path.write_text(text)
    return path


def test_under_the_service_account_only_the_configured_database_is_opened(tmp_path, monkeypatch):
    from cirkel_tui.identity import require_configured_database

    real = tmp_path / "real.db"
    config = _config(tmp_path, f'service_account = "{getpass.getuser()}"\ndatabase = "{real}"\n')
    for other in (str(tmp_path / "mine.db"), f"{real}.before-0001-x.bak"):
        with pytest.raises(ConfigError, match="--db og CIRKEL_DB kan ikke bruges her"):
            require_configured_database(other, config)
    monkeypatch.setenv("CIRKEL_DB", str(tmp_path / "mine.db"))
    with pytest.raises(ConfigError, match="åbner kun databasen fra"):
        require_configured_database(None, config)
    monkeypatch.delenv("CIRKEL_DB")
    require_configured_database(None, config)
    require_configured_database(str(real), config)  # naming the configured one is harmless
    # not the service account (someone running their own copy): --db is theirs to use
    require_configured_database(str(tmp_path / "mine.db"), _config(tmp_path, 'service_account = "nobody-here"\n'))


def test_started_without_sudo_on_the_shared_server_the_message_shows_the_command(tmp_path, monkeypatch):
    """Also for root: its -wal/-shm/.lock files would lock the service account out of its own database."""
    from cirkel_tui.identity import require_sudo_where_needed

    real = tmp_path / "cirkel.db"
    config = _config(tmp_path, f'service_account = "cirkel"\ndatabase = "{real}"\n')
    monkeypatch.setattr(sys, "argv", ["/opt/cirkel/bin/cirkel", "waitlist", "--district", "Tørring"])
    with pytest.raises(ConfigError) as refused:
        require_sudo_where_needed(str(real), config)
    assert str(refused.value) == (f"Databasen {real} åbnes kun af den fælles konto cirkel. På denne server kører "
                                  "Cirkel gennem sudo: sudo -u cirkel /opt/cirkel/bin/cirkel waitlist "
                                  "--district Tørring")
    monkeypatch.setattr(sys, "argv", ["/opt/cirkel/bin/cirkel", "staff", "add", "bo", "--name", "Bo Ib"])
    with pytest.raises(ConfigError, match=r"cirkel staff add bo --name 'Bo Ib'$"):
        require_sudo_where_needed(str(real), config)
    require_sudo_where_needed(str(tmp_path / "own.db"), config)  # their own --db: no sudo needed
    require_sudo_where_needed(str(real), _config(tmp_path, f'database = "{real}"\n'))  # no service account


def test_an_unexpected_error_has_a_reference_that_is_in_the_log(tmp_path, monkeypatch, capsys):
    from cirkel_tui import cli, config
    from cirkel_tui.commands import pools

    db = tmp_path / "x.db"
    assert run_cli("init", db=str(db)).returncode == 0

    def broken(ctx):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pools, "cmd_pools", broken)
    assert cli.run(["--db", str(db), "pools"]) == 1
    line = capsys.readouterr().err.strip()
    ref = re.fullmatch(r"cirkel: uventet fejl \(reference ([0-9a-f]{6})\); detaljerne står i (.+)", line)
    assert ref, line
    assert ref.group(2) == str(config.log_path())
    log = config.log_path().read_text()
    assert f"unexpected error [ref {ref.group(1)}]" in log and "RuntimeError: a bug" in log


def test_under_the_service_account_the_error_text_sends_the_user_to_an_administrator(tmp_path):
    from cirkel_tui.identity import unexpected_error_text

    config = _config(tmp_path, f'service_account = "{getpass.getuser()}"\n')
    text = unexpected_error_text("a1b2c3", config)
    assert text == ("uventet fejl (reference a1b2c3). Kontakt en administrator og oplys referencen; "
                    "den står i Cirkels log.")
    assert "/" not in text


def test_the_pdfs_and_the_programme_report_go_to_standard_output_too(demo_db):
    import sqlite3

    conn = sqlite3.connect(demo_db)
    card = str(conn.execute("select number from card where status = 'open' limit 1").fetchone()[0])
    conn.close()
    printed = _run_bytes("card", "print", card, "--out", "-", db=demo_db)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith(b"%PDF-")
    assert printed.stderr.decode().splitlines()[0].endswith("standard output")  # both lines on stderr
    history = _run_bytes("card", "history", card, "--out", "-", db=demo_db)
    assert history.returncode == 0 and history.stdout.startswith(b"%PDF-"), history.stderr
    listed = run_cli("events", "list", "--past", db=str(demo_db))
    event_id = re.search(r"^\s+(\d+)\s", listed.stdout, re.M).group(1)
    paper = _run_bytes("events", "participants", event_id, "--pdf", "--out", "-", db=demo_db)
    assert paper.returncode == 0 and paper.stdout.startswith(b"%PDF-"), paper.stderr
    report = _run_bytes("programme", "report", "--out", "-", db=demo_db)
    assert report.returncode == 0, report.stderr
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(report.stdout)).namelist()
