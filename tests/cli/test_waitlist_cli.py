"""``cirkel waitlist``: the district waitlists in order, CPR masked, unknown district refused."""
from __future__ import annotations

import re
import sqlite3

from tests.helpers import run_cli


def test_waitlist_prints_each_district_in_order_with_masked_cpr(tmp_path):
    db = str(tmp_path / "c.db")
    made = run_cli("demo", "--citizens", "300", "--seed", "7", db=db)
    assert made.returncode == 0, made.stderr
    result = run_cli("waitlist", db=db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    conn = sqlite3.connect(db)
    cprs = [row[0] for row in conn.execute("select cpr from citizen where state = 'waitlisted'")]
    assert cprs, "the demo data has a waitlist"
    for cpr in cprs:
        assert cpr not in out and cpr[6:] not in re.findall(r"\d{6}-(\d{4})", out)
        assert f"{cpr[:6]}-XXXX" in out
    for name in ("Hedensted", "Juelsminde", "Tørring"):
        assert re.search(rf"^{name}: \d+/\d+ deltagere", out, re.M)
    # first screened, first offered: the listed screening dates never go down
    for block in out.split("\n\n"):
        dates = re.findall(r"XXXX\s+.+?\s+(\d\d)-(\d\d)-(\d{4})", block)
        keys = [(y, m, d) for d, m, y in dates]
        assert keys == sorted(keys)
    assert conn.execute("select count(*) from access_log where action = 'list'").fetchone()[0] == 3


def test_waitlist_for_one_district_and_an_unknown_one(tmp_path):
    db = str(tmp_path / "c.db")
    assert run_cli("demo", "--citizens", "300", "--seed", "7", db=db).returncode == 0
    one = run_cli("waitlist", "--district", "tørring", db=db)
    assert one.returncode == 0 and one.stdout.startswith("Tørring:") and "Hedensted" not in one.stdout
    bad = run_cli("waitlist", "--district", "Atlantis", db=db)
    assert bad.returncode == 1 and bad.stderr.strip() == "cirkel: Distriktet 'Atlantis' findes ikke."
    assert bad.stdout == ""
