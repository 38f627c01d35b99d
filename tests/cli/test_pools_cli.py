"""``cirkel district``, ``cirkel budget set`` and ``cirkel pools`` as real subprocesses."""
from __future__ import annotations

import sqlite3

from tests.helpers import run_cli


def test_districts_budget_and_pools_from_the_command_line(tmp_path):
    db = str(tmp_path / "c.db")
    assert run_cli("init", db=db).returncode == 0

    none = run_cli("budget", "set", "2016", "--budget", "1.200.000", "--price", "187", db=db)
    assert none.returncode == 1 and "ingen distrikter" in none.stderr and none.stderr.count("\n") == 1

    for name, count in (("Hedensted", "212"), ("Juelsminde", "118"), ("Tørring", "145")):
        added = run_cli("district", "add", name, "--home-help", count, db=db)
        assert added.returncode == 0, added.stderr
        assert f"Distriktet {name} er oprettet med {count} hjemmehjælpsmodtagere" in added.stdout

    dry = run_cli("budget", "set", "2015", "--budget", "600.000", "--price", "187", "--reserve", "30.000",
                  "--dry-run", db=db)
    assert dry.returncode == 0, dry.stderr
    assert "= 3.048 klip" in dry.stdout and "Ikke gemt" in dry.stdout
    saved = run_cli("budget", "set", "2016", "--budget", "1.200.000", "--price", "187", "--reserve", "60000",
                    db=db)
    assert saved.returncode == 0, saved.stderr
    assert "6.096 klip" in saved.stdout and "Gemt." in saved.stdout

    pools = run_cli("pools", "--year", "2016", db=db)
    assert pools.returncode == 0, pools.stderr
    lines = pools.stdout.splitlines()
    assert lines[0] == "Puljer 2016: 6.096 klip, 52 klip pr. deltager"
    rows = {line.split()[0]: line.split() for line in lines[3:] if line and not line.startswith("-")}
    assert rows["Hedensted"][1:4] == ["2.721", "0", "0"]
    assert rows["Juelsminde"][1] == "1.514" and rows["Tørring"][1] == "1.861"
    assert rows["I"][2:4] == ["6.096", "0"]  # "I alt": the totals row adds up to the year's clips
    assert any("Budget 1.200.000 kr" in line and "tilbage 1.200.000 kr" in line for line in lines)

    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from budget").fetchone()[0] == 1  # the dry run saved nothing
    assert conn.execute("select sum(allocated) from pool").fetchone()[0] == 6096


def test_refusals_and_usage_errors(tmp_path):
    db = str(tmp_path / "c.db")
    assert run_cli("init", db=db).returncode == 0
    assert run_cli("district", "add", "Hedensted", "--home-help", "212", db=db).returncode == 0

    negative = run_cli("district", "add", "Tørring", "--home-help", "-4", db=db)
    assert negative.returncode == 1 and "helt tal" in negative.stderr
    duplicate = run_cli("district", "add", "hedensted", "--home-help", "4", db=db)
    assert duplicate.returncode == 1 and "findes allerede" in duplicate.stderr
    nothing = run_cli("district", "set", "Hedensted", db=db)
    assert nothing.returncode == 2
    not_a_number = run_cli("district", "add", "Tørring", "--home-help", "mange", db=db)
    assert not_a_number.returncode == 2
    changed = run_cli("district", "set", "Hedensted", "--home-help", "230", db=db)
    assert changed.returncode == 0 and "230 hjemmehjælpsmodtagere" in changed.stdout

    reserve = run_cli("budget", "set", "2026", "--budget", "600000", "--price", "187", "--reserve", "700000", db=db)
    assert reserve.returncode == 1 and "Transportreserven" in reserve.stderr
    zero = run_cli("budget", "set", "2026", "--budget", "0", "--price", "187", db=db)
    assert zero.returncode == 1 and "større end 0" in zero.stderr
    no_budget = run_cli("pools", "--year", "2030", db=db)
    assert no_budget.returncode == 1 and "ikke sat et budget for 2030" in no_budget.stderr
    bad_year = run_cli("pools", "--year", "næste", db=db)
    assert bad_year.returncode == 2
    for result in (negative, duplicate, nothing, not_a_number, reserve, zero, no_budget, bad_year):
        assert "Traceback" not in result.stderr

    conn = sqlite3.connect(db)
    assert conn.execute("select name, home_help_count from district").fetchall() == [("Hedensted", 230)]
    assert conn.execute("select count(*) from budget").fetchone()[0] == 0


def test_pools_on_the_demo_database_shows_this_years_figures(tmp_path):
    db = str(tmp_path / "c.db")
    assert run_cli("demo", "--citizens", "200", "--seed", "3", db=db).returncode == 0
    result = run_cli("pools", db=db)
    assert result.returncode == 0, result.stderr
    assert "Hedensted" in result.stdout and "I alt" in result.stdout and "Løber tør" in result.stdout


# flows (issue #15): a budget that closes districts for intake names them, before (--dry-run) and when saved
def test_budget_set_names_the_districts_it_would_close_for_intake(admin, db_path, frozen_day):
    from models.budget import add_district, set_budget
    from tests.domain.test_budget import participant

    districts = [add_district(admin, name, count).district
                 for name, count in (("Hedensted", 212), ("Juelsminde", 118), ("Tørring", 145))]
    set_budget(admin, 2026, 100_000, 100, 0)  # Juelsminde 248 clips: 4 places
    for _ in range(3):
        participant(districts[1])
    dry = run_cli("budget", "set", "2026", "--budget", "60.000", "--price", "100", "--dry-run", db=db_path)
    assert dry.returncode == 0, dry.stderr
    assert "Lukker for optag (ingen ledig plads efter fordelingen): Juelsminde" in dry.stdout
    same = run_cli("budget", "set", "2026", "--budget", "100.000", "--price", "100", "--dry-run", db=db_path)
    assert "Lukker for optag" not in same.stdout
