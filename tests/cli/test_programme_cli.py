"""``cirkel programme …`` (issue 14): the fixed command line, the plan's table, the workbook, refusals."""
from __future__ import annotations

import sqlite3

import pytest

from tests.helpers import run_cli

ISHOJ = (("Projekt 1", "450.000", (("Personaleudgifter", "400.000"), ("Øvrige aktiviteter", "50000"))),
         ("Projekt 2", "950000", (("Medarbejderressourcer", "850.000"), ("Aktivitetsmidler", "100.000,00"))),
         ("Projekt 3", "1.300.000", (("Medarbejderressourcer", "1.225.000"), ("Kompetenceudvikling", "75.000"))))


@pytest.fixture
def cli(tmp_path, capsys, me):
    """Run the CLI in-process on one database; returns (exit code, stdout, stderr)."""
    from cirkel_tui.cli import run
    from models.store import close_database

    db = str(tmp_path / "c.db")

    def call(*args):
        try:
            code = run(["--db", db, *args])
        finally:
            close_database()
        out = capsys.readouterr()
        return code, out.out, out.err

    assert call("init")[0] == 0
    call.db = db
    return call


def enter_ishoj(cli):
    for name, budget, lines in ISHOJ:
        code, out, err = cli("programme", "add", name, "--year", "2015", "--budget", budget)
        assert code == 0, err
        for line, amount in lines:
            code, out, err = cli("programme", "line", name, line, "--amount", amount)
            assert code == 0, err


