"""``cirkel check``, a backup of a damaged database, the TUI's quick check at start (issue #10, item 10)."""
from __future__ import annotations

import sqlite3

import pytest

from cirkel_tui.cli import run
from models.store import close_database


def _run(capsys, *argv):
    code = run(list(argv))
    close_database()
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), captured.out


@pytest.fixture
def damaged(capsys, tmp_path):
    path = tmp_path / "cirkel.db"
    assert _run(capsys, "--db", str(path), "init")[0] == 0
    for i in range(40):
        assert _run(capsys, "--db", str(path), "district", "add", f"Distrikt {i:02d} " + "x" * 40,
                    "--home-help", str(i + 1))[0] == 0
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'district_name'").fetchone()[0]
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with open(path, "r+b") as handle:  # overwrite the index page of district names
        handle.seek((root - 1) * page)
        handle.write(b"\x0a\x00\x00\x00\x09" + b"\x07" * (page - 5))
    return path


def test_check_says_a_whole_database_is_whole(capsys, tmp_path):
    path = tmp_path / "cirkel.db"
    assert _run(capsys, "--db", str(path), "init")[0] == 0
    code, err, out = _run(capsys, "--db", str(path), "check")
    assert (code, err) == (0, []) and "er hel" in out


def test_check_names_what_it_found_in_a_damaged_database(capsys, damaged):
    code, err, out = _run(capsys, "--db", str(damaged), "check")
    assert code == 1 and len(err) == 1 and "beskadiget" in err[0], err
    assert out.strip(), "the findings are listed"


def test_backup_of_a_damaged_database_says_so_and_saves_nothing(capsys, damaged, tmp_path):
    code, err, _out = _run(capsys, "--db", str(damaged), "backup", str(tmp_path / "kopi.db"))
    assert code == 1 and len(err) == 1 and "beskadiget" in err[0] and "cirkel check" in err[0], err
    assert not (tmp_path / "kopi.db").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kopi")]


def test_only_a_leader_checks(capsys, tmp_path):
    from models.entities import Staff
    from models.store import open_database

    path = tmp_path / "cirkel.db"
    assert _run(capsys, "--db", str(path), "init")[0] == 0
    open_database(str(path))
    Staff.update(role="terapeut").execute()
    close_database()
    code, err, _out = _run(capsys, "--db", str(path), "check")
    assert code == 1 and "Kun leder" in err[0]


async def test_the_tui_warns_at_start_when_the_quick_check_fails(damaged, me):
    from cirkel_tui.app import CirkelApp
    from models.staff import require_staff
    from models.store import open_database

    open_database(str(damaged))
    app = CirkelApp(actor_id=require_staff(me).id, db_path=str(damaged))
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(200):  # the check starts a second after the first frame (issue #17)
            await pilot.pause(0.05)
            if any("beskadiget" in n.message for n in app._notifications):
                break
        assert any("beskadiget" in n.message and n.severity == "error" for n in app._notifications)
