"""Every file Cirkel writes: never through a symlink, never onto a database, 0600, no overwrite
without --force, no temp file left behind (hardening issue #10, item 1)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from pathlib import Path

import pytest

from tests.helpers import run_cli

YEAR = str(dt.date.today().year)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo_db(tmp_path):
    db = tmp_path / "c.db"
    made = run_cli("demo", "--citizens", "120", "--seed", "5", db=str(db))
    assert made.returncode == 0, made.stderr
    return db


def _one_line_refusal(result, *words):
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "uventet fejl" not in result.stderr and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_export_through_a_symlink_to_the_database_is_refused(demo_db, tmp_path):
    before = _digest(demo_db)
    link = tmp_path / "link.xlsx"
    link.symlink_to(demo_db)
    result = run_cli("export", "--year", YEAR, "--out", str(link), "--force", db=str(demo_db))
    _one_line_refusal(result, "symbolsk link")
    assert link.is_symlink() and os.readlink(link) == str(demo_db)
    assert _digest(demo_db) == before


def test_a_symlink_to_a_missing_file_is_refused_too(demo_db, tmp_path):
    link = tmp_path / "dangling.xlsx"
    link.symlink_to(tmp_path / "elsewhere.xlsx")
    result = run_cli("export", "--year", YEAR, "--out", str(link), db=str(demo_db))
    _one_line_refusal(result, "symbolsk link")
    assert not (tmp_path / "elsewhere.xlsx").exists()


def test_export_never_writes_onto_the_database_itself(tmp_path):
    db = tmp_path / "prod.xlsx"  # a database whose name an export would accept
    assert run_cli("demo", "--citizens", "20", db=str(db)).returncode == 0
    before = _digest(db)
    result = run_cli("export", "--year", YEAR, "--out", str(db), "--force", db=str(db))
    _one_line_refusal(result, "database")
    assert _digest(db) == before


@pytest.mark.parametrize("suffix", ["-wal", "-shm", ".lock", ".before-0004.bak"])
def test_backup_never_writes_onto_the_databases_companions(demo_db, suffix):
    target = Path(str(demo_db) + suffix)
    result = run_cli("backup", str(target), "--force", db=str(demo_db))
    _one_line_refusal(result, "database")
    assert run_cli("pools", db=str(demo_db)).returncode == 0  # still a working database


def test_no_force_onto_a_backup_of_the_database(demo_db, tmp_path):
    copy = tmp_path / "copy.db"
    assert run_cli("backup", str(copy), db=str(demo_db)).returncode == 0
    before = _digest(copy)
    result = run_cli("backup", str(copy), "--force", db=str(demo_db))
    _one_line_refusal(result, "database")
    assert _digest(copy) == before


def test_existing_file_needs_force_and_the_file_is_private(demo_db, tmp_path):
    out = tmp_path / "y.xlsx"
    out.write_text("old")
    refused = run_cli("export", "--year", YEAR, "--out", str(out), db=str(demo_db))
    _one_line_refusal(refused, "findes allerede", "--force")
    assert out.read_text() == "old"
    old_umask = os.umask(0)  # the child inherits a umask that would allow everything
    try:
        done = run_cli("export", "--year", YEAR, "--out", str(out), "--force", db=str(demo_db))
    finally:
        os.umask(old_umask)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_participant_list_and_backup_refuse_symlinks_and_are_private(demo_db, tmp_path):
    listing = run_cli("events", "list", "--past", db=str(demo_db))
    event_id = re.search(r"^\s*(\d+)\s", listing.stdout, re.M).group(1)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    link = tmp_path / "list.xlsx"
    link.symlink_to(victim)
    refused = run_cli("events", "participants", event_id, "--out", str(link), "--force", db=str(demo_db))
    _one_line_refusal(refused, "symbolsk link")
    assert victim.read_text() == "keep"

    blink = tmp_path / "b.db"
    blink.symlink_to(victim)
    refused = run_cli("backup", str(blink), db=str(demo_db))
    _one_line_refusal(refused, "symbolsk link")
    assert victim.read_text() == "keep"

    copy = tmp_path / "copy.db"
    assert run_cli("backup", str(copy), db=str(demo_db)).returncode == 0
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    out_dir = tmp_path / "lists"
    out_dir.mkdir()
    assert run_cli("events", "participants", event_id, "--out", str(out_dir), db=str(demo_db)).returncode == 0
    [saved] = list(out_dir.iterdir())
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    leftovers = [p.name for p in tmp_path.iterdir() if p.suffix in (".tmp", ".part") or "journal" in p.name]
    assert leftovers == []


def test_write_private_in_process(tmp_path, database):
    """The domain function itself: the writer sees a private temp file; failures leave nothing."""
    from models.base import DomainError
    from models.files import write_private

    seen = []

    def writer(temp: Path) -> None:
        seen.append(stat.S_IMODE(temp.stat().st_mode))
        temp.write_text("data")

    out = tmp_path / "out"
    out.mkdir()
    target = write_private(out / "a.txt", writer)
    assert target.read_text() == "data" and seen == [0o600]

    def broken(temp: Path) -> None:
        temp.write_text("half")
        raise DomainError("stop")

    with pytest.raises(DomainError):
        write_private(out / "b.txt", broken)
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]


def test_openpyxl_temp_files_live_beside_the_target_0600_and_go_on_every_way_out(demo, me, tmp_path, monkeypatch):
    """Issue #10, item 12: the write-only sheet's stream (every CPR of the period) is never left in /tmp."""
    import glob
    import tempfile

    from openpyxl.worksheet import _writer

    from exports import excel
    from models.staff import require_staff

    leader = require_staff(me)
    seen = []
    real_append = excel._header

    def spy(ws, *args, **kwargs):
        seen.extend(p for p in _writer.ALL_TEMP_FILES)
        return real_append(ws, *args, **kwargs)

    monkeypatch.setattr(excel, "_header", spy)
    in_tmp_before = set(glob.glob(os.path.join(tempfile.gettempdir(), "openpyxl.*")))
    excel.export(leader, excel.parse_year("2026"), tmp_path / "ud.xlsx")
    assert seen and all(os.path.dirname(p) == str(tmp_path) for p in seen), seen
    assert not set(glob.glob(os.path.join(tempfile.gettempdir(), "openpyxl.*"))) - in_tmp_before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []

    modes = []

    def failing_rows(period):  # fails while the first sheet's temp file exists
        modes.extend(os.stat(p).st_mode & 0o777 for p in _writer.ALL_TEMP_FILES)
        raise RuntimeError("disk pulled")
        yield  # pragma: no cover

    monkeypatch.setattr(excel, "card_rows", failing_rows)
    import gc
    import sys

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _info: None  # openpyxl's abandoned sheet writer complains as it is collected
    try:
        with pytest.raises(RuntimeError) as caught:
            excel.export(leader, excel.parse_year("2026"), tmp_path / "ud2.xlsx")
        del caught
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert modes and set(modes) == {0o600}
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith((".", "ud2"))]
