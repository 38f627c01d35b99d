"""Several staff signing up for one outing at the same moment, in real processes:
never more seated than seats, and every sign-up gets its own place in the queue."""
from __future__ import annotations

import multiprocessing as mp

from models.base import db
from models.citizens import change_state, create_citizen
from models.entities import District, Signup, Staff
from models.events import create_events

WORKERS = 4
PER_WORKER = 5
SEATS = 7


def _sign_up_many(path: str, staff_id: int, event_id: int, citizen_ids: list[int], barrier) -> None:
    from models.entities import Staff as StaffModel
    from models.events import sign_up
    from models.store import close_database, open_database

    open_database(path, migrate=False)
    actor = StaffModel.get_by_id(staff_id)
    barrier.wait()
    for cid in citizen_ids:
        sign_up(actor, event_id, cid)
    close_database()


def test_concurrent_sign_ups_never_overbook(admin, db_path):
    district = District.create(name="Hedensted", home_help_count=10)
    ids = []
    for n in range(WORKERS * PER_WORKER):
        citizen = create_citizen(admin, f"0101{40 + n:02d}-{2000 + n:04d}", f"Borger {n:02d}", district=district)
        with db.atomic():
            change_state(admin, citizen, "eligible")
            change_state(admin, citizen, "active")
        ids.append(citizen.id)
    [event] = create_events(admin, title="Bustur", day="10-12-2026", time="09:00", seats=SEATS)
    staff = Staff.get_by_id(admin.id)

    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    procs = [ctx.Process(target=_sign_up_many,
                         args=(db_path, staff.id, event.id, ids[w::WORKERS], barrier)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0

    signups = list(Signup.select().where(Signup.event == event).order_by(Signup.seq))
    assert len(signups) == WORKERS * PER_WORKER
    assert [s.seq for s in signups] == list(range(1, WORKERS * PER_WORKER + 1))
    assert [s.status for s in signups] == ["signed_up"] * SEATS + ["waitlisted"] * (len(signups) - SEATS)
