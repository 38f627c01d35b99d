"""``cirkel export`` and ``cirkel import`` as real processes: files, exit codes, messages."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from tests.excel_helpers import has_formula, sheet_rows, write_sheet
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


@pytest.fixture
def demo_db(tmp_path):
    db = str(tmp_path / "c.db")
    made = run_cli("demo", "--citizens", "200", "--seed", "5", db=db)
    assert made.returncode == 0, made.stderr
    return db


def _counts(db: str) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        return {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def test_export_month_and_year_write_the_documentation(demo_db, tmp_path):
    month = dt.date.today().strftime("%Y-%m")
    out = tmp_path / "m.xlsx"
    done = run_cli("export", "--month", month, "--out", str(out), db=demo_db)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and "kort" in done.stdout
    assert sheet_rows(out, "Klippekort")[0][0] == "CPR"
    assert not has_formula(out)
    year = run_cli("export", "--year", str(dt.date.today().year), "--out", str(tmp_path / "y.xlsx"), db=demo_db)
    assert year.returncode == 0, year.stderr
    conn = sqlite3.connect(demo_db)
    assert conn.execute("select count(*) from audit_log where operation='export'").fetchone()[0] == 2
    assert conn.execute("select count(*) from access_log where action='export'").fetchone()[0] == 2


def test_export_without_out_uses_the_default_name_in_the_current_directory(demo_db, tmp_path):
    workdir = tmp_path / "here"
    workdir.mkdir()
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    year = str(dt.date.today().year)
    done = subprocess.run([sys.executable, "-m", "cirkel_tui", "--db", demo_db, "export", "--year", year],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (workdir / f"cirkel-{year}.xlsx").exists()
    month = dt.date.today().strftime("%Y-%m")
    done = subprocess.run([sys.executable, "-m", "cirkel_tui", "--db", demo_db, "export", "--month", month],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (workdir / f"cirkel-{month}.xlsx").exists()


def test_export_usage_errors_exit_2_and_refusals_exit_1(demo_db, tmp_path):
    for args in (["export"], ["export", "--month", "2026-13"], ["export", "--year", "26"],
                 ["export", "--month", "2026-01", "--year", "2026"]):
        done = run_cli(*args, db=demo_db)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
    missing_dir = run_cli("export", "--year", "2026", "--out", str(tmp_path / "no" / "x.xlsx"), db=demo_db)
    assert missing_dir.returncode == 1 and missing_dir.stderr.count("\n") == 1 and "findes ikke" in missing_dir.stderr


def test_import_dry_run_then_import_then_again_changes_nothing(demo_db, tmp_path):
    path = write_sheet(tmp_path / "hånd.xlsx", [
        ("010145-1235", "Åse Ærø", "Hornsyld", 9001, D(2026, 1, 5), 10, D(2026, 3, 1)),
        ("010145-1235", "Åse Ærø", "Hornsyld", 9002, D(2026, 3, 4), 2, None),
        ("020246-1237", "=Bent", "Hornsyld", 9003, D(2026, 2, 1), 1, D(2026, 2, 20)),
    ])
    before = _counts(demo_db)
    unknown = run_cli("import", str(path), "--dry-run", db=demo_db)
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1, unknown.stderr
    assert "række 2, kolonne C (Distrikt): distriktet 'Hornsyld' findes ikke" in unknown.stderr
    assert "--create-districts" in unknown.stderr
    dry = run_cli("import", str(path), "--dry-run", "--create-districts", db=demo_db)
    assert dry.returncode == 0, dry.stderr
    assert "Nye distrikter, oprettes: Hornsyld." in dry.stdout
    assert "kort 9002" in dry.stdout and "intet er gemt" in dry.stdout
    assert "010145-XXXX" in dry.stdout and "010145-1235" not in dry.stdout  # masked in lists
    assert _counts(demo_db) == before

    done = run_cli("import", str(path), "--create-districts", db=demo_db)
    assert done.returncode == 0, done.stderr
    assert "2 nye borgere, 3 nye kort, 1 nyt distrikt" in done.stdout
    after = _counts(demo_db)
    assert after["citizen"] == before["citizen"] + 2 and after["card"] == before["card"] + 3

    again = run_cli("import", str(path), db=demo_db)
    assert again.returncode == 0 and "Intet at importere" in again.stdout
    assert _counts(demo_db) == after


def test_a_bad_file_exits_1_with_every_error_and_changes_nothing(demo_db, tmp_path):
    path = write_sheet(tmp_path / "bad.xlsx", [
        ("010145-1235", "Åse", "Hornsyld", 9001, "30-02-2026", 3, None),
        ("020246-1237", "Bo", "Hornsyld", 9002, D(2026, 2, 1), 11, None),
    ])
    before = _counts(demo_db)
    done = run_cli("import", str(path), db=demo_db)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "cirkel: Ark Klippekort, række 2, kolonne E (Starttidspunkt): datoen '30-02-2026' findes ikke.",
        "cirkel: Ark Klippekort, række 3, kolonne F (Antal klip): et kort har højst 10 klip (fik 11).",
        "cirkel: Importen af bad.xlsx er afvist: 2 fejl; intet er ændret.",
    ]
    assert _counts(demo_db) == before

    text = tmp_path / "ark.csv"
    text.write_text("CPR;Navn\n", encoding="utf-8")
    done = run_cli("import", str(text), db=demo_db)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "cirkel: ark.csv er ikke en Excel-fil (.xlsx). Gem regnearket som Excel-projektmappe (.xlsx) og prøv igen."]
    assert _counts(demo_db) == before
