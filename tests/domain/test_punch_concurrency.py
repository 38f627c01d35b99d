"""Real processes punching the same few cards at once: the ledger stays exact, no card is overdrawn.

Eight processes (spawned, each with its own connection to a temp database
file) start together at a barrier and punch 1–3 clips at random on three
shared cards, now and then reversing one of their own punches, far more than
the cards hold. Afterwards every accepted punch is in the ledger, nothing
else is, every card's ``used`` equals its ledger, no card has more than 10
clips used, and no process ever saw anything but a Danish refusal (never
"database is locked").
"""
from __future__ import annotations

import decimal
import multiprocessing
import random
from collections import defaultdict

import pytest

from models.cards import issue_card, ledger_total
from models.entities import Budget, Card, Citizen, District, Pool, Punch

PROCESSES = 8
ATTEMPTS = 25
CARDS = 3


def _worker(path: str, login: str, numbers: list[int], worker_no: int, day, barrier, queue) -> None:
    from models import base
    from models.base import DomainError
    from models.cards import punch, reverse_punch
    from models.entities import Card, Citizen, Staff
    from models.store import open_database

    records = []
    try:
        open_database(path, migrate=False)
        base.freeze_today(day)
        actor = Staff.get(Staff.login == login)
        rng = random.Random(worker_no)
        mine: list[tuple[str, int, int]] = []
        barrier.wait(timeout=60)
        for i in range(ATTEMPTS):
            if mine and rng.random() < 0.2:
                pid, number, k = mine.pop(rng.randrange(len(mine)))
                try:
                    reverse_punch(actor, pid, "rettelse")
                    records.append(("reverse", pid, number, k, True, ""))
                except DomainError as err:
                    records.append(("reverse", pid, number, k, False, err.message))
                continue
            number = rng.choice(numbers)
            k = rng.randint(1, 3)
            pid = f"w{worker_no}-{i}"
            try:
                citizen = Citizen.get_by_id(Card.get(Card.number == number).citizen_id)
                punch(actor, citizen, k, "Samtidig test", punch_id=pid)
                records.append(("punch", pid, number, k, True, ""))
                mine.append((pid, number, k))
            except DomainError as err:
                records.append(("punch", pid, number, k, False, err.message))
    except Exception as exc:  # anything but a refusal is a failure of the test
        records.append(("error", "", 0, 0, False, repr(exc)))
    queue.put(records)


def test_many_processes_never_overdraw_or_lose_a_punch(database, admin, me, db_path, frozen_day):
    district = District.create(name="Hedensted", home_help_count=10)
    budget = Budget.create(year=frozen_day.year, budget_dkk=decimal.Decimal(100000),
                           price_per_clip_dkk=decimal.Decimal(100), created_by=admin)
    Pool.create(budget=budget, district=district, allocated=100)
    numbers = []
    for n in range(CARDS):
        citizen = Citizen.create(cpr=f"01014{n}1234", name=f"Borger {n}", district=district, state="active")
        numbers.append(issue_card(admin, citizen).number)

    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(db_path, me, numbers, w, frozen_day, barrier, queue))
             for w in range(PROCESSES)]
    for p in procs:
        p.start()
    records = [r for _ in procs for r in queue.get(timeout=120)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    errors = [r for r in records if r[0] == "error"]
    assert not errors, errors
    refusals = {r[5] for r in records if not r[4]}
    assert all("locked" not in m and "busy" not in m for m in refusals)
    assert any(not r[4] for r in records if r[0] == "punch"), "the test must push the cards past full"

    expected = defaultdict(int)
    for kind, _pid, number, k, ok, _msg in records:
        if ok:
            expected[number] += k if kind == "punch" else -k
    accepted = {r[1] for r in records if r[0] == "punch" and r[4]}
    in_ledger = {p.id for p in Punch.select().where(Punch.kind == "punch")}
    assert in_ledger == accepted  # nothing lost, nothing extra
    reversed_ok = {r[1] for r in records if r[0] == "reverse" and r[4]}
    assert {p.reverses_id for p in Punch.select().where(Punch.kind == "reversal")} == reversed_ok

    for number in numbers:
        card = Card.get(Card.number == number)
        assert card.used == expected[number]
        assert ledger_total(card) == card.used
        assert 0 <= card.used <= card.clips
        assert (card.status == "used_up") == (card.used == card.clips)


@pytest.mark.sqlite_only  # the flock write gate is SQLite's; PostgreSQL's is the advisory lock (test_store)
def test_every_outermost_write_queues_at_the_gate_once(database, admin, db_path):
    """Writers take the file lock before BEGIN IMMEDIATE; nested operations do not take it again."""
    import contextlib
    import fcntl
    import os

    import pytest

    from models.base import db, log_access, operation, set_write_gate
    from models.staff import add_staff
    from models.store import write_gate

    gate = write_gate(db_path)
    entries = []

    @contextlib.contextmanager
    def spy():
        with gate():
            other = os.open(f"{db_path}.lock", os.O_RDWR)
            try:
                with pytest.raises(BlockingIOError):  # held: another writer would wait here
                    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            finally:
                os.close(other)
            entries.append(db.transaction_depth())
            yield

    @operation
    def two_writes():
        add_staff(admin, "daemon", "Bente Holm", "terapeut")
        log_access(admin, "search", criterion="bente")

    set_write_gate(spy)
    try:
        two_writes()
        log_access(admin, "search", criterion="x")
    finally:
        set_write_gate(gate)
    assert entries == [0, 0]  # taken outside any transaction, once per outermost write
    free = os.open(f"{db_path}.lock", os.O_RDWR)
    try:
        fcntl.flock(free, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released after commit
    finally:
        os.close(free)
