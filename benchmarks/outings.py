"""Figures for the outing reads: participant search, overview, attendance sheet and confirm.

Run: python benchmarks/outings.py [--citizens N]   (a temp database with demo data)
Prints timings; asserts nothing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import pwd
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(fn, repeat: int = 20) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=20000)
    args = parser.parse_args()

    from models import base
    from models.demo import fill_demo, mark_new_database_as_demo
    from models.entities import Card, Citizen
    from models.events import (
        attendance_sheet,
        confirm_attendance,
        create_events,
        events_overview,
        find_participants,
        mark_all,
        sign_up,
    )
    from models.staff import init_database
    from models.store import open_database

    day = dt.date(2026, 11, 20)
    base.freeze_today(day)
    with tempfile.TemporaryDirectory() as tmp:
        open_database(os.path.join(tmp, "bench.db"))
        me = pwd.getpwuid(os.getuid()).pw_name
        mark_new_database_as_demo()
        admin = init_database(me, "Bench")
        t = time.perf_counter()
        fill_demo(me, citizens=args.citizens, seed=1)
        print(f"demo data, {args.citizens} citizens: {time.perf_counter() - t:.1f} s")
        for query in ("karen", "søren", "Ø", "0101", "1042"):
            median, p95 = timed(lambda q=query: find_participants(admin, q))
            print(f"find_participants({query!r}): median {median:.1f} ms, p95 {p95:.1f} ms")
        median, p95 = timed(events_overview)
        print(f"events_overview: median {median:.1f} ms, p95 {p95:.1f} ms")

        holders = [c.citizen_id for c in Card.select().join(Citizen)
                   .where((Card.status == "open") & (Citizen.state == "active") & (Card.used <= 8)).limit(60)]
        [event] = create_events(admin, title="Stor tur", day=day, time="09:00", seats=60, clips_per_participant=2)
        for cid in holders:
            sign_up(admin, event.id, cid)
        mark_all(admin, event.id, "attended")
        median, p95 = timed(lambda: attendance_sheet(event.id))
        print(f"attendance_sheet, {len(holders)} seated: median {median:.1f} ms, p95 {p95:.1f} ms")
        t = time.perf_counter()
        outcome = confirm_attendance(admin, event.id)
        print(f"confirm_attendance, {outcome.attended} punches in one transaction: "
              f"{(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
