"""Issue #12 from the command line: every command that shows a citizen writes an access row;
need-to-know for cirkel punch; log, sample, review, retention, insight, staff, language."""
from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from tests.helpers import run_cli


@pytest.fixture
def demo_db(tmp_path):
    db = str(tmp_path / "c.db")
    made = run_cli("demo", "--citizens", "300", "--seed", "7", db=db)
    assert made.returncode == 0, made.stderr
    return db


def q(db, sql, *args):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def a_card(db, district):
    return q(db, "select card.number, citizen.cpr, citizen.id from card join citizen on citizen.id = card.citizen_id "
                 "join district on district.id = citizen.district_id where card.status = 'open' and "
                 "citizen.state = 'active' and card.used <= 8 and district.name = ? order by card.id", district)[0]


def test_every_command_that_shows_a_citizen_writes_an_access_row(demo_db, tmp_path):
    number, cpr, cid = a_card(demo_db, "Hedensted")
    event = q(demo_db, "select id from event order by id")[0][0]
    commands = [
        (["punch", str(number), "1", "--activity", "Kaffe"], "lookup", "klipregistrering"),
        (["agreement", "add", cpr, "--clips", "12", "--reason", "Hospital"], "lookup", "aftale"),
        (["insight", cpr, "--out", str(tmp_path / "i.xlsx")], "insight", "indsigt"),
        (["log", "--citizen", cpr], "log", "logkontrol"),
        (["waitlist"], "list", "venteliste"),
        (["retention"], "list", "sletning"),
        (["events", "participants", str(event)], "list", "fællestur"),
    ]
    for args, action, purpose in commands:
        before = q(demo_db, "select max(id) from access_log")[0][0] or 0
        result = run_cli(*args, db=demo_db)
        assert result.returncode == 0, (args, result.stderr)
        new = q(demo_db, "select action, purpose, actor_id from access_log where id > ?", before)
        assert (action, purpose) in [(a, p) for a, p, _actor in new], (args, new)
        assert all(actor for _a, _p, actor in new)


def test_cirkel_punch_for_another_district_needs_reason(demo_db, me):
    number, cpr, cid = a_card(demo_db, "Tørring")
    assert run_cli("staff", "set", me, "--role", "terapeut", "--district", "Hedensted", db=demo_db).returncode == 1
    assert run_cli("staff", "set", "mette", "--role", "admin", db=demo_db).returncode == 0
    assert run_cli("staff", "set", me, "--role", "terapeut", "--district", "Hedensted", db=demo_db).returncode == 0
    refused = run_cli("punch", cpr, "1", "--activity", "Kaffe", db=demo_db)
    assert refused.returncode == 1 and "--reason" in refused.stderr and refused.stderr.count("\n") == 1
    assert q(demo_db, "select count(*) from punch where citizen_id = ? and activity = 'Kaffe'", cid)[0][0] == 0
    ok = run_cli("punch", cpr, "1", "--activity", "Kaffe", "--reason", "Vikar for Sofie", db=demo_db)
    assert ok.returncode == 0, ok.stderr
    assert q(demo_db, "select criterion from access_log where citizen_id = ? and action = 'lookup'",
             cid)[-1][0].endswith("begrundelse: Vikar for Sofie")


def test_cirkel_log_masks_cpr_unless_named_and_audit_reads(demo_db):
    number, cpr, cid = a_card(demo_db, "Hedensted")
    assert run_cli("punch", cpr, "1", "--activity", "Kaffe", db=demo_db).returncode == 0
    all_rows = run_cli("log", db=demo_db)
    assert all_rows.returncode == 0 and cpr not in all_rows.stdout and f"{cpr[:6]}-XXXX" in all_rows.stdout
    named = run_cli("log", "--citizen", cpr, "--action", "lookup", db=demo_db)
    assert f"{cpr[:6]}-{cpr[6:]}" in named.stdout
    audit = run_cli("log", "--audit", "--action", "punch", db=demo_db)
    assert audit.returncode == 0 and len(audit.stdout.splitlines()) == 1 and " punch " in audit.stdout
    assert len(run_cli("log", "--audit", "--limit", "3", db=demo_db).stdout.splitlines()) == 3
    bad = run_cli("log", "--since", "31-02-2026", db=demo_db)
    assert bad.returncode == 2


def test_log_sample_review_retention_insight_and_staff(demo_db, tmp_path, me):
    number, cpr, cid = a_card(demo_db, "Hedensted")
    for _ in range(3):
        run_cli("punch", cpr, "1", "--activity", "Kaffe", db=demo_db)
    sample = run_cli("log", "sample", "--n", "2", db=demo_db)
    assert sample.returncode == 0 and "Stikprøve" in sample.stdout, sample.stderr
    line = int(sample.stdout.splitlines()[1].split()[0])
    assert run_cli("log", "review", str(line), "follow-up", db=demo_db).returncode == 1  # needs a note
    assert run_cli("log", "review", str(line), "follow-up", "--note", "Spørg", db=demo_db).returncode == 0
    assert q(demo_db, "select verdict from log_review where id = ?", line)[0][0] == "follow_up"
    dry = run_cli("retention", db=demo_db)
    assert dry.returncode == 0 and "slettes med --apply" in dry.stdout
    applied = run_cli("retention", "--apply", db=demo_db)
    assert applied.returncode == 0, applied.stderr
    out = tmp_path / "indsigt.xlsx"
    assert run_cli("insight", cpr, "--out", str(out), db=demo_db).returncode == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert run_cli("insight", cpr, "--out", str(out), db=demo_db).returncode == 1  # no overwrite without --force
    listed = run_cli("staff", "list", db=demo_db)
    assert "anne" in listed.stdout and "Hedensted" in listed.stdout
    assert run_cli("staff", "deactivate", "anne", db=demo_db).returncode == 0
    assert "deaktiveret" in run_cli("staff", "list", db=demo_db).stdout


def test_the_staff_language_applies_after_identity(demo_db, me):
    assert run_cli("staff", "set", me, "--language", "en", db=demo_db).returncode == 0
    number, cpr, cid = a_card(demo_db, "Hedensted")
    result = run_cli("punch", str(number), "1", "--activity", "Kaffe", db=demo_db, env={"CIRKEL_LANG": ""})
    assert result.returncode == 0 and "registered" in result.stdout, result.stdout
