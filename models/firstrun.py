"""The first run (issue #15, item 5): what a new scheme still has to set up, read from the database.

A database made by ``cirkel init`` has one admin and nothing else. The dashboard
walks them through the four steps in order — districts, this year's budget,
staff, the first screening — each done or not as the database says (so a step
made on the command line counts too). The read is four ``EXISTS`` queries: it
runs at every start, and once every step is done it returns ``None`` and the
dashboard shows nothing of it.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .base import today
from .entities import Budget, District, Screening, Staff
from .permissions import can

# The steps in the order a new scheme takes them (the budget splits over the districts);
# each with the permission it needs (None: everybody) and where it is done (a destination id).
STEPS: tuple[tuple[str, str | None, str], ...] = (
    ("districts", "district.manage", "distrikter"),
    ("budget", "budget.set", "puljer"),
    ("staff", "staff.manage", "medarbejdere"),
    ("screening", None, "screening"),
)


@dataclass(frozen=True)
class FirstStep:
    id: str
    done: bool
    allowed: bool  # the actor may take this step
    destination: str  # the screen where it is done (a navigation destination id)


@dataclass(frozen=True)
class FirstRun:
    year: int
    steps: list[FirstStep]
    admins: list[str]  # whom to ask, for a step the actor may not take (names of active admins)
    leaders: list[str]  # the budget may also be set by a leader

    @property
    def next(self) -> FirstStep | None:
        return next((s for s in self.steps if not s.done), None)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)


def _done(year: int) -> dict[str, bool]:
    return {
        "districts": District.select().where(District.active == True).exists(),  # noqa: E712
        "budget": Budget.select().where(Budget.year == year).exists(),
        # somebody besides the admin who ran `cirkel init`: the therapists and their leader
        "staff": Staff.select().where(Staff.active == True).limit(2).count() > 1,  # noqa: E712
        "screening": Screening.select().exists(),
    }


def first_steps(actor: Staff | None, on: _dt.date | None = None) -> FirstRun | None:
    """The first-run checklist for ``actor``, or None when every step is done."""
    year = (on or today()).year
    done = _done(year)
    if all(done.values()):
        return None
    steps = [FirstStep(step, done[step], action is None or can(actor, action), dest)
             for step, action, dest in STEPS]
    admins: list[str] = []
    leaders: list[str] = []
    if any(not s.done and not s.allowed for s in steps):  # only then is it worth naming anybody
        for staff in Staff.select(Staff.name, Staff.role).where(
                (Staff.active == True) & Staff.role.in_(("admin", "leder"))).order_by(Staff.name):  # noqa: E712
            (admins if staff.role == "admin" else leaders).append(staff.name)
    return FirstRun(year, steps, admins, leaders)
