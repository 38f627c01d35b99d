"""Moves and card issues from several processes at once never overdraw a pool."""
from __future__ import annotations

import multiprocessing

from models.base import DomainError


def _worker(db_path: str, login: str, kind: str, target: str, rounds: int, barrier, results) -> None:
    from models.budget import move_clips
    from models.cards import issue_card
    from models.entities import Citizen, District, Staff
    from models.store import close_database, open_database

    open_database(db_path)
    actor = Staff.get(Staff.login == login)
    done = 0
    barrier.wait()  # all processes start writing together
    for n in range(rounds):
        try:
            if kind == "move":
                move_clips(actor, 2026, "Hedensted", target, 3, f"runde {n}")
            else:
                citizen = Citizen.create(cpr=f"02024{target}{n:04d}", name="Borger", state="active",
                                         district=District.get(District.name == "Hedensted"))
                issue_card(actor, citizen, on="2026-11-20")
            done += 1
        except DomainError:
            pass
    close_database()
    results.put((kind, target, done))


def test_concurrent_moves_and_cards_never_overdraw(database, db_path, admin, me, frozen_day):
    from models.budget import add_district, set_budget
    from models.entities import Card, District, Pool, PoolMove
    from models.pools import committed_clips, pool_of

    for name, count in (("Hedensted", 212), ("Juelsminde", 118), ("Tørring", 145)):
        add_district(admin, name, count)
    set_budget(admin, 2026, 100_000, 100, 0)  # 1,000 clips: Hedensted 446
    ctx = multiprocessing.get_context("spawn")
    # 2 × 60 moves of 3 and 2 × 15 cards of 10 ask for 660 clips; Hedensted has 446.
    jobs = [(db_path, me, "move", "Juelsminde", 60), (db_path, me, "move", "Tørring", 60),
            (db_path, me, "card", "1", 15), (db_path, me, "card", "2", 15)]
    barrier, queue = ctx.Barrier(len(jobs)), ctx.Queue()
    processes = [ctx.Process(target=_worker, args=(*job, barrier, queue)) for job in jobs]
    for process in processes:
        process.start()
    done = dict(((kind, target), n) for kind, target, n in (queue.get(timeout=60) for _ in jobs))
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    results = [done[(job[2], job[3])] for job in jobs]
    hedensted = pool_of(District.get(District.name == "Hedensted"), 2026)
    moved = PoolMove.select().count()
    cards = Card.select().count()
    assert results[0] + results[1] == moved and results[2] + results[3] == cards
    assert moved + cards > 0
    assert hedensted.allocated == 446 - 3 * moved
    assert hedensted.allocated >= committed_clips(hedensted) == 10 * cards
    assert sum(p.allocated for p in Pool.select()) == 1000