def table(out: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")] for line in out.splitlines() if "|" in line]


def test_the_plans_table_in_the_cli_and_the_workbook(cli, tmp_path):
    from openpyxl import load_workbook

    enter_ishoj(cli)
    code, out, err = cli("programme", "report", "--year", "2015")
    assert code == 0, err
    rows = table(out)
    assert rows[0] == ["Projekt", "Linje", "Budget", "Forbrugt", "Tilbage"]
    assert rows[1:] == [
        ["Projekt 1", "Personaleudgifter", "400.000", "0", "400.000"],
        ["Projekt 1", "Øvrige aktiviteter", "50.000", "0", "50.000"],
        ["Projekt 1", "I alt", "450.000", "0", "450.000"],
        ["Projekt 2", "Medarbejderressourcer", "850.000", "0", "850.000"],
        ["Projekt 2", "Aktivitetsmidler", "100.000", "0", "100.000"],
        ["Projekt 2", "I alt", "950.000", "0", "950.000"],
        ["Projekt 3", "Medarbejderressourcer", "1.225.000", "0", "1.225.000"],
        ["Projekt 3", "Kompetenceudvikling", "75.000", "0", "75.000"],
        ["Projekt 3", "I alt", "1.300.000", "0", "1.300.000"],
        ["I alt", "", "2.700.000", "0", "2.700.000"]]

    path = tmp_path / "rapport.xlsx"
    code, out, err = cli("programme", "report", "--year", "2015", "--out", str(path))
    assert code == 0, err
    assert str(path) in out
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    wb = load_workbook(path)
    assert wb.sheetnames == ["Projekter", "Deltagelse"]
    ws = wb["Projekter"]
    values = list(ws.values)
    assert values[0] == ("Projekt", "Linje", "Budget", "Forbrugt", "Tilbage")
    assert [v[2] for v in values if v[1] == "I alt"] == [450000, 950000, 1300000]
    assert values[-1][:3] == ("I alt", None, 2700000) and isinstance(values[-1][2], (int, float))
    assert ws.page_setup.fitToWidth == 1 and ws.print_title_rows == "$1:$1"
    assert list(wb["Deltagelse"].values)[0][:4] == ("Projekt", "Måned", "Deltagere", "Gæster")
    again = cli("programme", "report", "--out", str(path))
    assert again[0] == 1 and again[2].count("\n") == 1  # no overwrite without --force
    assert cli("programme", "report", "--out", str(path), "--force")[0] == 0


def test_spend_enrol_leave_and_list(cli):
    enter_ishoj(cli)
    conn = sqlite3.connect(cli.db)
    conn.execute("insert into citizen (cpr, name, address, postcode, city, phone, receives_home_help, state, "
                 "created_at) values ('0101401234', 'Karen Jensen', '', '', '', '', 1, 'active', '2015-01-01')")
    conn.commit()
    code, out, err = cli("programme", "spend", "Projekt 2", "Aktivitetsmidler", "--amount", "1.850,50",
                         "--date", "2015-05-06", "--note", "Kaffe")
    assert code == 0, err
    assert "1.850,50 kr registreret på Aktivitetsmidler (06-05-2015)" in out and "tilbage 98.149,50 kr" in out
    code, out, err = cli("programme", "enrol", "Projekt 2", "010140-1234", "--date", "2015-05-01")
    assert code == 0, err
    assert "Karen Jensen er tilmeldt Projekt 2 fra 01-05-2015" in out
    code, out, err = cli("programme", "list", "--year", "2015")
    assert code == 0 and "Projekt 2 · 2015 · budget 950.000 kr" in out and "forbrugt 1.850,50 kr" in out
    code, out, err = cli("programme", "leave", "Projekt 2", "0101401234", "--date", "2015-06-30")
    assert code == 0, err
    assert "slutter 30-06-2015" in out
    rows = table(cli("programme", "report")[1])
    assert ["Projekt 2", "Aktivitetsmidler", "100.000", "1.850,50", "98.149,50"] in rows
    assert rows[-1] == ["I alt", "", "2.700.000", "1.850,50", "2.698.149,50"]
    assert cli("programme", "list", "--year", "2099")[1].strip() == "Ingen projekter."


def test_refusals_are_one_line_and_write_nothing(cli):
    enter_ishoj(cli)
    conn = sqlite3.connect(cli.db)
    counts = lambda: [conn.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: E731
                      for t in ("programme", "budget_line", "expense", "enrolment", "audit_log")]
    before = counts()
    for args in (("add", "Projekt 4", "--year", "2015", "--budget", "1,225,000"),
                 ("add", "projekt 1", "--year", "2015", "--budget", "1"),
                 ("add", "Projekt 4", "--year", "15", "--budget", "1"),
                 ("line", "Projekt 1", "Ekstra", "--amount", "1"),
                 ("line", "Projekt 9", "Ekstra", "--amount", "1"),
                 ("spend", "Projekt 1", "Husleje", "--amount", "10"),
                 ("spend", "Projekt 1", "Personaleudgifter", "--amount", "10", "--date", "2015-02-30"),
                 ("spend", "Projekt 1", "Personaleudgifter", "--amount", "ti"),
                 ("enrol", "Projekt 1", "0101401234"),
                 ("leave", "Projekt 1", "Ingen"),
                 ("report", "--year", "20x")):
        code, out, err = cli("programme", *args)
        assert code == 1, args
        assert err.startswith("cirkel: ") and err.count("\n") == 1 and "Traceback" not in err, (args, err)
    assert counts() == before
    with pytest.raises(SystemExit) as usage:  # --year and --budget are required: a usage error
        cli("programme", "add", "X")
    assert usage.value.code == 2


def test_a_therapist_may_read_but_not_write(tmp_path):
    db = str(tmp_path / "c.db")
    assert run_cli("init", db=db).returncode == 0
    conn = sqlite3.connect(db)
    conn.execute("update staff set role = 'terapeut'")
    conn.commit()
    refused = run_cli("programme", "add", "Projekt 1", "--year", "2015", "--budget", "450.000", db=db)
    assert refused.returncode == 1 and "leder" in refused.stderr and refused.stderr.count("\n") == 1
    listed = run_cli("programme", "report", db=db)
    assert listed.returncode == 0 and "I alt" in listed.stdout
    assert conn.execute("select count(*) from programme").fetchone()[0] == 0
