"""Storage faults and file modes (issue #10, items 8, 9 and 13), in-process through cirkel_tui.cli.run.

Read-only and full file systems are real: a small tmpfs mounted for the test
(the suite runs as root on the CI machine; a read-only mount refuses root too).
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess

import pytest

from cirkel_tui.cli import run
from models.store import close_database


@pytest.fixture(autouse=True)
def closed():
    yield
    close_database()


def _run(capsys, *argv) -> tuple[int, list[str], str]:
    code = run(list(argv))
    close_database()
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), captured.out


@pytest.mark.parametrize("command", [["waitlist"], ["pools"], ["export", "--year", "2026"], ["backup", "x.db"],
                                     ["punch", "010145-1235", "1", "--activity", "Tur"], ["check"]])
def test_only_init_and_demo_create_a_database(capsys, tmp_path, command):
    for path in (tmp_path / "mangler.db", tmp_path / "ny" / "mappe" / "cirkel.db"):
        code, err, _out = _run(capsys, "--db", str(path), *command)
        assert code == 1 and len(err) == 1, err
        assert "Der er ingen Cirkel-database i" in err[0] and "init" in err[0] and "--db" in err[0]
        assert not path.exists()
        assert not path.parent.exists() or not [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
    empty = tmp_path / "tom.db"
    empty.write_bytes(b"")
    code, err, _out = _run(capsys, "--db", str(empty), *command)
    assert code == 1 and "Der er ingen Cirkel-database" in err[0]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("tom")) == ["tom.db"]


@pytest.mark.parametrize("target,words", [("/dev/null", "ikke en Cirkel-database"),
                                          ("text", "ikke en Cirkel-database"), ("dir", "er en mappe"),
                                          ("/proc/x.db", "Der er ingen Cirkel-database")])
def test_a_path_that_is_no_database_gets_one_line(capsys, tmp_path, target, words):
    if target == "text":
        target = str(tmp_path / "noter.txt")
        open(target, "w").write("ikke en database\n")
    elif target == "dir":
        target = str(tmp_path)
    code, err, _out = _run(capsys, "--db", target, "waitlist")
    assert code == 1 and len(err) == 1 and words in err[0], err
    if target.endswith("noter.txt"):
        assert open(target).read() == "ikke en database\n"


def test_init_creates_the_database_and_then_commands_work(capsys, tmp_path):
    path = tmp_path / "cirkel.db"
    assert _run(capsys, "--db", str(path), "init")[0] == 0
    code, err, out = _run(capsys, "--db", str(path), "district", "list")
    assert code == 0, err


def test_every_file_with_personal_data_is_created_0600_whatever_the_umask(capsys, tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "cirkel.db"
        assert _run(capsys, "--db", str(path), "init")[0] == 0
        assert _run(capsys, "--db", str(path), "staff", "add", "root", "--name", "R", "--role", "leder")[0] == 1
        run(["--db", str(path), "waitlist"])  # leaves -wal/-shm while open
        created = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert {p.name for p in created} >= {"cirkel.db", "cirkel.db.lock"}
        for p in created:
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, (p, oct(p.stat().st_mode))
        assert _run(capsys, "--db", str(path), "backup", str(tmp_path / "kopi.db"))[0] == 0
        assert stat.S_IMODE((tmp_path / "kopi.db").stat().st_mode) == 0o600
    finally:
        os.umask(old)


@contextlib.contextmanager
def _tmpfs(where, size="4m"):
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
                          capture_output=True, text=True)
    assert done.returncode == 0, f"the storage tests need to mount a tmpfs (run as root): {done.stderr}"
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _dump(path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [line for line in con.iterdump() if "access_log" not in line]
    finally:
        con.close()


def test_a_read_only_database_gets_one_line_and_nothing_left_behind(capsys, tmp_path):
    with _tmpfs(tmp_path / "fs") as fs:
        path = fs / "cirkel.db"
        assert _run(capsys, "--db", str(path), "init")[0] == 0
        before = sorted(p.name for p in fs.iterdir())
        subprocess.run(["mount", "-o", "remount,ro", str(fs)], check=True)
        for command in (["waitlist"], ["staff", "add", "games", "--name", "Bo", "--role", "terapeut"]):
            code, err, _out = _run(capsys, "--db", str(path), *command)
            assert code == 1 and len(err) == 1 and "kan ikke skrives" in err[0], err
        subprocess.run(["mount", "-o", "remount,rw", str(fs)], check=True)
        assert sorted(p.name for p in fs.iterdir()) == before
        code, err, _out = _run(capsys, "--db", str(path), "staff", "add", "games", "--name", "Bo", "--role", "terapeut")
        assert code == 0, err


def test_a_full_disk_gets_one_line_and_nothing_is_lost(capsys, tmp_path):
    with _tmpfs(tmp_path / "fs", size="3m") as fs:
        path = fs / "cirkel.db"
        assert _run(capsys, "--db", str(path), "init")[0] == 0
        assert _run(capsys, "--db", str(path), "district", "add", "Tørring", "--home-help", "10")[0] == 0
        before = _dump(path)
        filler = fs / "fyld"
        with open(filler, "wb", buffering=0) as handle:
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * 65536)
        long_name = "x" * 50
        code, err, _out = _run(capsys, "--db", str(path), "district", "add", long_name, "--home-help", "5")
        assert code == 1 and len(err) == 1, err
        assert "Disken er fuld" in err[0], err
        filler.unlink()
        assert _dump(path) == before
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        con.close()
        assert _run(capsys, "--db", str(path), "district", "add", long_name, "--home-help", "5")[0] == 0
