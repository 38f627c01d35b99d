"""``cirkel punch`` and ``cirkel agreement add`` as real subprocesses: output and exit codes."""
from __future__ import annotations

import sqlite3

import pytest

from tests.helpers import run_cli


@pytest.fixture
def demo_db(tmp_path):
    db = str(tmp_path / "c.db")
    made = run_cli("demo", "--citizens", "300", "--seed", "7", db=db)
    assert made.returncode == 0, made.stderr
    return db


def open_card(db, min_left=1):
    conn = sqlite3.connect(db)
    row = conn.execute(
        "select card.number, citizen.cpr, card.used, card.id from card join citizen on citizen.id = card.citizen_id "
        "where card.status = 'open' and citizen.state = 'active' and card.used <= ? "
        "and citizen.id not in (select citizen_id from agreement) order by card.id",
        (10 - min_left,)).fetchone()
    conn.close()
    return row


def count(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_punch_by_card_number_prints_the_clips_left(demo_db):
    number, _cpr, used, card_id = open_card(demo_db, 2)
    result = run_cli("punch", str(number), "2", "--activity", "Lægebesøg", db=demo_db)
    assert result.returncode == 0, result.stderr
    assert f"2 klip registreret på kort {number}" in result.stdout
    assert f"{10 - used - 2} klip tilbage" in result.stdout
    assert count(demo_db, f"select used from card where id = {card_id}") == used + 2


def test_punch_by_cpr_with_or_without_the_dash(demo_db):
    number, cpr, used, card_id = open_card(demo_db, 2)
    dashed = f"{cpr[:6]}-{cpr[6:]}"
    assert run_cli("punch", dashed, "1", "--activity", "Kaffe", db=demo_db).returncode == 0
    assert run_cli("punch", cpr, "1", "--activity", "Kaffe", db=demo_db).returncode == 0
    assert count(demo_db, f"select used from card where id = {card_id}") == used + 2


def test_a_refusal_exits_1_with_one_line_and_writes_nothing(demo_db):
    number, _cpr, used, card_id = open_card(demo_db, 1)
    punches = count(demo_db, "select count(*) from punch")
    for args, reason in (
        ([str(number), str(10 - used + 1), "--activity", "Bingo"], f"kun {10 - used} klip tilbage"),
        ([str(number), "11", "--activity", "Bingo"], "individuel aftale"),
        ([str(number), "0", "--activity", "Bingo"], "mindst 1"),
        ([str(number), "1", "--activity", "  "], "aktivitet"),
        ([str(number), "1", "--activity", "Bingo", "--date", "2099-01-01"], "fremtiden"),
        (["999999", "1", "--activity", "Bingo"], "intet kort"),
    ):
        result = run_cli("punch", *args, db=demo_db)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and reason in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert count(demo_db, "select count(*) from punch") == punches


def test_usage_errors_exit_2(demo_db):
    number, *_ = open_card(demo_db)
    for args in (["punch", str(number), "to", "--activity", "Bingo"],
                 ["punch", str(number), "1"],
                 ["punch", str(number), "1", "--activity", "Bingo", "--date", "20.13.2026"],
                 ["agreement", "add", str(number), "--clips", "12"]):
        result = run_cli(*args, db=demo_db)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_agreement_add_is_for_leaders_and_a_punch_above_ten_draws_from_it(demo_db, me):
    number, _cpr, used, card_id = open_card(demo_db)
    conn = sqlite3.connect(demo_db)
    conn.execute("update staff set role = 'terapeut' where login = ?", (me,))
    conn.commit()
    refused = run_cli("agreement", "add", str(number), "--clips", "12", "--reason", "Hospital", db=demo_db)
    assert refused.returncode == 1 and "Kun leder" in refused.stderr
    conn.execute("update staff set role = 'leder' where login = ?", (me,))
    conn.commit()
    conn.close()
    before = count(demo_db, "select count(*) from agreement")
    made = run_cli("agreement", "add", str(number), "--clips", "12", "--reason", "Hospital i Aarhus",
                   "--until", "2099-12-31", db=demo_db)
    assert made.returncode == 0, made.stderr
    assert "12 klip" in made.stdout and "31-12-2099" in made.stdout
    assert count(demo_db, "select count(*) from agreement") == before + 1
    punched = run_cli("punch", str(number), "12", "--activity", "Hospitalsbesøg", db=demo_db)
    assert punched.returncode == 0, punched.stderr
    assert "under aftale" in punched.stdout and "0 klip tilbage på aftalen" in punched.stdout
    assert count(demo_db, f"select used from card where id = {card_id}") == used  # the card untouched


def test_a_retried_punch_with_the_same_id_is_not_punched_twice(demo_db):
    number, _cpr, used, card_id = open_card(demo_db, 2)
    punch_id = "3f2b8c1e-0d7a-4e55-9c61-2a4f0b9e7d13"
    first = run_cli("punch", str(number), "1", "--activity", "Tur", "--id", punch_id, db=demo_db)
    assert first.returncode == 0, first.stderr
    again = run_cli("punch", str(number), "1", "--activity", "Tur", "--id", punch_id, db=demo_db)
    assert again.returncode == 0 and "allerede registreret" in again.stdout and "intet nyt klip" in again.stdout
    assert count(demo_db, f"select used from card where id = {card_id}") == used + 1
    assert count(demo_db, f"select count(*) from punch where id = '{punch_id}'") == 1
    other = run_cli("punch", str(number), "2", "--activity", "Tur", "--id", punch_id, db=demo_db)
    assert other.returncode == 1 and other.stderr.count("\n") == 1 and "allerede brugt" in other.stderr
    assert count(demo_db, f"select used from card where id = {card_id}") == used + 1
    bad = run_cli("punch", str(number), "1", "--activity", "Tur", "--id", "ikke-et-uuid", db=demo_db)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "UUID" in bad.stderr
