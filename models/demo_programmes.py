"""The demo's three programmes shaped like Ishøj's (R13, issue 14), called once from the demo fill.

Budgets and lines exactly as the plan's table (450.000 + 950.000 + 1.300.000 =
2.700.000 kr), six months of spending, enrolments that grow by about a third
(Projekt 1's "+33 %"), a weekly café on Wednesdays with six months of
attendance (30–40 a week, more than half from the target group, a core that
comes nearly every week) and eight weeks planned ahead, and dated results
notes. Deterministic for the demo's random generator; a few hundred rows.
"""
from __future__ import annotations

import datetime as _dt
import decimal
import math
import random

from .base import audit, now
from .entities import (
    ATTENDED,
    EVENT_HELD,
    EVENT_PLANNED,
    SIGNUP_SEATED,
    BudgetLine,
    Enrolment,
    Event,
    Expense,
    Programme,
    ResultNote,
    Screening,
    Signup,
    Staff,
)

D = decimal.Decimal
CAFE_WEEKS_BACK, CAFE_WEEKS_AHEAD = 26, 8
CAFE_TITLE = "Ugentlig café med fællesspisning"
PROGRAMMES = (
    ("Projekt 1: Rehabiliterende indsats", D("450000"),
     "Hverdagstræning i eget hjem for ældre med funktionsfald; ergoterapeut, hjemmepleje og borger sammen.",
     (("Personaleudgifter", D("400000")), ("Øvrige aktiviteter", D("50000")))),
    ("Projekt 2: Ensomhed, isolation og underernæring", D("950000"),
     "Opsøgende arbejde og måltidsfællesskaber med frivillige og boligforeninger; en ugentlig café.",
     (("Medarbejderressourcer", D("850000")), ("Aktivitetsmidler", D("100000")))),
    ("Projekt 3: Social- og sundhedsfaglig indsats", D("1300000"),
     "To tværfaglige specialteams i hjemmeplejen for sårbare og socialt udsatte ældre; kompetenceudvikling.",
     (("Medarbejderressourcer", D("1225000")), ("Kompetenceudvikling", D("75000")))),
)


