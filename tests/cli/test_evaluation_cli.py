"""``cirkel evaluation`` as a real process: the summary, the workbook, exit codes."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3

from tests.excel_helpers import sheet_rows
from tests.helpers import run_cli


def test_summary_workbook_and_refusals(tmp_path):
    db = str(tmp_path / "c.db")
    assert run_cli("demo", "--citizens", "200", "--seed", "5", db=db).returncode == 0
    year = str(dt.date.today().year)

    summary = run_cli("evaluation", "--year", year, db=db)
    assert summary.returncode == 0, summary.stderr
    lines = summary.stdout.splitlines()
    assert lines[0].startswith(f"Evaluering {year} (01-01-{year} – ")
    for words in ("Deltagere:", "Klip:", "Borgernes egne idéer", "WHO-5 (±10 point)", "UCLA-3 (±1 point)",
                  "Netværk (±1 person)", "WHO-5 ≤ 28", "UCLA-3 ≥ 7", "Afslutninger:", "Fællesture:",
                  "Pr. distrikt:", "Hedensted:"):
        assert any(words in line for line in lines), words

    out = tmp_path / "ev.xlsx"
    written = run_cli("evaluation", "--from", f"{year}-01-01", "--to", f"{year}-06-30", "--out", str(out), db=db)
    assert written.returncode == 0, written.stderr
    assert str(out) in written.stdout and os.stat(out).st_mode & 0o777 == 0o600
    assert sheet_rows(out, "Deltagere")[0] == ("Måned", "Distrikt", "Aktive", "På pause", "Venteliste", "Startet",
                                               "Afsluttet")
    again = run_cli("evaluation", "--year", year, "--out", str(out), db=db)
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "findes" in again.stderr
    assert run_cli("evaluation", "--year", year, "--out", str(out), "--force", db=db).returncode == 0
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from access_log where action='export' and criterion like 'evaluering%'"
                        ).fetchone()[0] == 2

    for args in (("--year", year, "--from", f"{year}-01-01", "--to", f"{year}-02-01"), (),
                 ("--from", f"{year}-01-01"), ("--year", "26"), ("--from", "31-02-2026", "--to", "2026-03-01")):
        usage = run_cli("evaluation", *args, db=db)
        assert usage.returncode == 2 and usage.stderr.count("\n") == 1 and "Traceback" not in usage.stderr, args
    future = run_cli("evaluation", "--year", str(int(year) + 1), db=db)
    assert future.returncode == 1 and "ikke begyndt" in future.stderr and future.stderr.count("\n") == 1
    backwards = run_cli("evaluation", "--from", f"{year}-05-01", "--to", f"{year}-01-01", db=db)
    assert backwards.returncode == 1 and "før startdatoen" in backwards.stderr
