"""Several staff members admitting at once cannot overfill a district (real processes)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from models.entities import Card, Citizen
from tests.intake_helpers import district_with_pool, screen

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from models.store import open_database
from models.admission import admit
from models.base import freeze_today
from models.entities import Staff
import datetime as dt
open_database({db!r})
freeze_today(dt.date(2026, 11, 20))
while time.time() < {start}:
    time.sleep(0.001)
result = admit(Staff.get_by_id({staff}), {citizen})
print("admitted" if result.admitted else "waitlisted")
"""


def test_concurrent_admissions_take_exactly_the_free_places(admin, frozen_day, db_path):
    import time

    district = district_with_pool(admin, capacity=2)
    citizens = [screen(admin, district, n).citizen.id for n in range(6)]
    start = time.time() + 1.5
    procs = [subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT), db=db_path, start=start,
                                                                   staff=admin.id, citizen=c)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in citizens]
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outcomes.append(out.strip())
    assert sorted(outcomes) == ["admitted"] * 2 + ["waitlisted"] * 4
    assert Citizen.select().where(Citizen.state == "active").count() == 2
    assert Citizen.select().where(Citizen.state == "waitlisted").count() == 4
    assert Card.select().count() == 2
    assert len({c.number for c in Card.select()}) == 2