def _month_start(day: _dt.date, back: int) -> _dt.date:
    index = day.year * 12 + day.month - 1 - back
    return _dt.date(index // 12, index % 12 + 1, 1)


def _weighted_pick(rng: random.Random, people: list[tuple[int, float]], n: int) -> list[int]:
    """``n`` distinct people, each likelier by their weight (weighted sampling without replacement)."""
    keyed = sorted(people, key=lambda p: rng.random() ** (1.0 / p[1]), reverse=True)
    return [cid for cid, _w in keyed[:n]]


def fill_programmes(rng: random.Random, leader: Staff, today: _dt.date) -> int:
    """Create the three programmes with their lines, spending, enrolment, café and results; return how many.

    The steps draw from one random stream in a fixed order, so the demo stays the same for a seed.
    """
    rng = random.Random(rng.getrandbits(32))  # our own stream: the rest of the demo is not shifted by ours
    stamp = now()
    first_cafe = today - _dt.timedelta(days=today.weekday()) - _dt.timedelta(weeks=CAFE_WEEKS_BACK) \
        + _dt.timedelta(days=2)  # a Wednesday half a year ago
    programmes, lines = _create_programmes(leader, today)
    cafe_target, cafe_other, spare = _draw_people(rng, first_cafe)
    ledger = _Spending(lines, leader, stamp, today)
    _monthly_spending(rng, ledger, programmes, today)
    signups = _cafe(rng, ledger, programmes[1], leader, stamp, first_cafe, today, cafe_target, cafe_other)
    enrolments = _enrolments(rng, programmes, today, first_cafe, spare, cafe_target)
    for rows, model in ((ledger.rows, Expense), (signups, Signup)):
        for i in range(0, len(rows), 200):
            model.insert_many(rows[i:i + 200]).execute()
    if enrolments:
        Enrolment.insert_many(enrolments).execute()
    _result_notes(programmes, leader, stamp, today)
    audit(leader, "demo.programmes", "programme", None, None,
          {"programmes": len(programmes), "cafe_events": CAFE_WEEKS_BACK + CAFE_WEEKS_AHEAD + 1,
           "attendances": len(signups), "enrolments": len(enrolments), "expenses": len(ledger.rows)})
    return len(programmes)


def _create_programmes(leader: Staff, today: _dt.date) -> tuple[list, dict]:
    programmes, lines = [], {}
    for name, budget, description, budget_lines in PROGRAMMES:
        p = Programme.create(name=name, year=today.year, budget_dkk=budget, description=description,
                             start_on=_month_start(today, 6), created_by=leader)
        programmes.append(p)
        for line_name, amount in budget_lines:
            lines[(p.id, line_name)] = BudgetLine.create(programme=p, name=line_name, amount_dkk=amount)
    return programmes, lines


def _draw_people(rng: random.Random, first_cafe: _dt.date) -> tuple[list, list, list]:
    """Who the café and the enrolments draw on: screened before the café began, eligible or not."""
    latest: dict[int, bool] = {}
    for cid, eligible in (Screening.select(Screening.citizen, Screening.eligible)
                          .where(Screening.screened_on <= first_cafe).order_by(Screening.screened_on).tuples()):
        latest[cid] = bool(eligible)
    eligible = sorted(cid for cid, ok in latest.items() if ok)
    others = sorted(cid for cid, ok in latest.items() if not ok)
    rng.shuffle(eligible)
    rng.shuffle(others)
    cafe_target = [(cid, rng.uniform(0.4, 4.0)) for cid in eligible[:34]]
    cafe_other = [(cid, rng.uniform(0.4, 2.0)) for cid in others[:14]]
    return cafe_target, cafe_other, eligible[34:] + others[14:]


class _Spending:
    """The expense rows, collected for one bulk insert (nothing dated after today)."""

    def __init__(self, lines: dict, leader: Staff, stamp, today: _dt.date) -> None:
        self.lines, self.leader, self.stamp, self.today = lines, leader, stamp, today
        self.rows: list[dict] = []

    def spend(self, p, line_name: str, amount, on: _dt.date, note: str) -> None:
        if on <= self.today:
            self.rows.append(dict(budget_line=self.lines[(p.id, line_name)], amount_dkk=D(amount), spent_on=on,
                                  note=note, by=self.leader, created_at=self.stamp))


def _monthly_spending(rng: random.Random, ledger: _Spending, programmes: list, today: _dt.date) -> None:
    """Six months of wages and activities, month by month."""
    p1, p2, p3 = programmes
    for back in range(6, -1, -1):
        month = _month_start(today, back)
        pay = min(today, month + _dt.timedelta(days=27))
        ledger.spend(p1, "Personaleudgifter", 30000, pay, "Løn, ergoterapeut")
        ledger.spend(p2, "Medarbejderressourcer", 65000, pay, "Løn, caféleder og opsøgende medarbejder")
        if back <= 2:
            ledger.spend(p3, "Medarbejderressourcer", 95000, pay, "Løn, specialteam")
        if back % 2 == 0:
            ledger.spend(p1, "Øvrige aktiviteter", rng.randrange(2000, 6000, 50), month + _dt.timedelta(days=9),
                         "Hjælpemidler til hverdagstræning")
    ledger.spend(p3, "Kompetenceudvikling", 25000, _month_start(today, 2) + _dt.timedelta(days=14),
                 "Kursus: komplekse borgerforløb")


def _cafe(rng: random.Random, ledger: _Spending, p2, leader: Staff, stamp, first_cafe: _dt.date,
          today: _dt.date, cafe_target: list, cafe_other: list) -> list[dict]:
    """The weekly café: held up to today (30–40 a week, more than half from the target group), planned
    eight weeks ahead. Returns the attendance rows."""
    signups = []
    for week in range(CAFE_WEEKS_BACK + CAFE_WEEKS_AHEAD + 1):
        day = first_cafe + _dt.timedelta(weeks=week)
        held = day < today
        event = Event.create(title=CAFE_TITLE, programme=p2, starts_at=_dt.datetime.combine(day, _dt.time(12, 0)),
                             meeting_place="Kulturhuset", seats=45, clips_per_participant=None,
                             status=EVENT_HELD if held else EVENT_PLANNED, held_on=day if held else None,
                             series="demo-cafe", created_by=leader, created_at=stamp)
        if not held:
            continue
        total = rng.randint(30, 40)
        n_target = min(len(cafe_target), rng.randint(math.ceil(0.55 * total), math.ceil(0.68 * total)))
        n_other = min(len(cafe_other), rng.randint(3, 7))
        total = min(total, 2 * n_target - 1)  # a small demo has few eligible citizens: still more than half
        came = _weighted_pick(rng, cafe_target, n_target) + _weighted_pick(rng, cafe_other, n_other)
        Event.update(guests=max(0, total - len(came))).where(Event.id == event.id).execute()
        for seq, cid in enumerate(came, start=1):
            signups.append(dict(event=event, citizen=cid, status=SIGNUP_SEATED, seq=seq, attendance=ATTENDED,
                                by=leader, created_at=stamp))
        if week % 4 == 0:
            ledger.spend(p2, "Aktivitetsmidler", rng.randrange(4500, 7500, 50), day, "Mad og kaffe til caféen, 4 uger")
    return signups


def _enrolments(rng: random.Random, programmes: list, today: _dt.date, first_cafe: _dt.date, spare: list,
                cafe_target: list) -> list[dict]:
    """Projekt 1 grows by about a third; Projekt 3's teams begin two months ago; Projekt 2's outreach."""
    p1, p2, p3 = programmes
    enrolments = []
    start = _month_start(today, 6)
    for cid in spare[:15]:
        enrolments.append(dict(programme=p1, citizen=cid, enrolled_on=start + _dt.timedelta(days=rng.randint(0, 20))))
    for i, cid in enumerate(spare[15:21]):
        on = _month_start(today, 5 - i) + _dt.timedelta(days=rng.randint(0, 20))
        enrolments.append(dict(programme=p1, citizen=cid, enrolled_on=min(on, today)))
    if len(enrolments) > 2:
        enrolments[2]["left_on"] = min(today, _month_start(today, 3) + _dt.timedelta(days=10))  # finished training
    for cid in spare[21:27]:
        enrolments.append(dict(programme=p3, citizen=cid,
                               enrolled_on=min(today, _month_start(today, 2) + _dt.timedelta(days=rng.randint(0, 40)))))
    for cid, _w in cafe_target[:8]:
        enrolments.append(dict(programme=p2, citizen=cid, enrolled_on=first_cafe))
    for row in enrolments:
        row.setdefault("left_on", None)
    return enrolments


def _result_notes(programmes: list, leader: Staff, stamp, today: _dt.date) -> None:
    p1, p2, p3 = programmes
    noted = min(today, _month_start(today, 1) - _dt.timedelta(days=1))
    for p, text in ((p1, "Antallet af borgere, der modtager hverdagstræning, er steget med ca. 33 % siden "
                         "projektets start. Hjemmeplejen oplever, at målet for indsatsen hos den enkelte er tydeligt."),
                    (p2, "30-40 personer deltager i den ugentlige café; mere end halvdelen er fra målgruppen, og "
                         "hovedparten kommer kontinuerligt. Flere cafégæster spiser nu også sammen uden for caféen."),
                    (p3, "Der er endnu ingen konkrete resultater. De to specialteams er startet op.")):
        ResultNote.create(programme=p, noted_on=noted, text=text, by=leader, created_at=stamp)
