"""``cirkel events``: the overview and the driver's list from the command line."""
from __future__ import annotations

import re
import sqlite3

from tests.helpers import run_cli


def test_events_list_and_participants(tmp_path):
    db = str(tmp_path / "c.db")
    assert run_cli("demo", "--citizens", "200", "--seed", "3", db=db).returncode == 0
    listing = run_cli("events", "list", "--past", db=db)
    assert listing.returncode == 0, listing.stderr
    assert "Kommende fællesture:" in listing.stdout and "Afholdte og tidligere:" in listing.stdout
    event_id = re.search(r"^\s*(\d+)\s+\d\d-\d\d-\d{4} \d\d:\d\d  Bustur til Bilka Vejle", listing.stdout,
                         re.M).group(1)

    shown = run_cli("events", "participants", event_id, db=db)
    assert shown.returncode == 0, shown.stderr
    assert "Bustur til Bilka Vejle" in shown.stdout

    out = tmp_path / "lister"
    out.mkdir()
    saved = run_cli("events", "participants", event_id, "--out", str(out), db=db)
    assert saved.returncode == 0, saved.stderr
    [path] = list(out.iterdir())
    assert re.fullmatch(rf"deltagerliste-{event_id}-\d{{4}}-\d\d-\d\d\.xlsx", path.name)
    conn = sqlite3.connect(db)
    assert [a for (a,) in conn.execute("select action from access_log order by id")] == ["list", "export"]

    missing = run_cli("events", "participants", "99999", db=db)
    assert missing.returncode == 1 and "Turen findes ikke" in missing.stderr
    assert run_cli("events", "participants", "abc", db=db).returncode == 2
