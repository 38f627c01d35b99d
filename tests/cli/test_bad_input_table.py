"""Every command over bad input: exit 1 or 2, exactly one line on stderr, never "uventet fejl",
and the database unchanged (access-log rows aside). Issue #10, "Tests".

In-process (``cirkel_tui.cli.run``) on a demo database, so the table stays fast;
``test_a_few_bad_inputs_as_real_processes`` runs some of them as real commands
(argv bytes that are not UTF-8 included).
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from cirkel_tui.cli import run
from models.store import close_database

BAD_BYTES = os.fsdecode(b"bad\xffbyte")  # what Python makes of a non-UTF-8 argv byte
HUGE = "1" + "0" * 30
TWENTY = "9" * 20

# (argv after --db DB; "{card}", "{cpr}", "{event}", "{db}", "{tmp}" are filled in)
BAD = [
    # punch
    ["punch", "¹⁰¹⁰", "1", "--activity", "Tur"],
    ["punch", "{card}", "¹", "--activity", "Tur"],
    ["punch", "{card}", HUGE, "--activity", "Tur"],
    ["punch", "{card}", TWENTY, "--activity", "Tur"],
    ["punch", "{card}", "1e309", "--activity", "Tur"],
    ["punch", "{card}", "-1", "--activity", "Tur"],
    ["punch", "{card}", "0", "--activity", "Tur"],
    ["punch", "{card}", "1.5", "--activity", "Tur"],
    ["punch", "{card}", "11", "--activity", "Tur"],
    ["punch", "{card}", "1", "--activity", ""],
    ["punch", "{card}", "1", "--activity", "   "],
    ["punch", "{card}", "1", "--activity", "x" * 100_000],
    ["punch", "{card}", "1", "--activity", "\u200b"],
    ["punch", "{card}", "1", "--activity", "Tur\x7f"],
    ["punch", "{card}", "1", "--activity", "Tur\nmed linjeskift"],
    ["punch", "{card}", "1", "--activity", BAD_BYTES],
    ["punch", "{card}", "1", "--activity", "Tur", "--date", "2026-02-30"],
    ["punch", "{card}", "1", "--activity", "Tur", "--date", "i morgen"],
    ["punch", "{card}", "1", "--activity", "Tur", "--date", "2099-01-01"],
    ["punch", "{card}", "1", "--activity", "Tur", "--date", "0001-01-01"],
    ["punch", "{card}", "1", "--activity", "Tur", "--id", "not-a-uuid"],
    ["punch", "999999999", "1", "--activity", "Tur"],
    ["punch", "1000000000", "1", "--activity", "Tur"],
    ["punch", "311399-1234", "1", "--activity", "Tur"],
    ["punch", BAD_BYTES, "1", "--activity", "Tur"],
    ["punch", "", "1", "--activity", "Tur"],
    ["punch", "{card}", "1"],
    # agreement
    ["agreement", "add", "{cpr}", "--clips", HUGE, "--reason", "Behov"],
    ["agreement", "add", "{cpr}", "--clips", "¹²", "--reason", "Behov"],
    ["agreement", "add", "{cpr}", "--clips", "5", "--reason", "Behov"],
    ["agreement", "add", "{cpr}", "--clips", "20", "--reason", ""],
    ["agreement", "add", "{cpr}", "--clips", "20", "--reason", "x" * 100_000],
    ["agreement", "add", "{cpr}", "--clips", "20", "--reason", BAD_BYTES],
    ["agreement", "add", "{cpr}", "--clips", "20", "--reason", "Behov", "--until", "31-31-2026"],
    ["agreement", "add", "{cpr}", "--clips", "20", "--reason", "Behov", "--activity", "\x01"],
    ["agreement", "add", "0000000000", "--clips", "20", "--reason", "Behov"],
    # staff
    ["staff", "add", "x" * 100_000, "--name", "X", "--role", "terapeut"],
    ["staff", "add", "daemon", "--name", "x" * 100_000, "--role", "terapeut"],
    ["staff", "add", "dae\x1bmon", "--name", "D", "--role", "terapeut"],
    ["staff", "add", "daemon", "--name", "D\x00", "--role", "terapeut"],
    ["staff", "add", "an ne", "--name", "Anne", "--role", "terapeut"],
    ["staff", "add", "{me_upper}", "--name", "Igen", "--role", "terapeut"],
    ["staff", "add", "ingen-saadan-konto", "--name", "Ingen", "--role", "terapeut"],
    ["staff", "add", BAD_BYTES, "--name", "B", "--role", "terapeut"],
    ["staff", "add", "daemon", "--name", BAD_BYTES, "--role", "terapeut"],
    ["staff", "add", "daemon", "--name", "D", "--role", "chef"],
    ["staff", "add", "daemon", "--name", "D", "--role", "terapeut", "--district", "Atlantis"],
    ["staff", "add", "daemon", "--name", "D", "--role", "terapeut", "--district", BAD_BYTES],
    ["staff", "add", "daemon", "--name", "", "--role", "terapeut"],
    ["staff", "add", "", "--name", "D", "--role", "terapeut"],
    ["staff"],
    # pools, districts, budget
    ["pools", "--year", "0"],
    ["pools", "--year", "-1"],
    ["pools", "--year", HUGE],
    ["pools", "--year", "²⁰²⁶"],
    ["pools", "--year", "1e309"],
    ["pools", "--year", "26"],
    ["pools", "--year", "tyve"],
    ["district", "add", "x" * 1000, "--home-help", "10"],
    ["district", "add", BAD_BYTES, "--home-help", "10"],
    ["district", "add", "\u200b", "--home-help", "10"],
    ["district", "add", "Nyby", "--home-help", HUGE],
    ["district", "add", "Nyby", "--home-help", "-5"],
    ["district", "add", "Nyby", "--home-help", "fem"],
    ["district", "add", "Tørring", "--home-help", "10"],
    ["district", "add", "", "--home-help", "10"],
    ["district", "set", "Atlantis", "--home-help", "10"],
    ["district", "set", "Tørring", "--home-help", TWENTY],
    ["district", "set", "Tørring", "--name", "x" * 1000],
    ["district", "set", "Tørring", "--name", BAD_BYTES],
    ["budget", "set", "0", "--budget", "100000", "--price", "100"],
    ["budget", "set", HUGE, "--budget", "100000", "--price", "100"],
    ["budget", "set", "2026", "--budget", HUGE, "--price", "100"],
    ["budget", "set", "2026", "--budget", "100000", "--price", "0.001"],
    ["budget", "set", "2026", "--budget", "100000", "--price", "0"],
    ["budget", "set", "2026", "--budget", "100000", "--price", "1e309"],
    ["budget", "set", "2026", "--budget", "-1", "--price", "100"],
    ["budget", "set", "2026", "--budget", "mange", "--price", "100"],
    ["budget", "set", "2026", "--budget", "100000", "--price", "100", "--reserve", "1e309"],
    ["budget", "set", "2026", "--budget", "100000", "--price", "100", "--per-participant", HUGE],
    ["budget", "set", "2026", "--budget", "100000", "--price", "100", "--per-participant", "¹"],
    # waitlist
    ["waitlist", "--district", "Atlantis"],
    ["waitlist", "--district", BAD_BYTES],
    ["waitlist", "--district", "x" * 1000],
    # events
    ["events", "participants", HUGE],
    ["events", "participants", "¹"],
    ["events", "participants", "999999"],
    ["events", "participants", "-1"],
    ["events", "participants", "{event}", "--out", "/proc/x"],
    ["events", "participants", "{event}", "--out", "{db}"],
    ["events", "participants", "{event}", "--out", "{tmp}/findes/ikke/x.xlsx"],
    ["events", "participants", "{event}", "--out", "{tmp}/link.xlsx"],
    ["events", "frobnicate"],
    # export and import
    ["export", "--month", "2026-13"],
    ["export", "--year", "26"],
    ["export", "--year", HUGE],
    ["export", "--year", "2026", "--out", "{db}"],
    ["export", "--year", "2026", "--out", "{db}-wal"],
    ["export", "--year", "2026", "--out", "/proc/x.xlsx"],
    ["export", "--year", "2026", "--out", "{tmp}/link.xlsx"],
    ["export", "--year", "2026", "--out", "{tmp}"],
    ["export", "--year", "2026", "--out", "{tmp}/findes/ikke/x.xlsx"],
    ["export"],
    ["import", "{tmp}/væk.xlsx"],
    ["import", "{tmp}"],
    ["import", "/dev/null"],
    ["import", "{tmp}/kanal.xlsx"],
    ["import", "{tmp}/tekst.xlsx"],
    ["import", "{db}"],
    ["import", "{tmp}/bad-row.xlsx"],
    # backup, init, demo, check, the database path, unknown commands
    ["backup", "/proc/x.db"],
    ["backup", "{db}"],
    ["backup", "{tmp}"],
    ["backup", "{tmp}/link.xlsx"],
    ["backup", "{tmp}/findes/ikke/kopi.db"],
    ["init"],
    ["demo", "--citizens", "5"],
    ["demo", "--citizens", HUGE],
    ["frobnicate"],
    ["--db", "/dev/null", "waitlist"],
    ["--db", "{tmp}/mangler.db", "waitlist"],
    ["--db", "{tmp}", "waitlist"],
    ["--db", "{tmp}/tekst.xlsx", "pools"],
    ["--db", "/proc/x.db", "init"],
    ["--demo", "--db", "{db}", "waitlist"],
    # issue 13: pause, resume, end, followup
    ["pause", "¹⁰¹⁰", "--reason", "Indlagt"],
    ["pause", "{cpr}", "--reason", "x" * 100_000],
    ["pause", "{cpr}", "--reason", "Indlagt", "--until", "30-02-2026"],
    ["pause", "{cpr}", "--reason", BAD_BYTES],
    ["pause", "{cpr}"],
    ["resume", "999999999"],
    ["resume", BAD_BYTES],
    ["end", "{cpr}"],
    ["end", "{cpr}", "--reason", ""],
    ["end", "¹²", "--reason", "flyttet"],
    ["followup", "--weeks", HUGE],
    ["followup", "--weeks", "0"],
    ["followup", "--weeks", "¹"],
    # issue 14: programmes
    ["programme", "add", "Projekt X", "--year", "0", "--budget", "100"],
    ["programme", "add", "Projekt X", "--year", "2026", "--budget", "1e309"],
    ["programme", "add", "Projekt X", "--year", "2026", "--budget", "12,345"],
    ["programme", "add", BAD_BYTES, "--year", "2026", "--budget", "100"],
    ["programme", "line", "Ukendt projekt", "Linje", "--amount", "100"],
    ["programme", "spend", "Ukendt projekt", "Linje", "--amount", "-"],
    ["programme", "list", "--year", HUGE],
    # issue 19: the evaluation
    ["evaluation"],
    ["evaluation", "--year", "0"],
    ["evaluation", "--year", HUGE],
    ["evaluation", "--from", "2026-13-01", "--to", "2026-12-31"],
    ["evaluation", "--from", "2026-06-01", "--to", "2026-01-01"],
    ["evaluation", "--year", "2026", "--out", "{tmp}/link.xlsx"],
    # issue 16: printed cards
    ["card", "print", "¹⁰"],
    ["card", "print", "999999999"],
    ["card", "replace", "{card}", "--reason", ""],
    ["card", "handout", HUGE],
    ["card", "phone", "Ukendt distrikt", "75 00 00 00"],
    ["card", "history", BAD_BYTES],
    # issue #12: log, sample, review, retention, insight, setting, staff
    ["log", "--since", "31-02-2026"],
    ["log", "--until", "i går"],
    ["log", "--citizen", "123"],
    ["log", "--citizen", "0101991234"],
    ["log", "--staff", "ingen-saadan"],
    ["log", "--since", "2026-11-20", "--until", "2026-11-01"],
    ["log", "--limit", "0"],
    ["log", "sample", "--n", "0"],
    ["log", "sample", "--days", "-3"],
    ["log", "review", "999999", "ok"],
    ["log", "review", "1", "maybe"],
    ["retention", "--bogus"],
    ["insight", "0000000000"],
    ["insight", "{cpr}", "--out", "{db}"],
    ["insight", "{cpr}", "--out", "{tmp}/link.xlsx"],
    ["setting", "nope.key", "1"],
    ["setting", "retention.access_log_months", "0"],
    ["setting", "retention.deletion_years", "mange"],
    ["staff", "set", "ingen-saadan", "--name", "X"],
    ["staff", "set", "anne", "--language", "fr"],
    ["staff", "set", "anne", "--district", "Atlantis"],
    ["staff", "set", "anne", "--name", "\u200b"],
    ["staff", "deactivate", "ingen-saadan"],
]


def _dump(path: str) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [line for line in con.iterdump() if "access_log" not in line]
    finally:
        con.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A demo database and the files the table points at (made once for the whole table)."""
    import datetime as dt

    from models import base
    from models.demo import DEMO_MARK, fill_demo
    from models.entities import Card, Citizen, Event, Setting
    from models.staff import init_database
    from models.store import open_database
    from tests.conftest import FROZEN_DAY
    from tests.excel_helpers import write_sheet

    tmp = tmp_path_factory.mktemp("bad-input")
    db = str(tmp / "cirkel.db")
    me = __import__("pwd").getpwuid(os.getuid()).pw_name
    base.freeze_today(FROZEN_DAY)
    open_database(db)
    init_database(me, "Test Administrator")
    Setting.create(key=DEMO_MARK, value="1")
    fill_demo(me, citizens=200, seed=3)
    from models.entities import Agreement

    with_agreement = Agreement.select(Agreement.citizen)
    card = Card.select().where((Card.status == "open") & Card.citizen.not_in(with_agreement)).first()
    cpr = Citizen.get_by_id(card.citizen_id).cpr
    event = Event.select().first()
    close_database()
    base.freeze_today(None)
    (tmp / "link.xlsx").symlink_to(db)
    os.mkfifo(tmp / "kanal.xlsx")
    (tmp / "tekst.xlsx").write_text("ikke et regneark", encoding="utf-8")
    write_sheet(tmp / "bad-row.xlsx", [("010145-1235", "Bo", "Tørring", 99, dt.date(2026, 1, 1), 1, None)])
    return {"db": db, "tmp": str(tmp), "card": str(card.number), "cpr": cpr, "event": str(event.id),
            "me_upper": me.upper()}


def _argv(world, args: list[str]) -> list[str]:
    filled = [a.format(**world) if "{" in a else a for a in args]
    return filled if filled[0] == "--db" or filled[0] == "--demo" else ["--db", world["db"], *filled]


def _run(argv) -> int:
    try:
        return run(argv)
    except SystemExit as done:  # argparse's usage errors
        return int(done.code or 0)
    finally:
        close_database()


def test_the_table_has_more_than_100_bad_inputs_across_every_command():
    from cirkel_tui.cli import build_parser

    assert len(BAD) >= 100
    commands = {a[0] if a[0] not in ("--db", "--demo") else a[-1] for a in BAD}
    parser = build_parser()
    every = set(parser._subparsers._group_actions[0].choices)
    assert every - {"--db"} <= commands | {"check"}, every - commands


@pytest.mark.parametrize("args", BAD, ids=[" ".join(a)[:60] for a in BAD])
def test_bad_input_gets_one_line_and_changes_nothing(world, args, capsys):
    before = _dump(world["db"])
    code = _run(_argv(world, args))
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code in (1, 2), (code, captured.err, captured.out[:300])
    assert len(lines) == 1, lines
    assert "uventet fejl" not in captured.err and "Traceback" not in captured.err
    assert _dump(world["db"]) == before


def test_a_few_bad_inputs_as_real_processes(world):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    before = _dump(world["db"])
    cases = [
        [b"punch", world["card"].encode(), b"1", b"--activity", b"bad\xffbyte"],
        [b"staff", b"add", b"bad\xffbyte", b"--name", b"B", b"--role", b"terapeut"],
        [b"district", b"add", b"bad\xffbyte", b"--home-help", b"1"],
        [b"pools", b"--year", b"0"],
        [b"import", os.fsencode(world["tmp"]) + b"/kanal.xlsx"],
    ]
    for args in cases:
        done = subprocess.run([sys.executable, "-m", "cirkel_tui", b"--db", os.fsencode(world["db"]), *args],
                              cwd=root, capture_output=True, timeout=60)
        err = done.stderr.decode("utf-8", "replace")
        assert done.returncode in (1, 2) and err.count("\n") == 1 and "uventet fejl" not in err, (args, err)
    assert _dump(world["db"]) == before
