"""Realistic demo data, deterministic for a seed (and the day it is made).

Three districts of Hedensted with home-help counts, staff, citizens born
1920–1955 with valid CPR numbers, screenings in the plan's proportions,
participants admitted within their district's capacity (a place freed by one
who ends goes to the first waiting), a waitlist, twelve months of cards and
punches up to today at the plan's pace, the R9 catalogue and past and coming
outings as many as the transport reserve pays for. Rows are written in bulk in one transaction (100,000 citizens in
well under a minute); the rules the operations enforce hold in the result:
no card is overdrawn and no pool is over-committed.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import decimal
import heapq
import random
import uuid

from .base import DomainError, audit, db, now, write_transaction
from .base import today as _today
from .demo_programmes import fill_programmes
from .entities import (
    ABSENT,
    ATTENDED,
    CARD_CLOSED,
    CARD_OPEN,
    CARD_USED_UP,
    EVENT_HELD,
    EVENT_PLANNED,
    PRINT_HANDED_OUT,
    PRINT_REQUESTED,
    PUNCH,
    SIGNUP_SEATED,
    SIGNUP_WAITLISTED,
    STATE_ACTIVE,
    STATE_ELIGIBLE,
    STATE_ENDED,
    STATE_NOT_ELIGIBLE,
    STATE_PAUSED,
    STATE_SCREENED,
    STATE_WAITLISTED,
    Agreement,
    Budget,
    Card,
    CatalogueItem,
    Citizen,
    District,
    Event,
    Measurement,
    Pool,
    Punch,
    Reassessment,
    Screening,
    Setting,
    Signup,
    Staff,
    StateChange,
)
from .i18n import _
from .outcomes import UCLA_VERSION, WHO5_VERSION, ucla_score, who5_score
from .pools import clips_for_year, split_largest_remainder

FEMALE = ("Karen", "Inge", "Kirsten", "Birthe", "Grethe", "Ruth", "Else", "Hanne", "Jytte", "Lis",
          "Ellen", "Edith", "Gerda", "Anna", "Marie", "Ingrid", "Bodil", "Lilly", "Aase", "Åse",
          "Gudrun", "Inger", "Vibeke", "Dorthe", "Ester", "Tove", "Ulla", "Karin", "Solveig", "Agnete")
MALE = ("Jens", "Poul", "Niels", "Hans", "Jørgen", "Erik", "Knud", "Svend", "Bent", "Preben",
        "Arne", "Ove", "Finn", "Leif", "Henning", "Aage", "Børge", "Kaj", "Holger", "Søren",
        "Verner", "Egon", "Ejner", "Gunnar", "Tage", "Mogens", "Viggo", "Frode", "Kurt", "Palle")
SURNAMES = ("Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
            "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
            "Thomsen", "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Østergaard",
            "Krogh", "Bach", "Dahl", "Lund", "Kjær", "Holm", "Vestergaard", "Skov", "Ravn",
            "Nørgaard", "Bæk", "Fogh", "Højgaard", "Brøndum", "Damgaard", "Søgaard", "Lauridsen")
STREETS = ("Østergade", "Vestergade", "Søndergade", "Nørregade", "Kirkevej", "Skolevej", "Møllevej",
           "Åvej", "Engvej", "Bøgevej", "Birkevej", "Ege Allé", "Stationsvej", "Toftevej",
           "Præstevænget", "Rosenvænget", "Fjordvej", "Lærkevej", "Bakkegårdsvej", "Smedevej")
DISTRICTS = (("Hedensted", 212, "8722"), ("Juelsminde", 118, "7130"), ("Tørring", 145, "7160"))
PROVIDERS = ("Kommunal hjemmepleje", "Hedensted Omsorg ApS", "Plejegruppen Øst", "Aktiv Hjemmehjælp")

# R9: the plan's catalogue (category, suggested clips).
CATALOGUE = (
    ("Lægebesøg", "ledsagelse", 2), ("Hospitalsbesøg", "ledsagelse", 4),
    ("Køb af tøj", "ledsagelse", 3), ("Tur til kirkegården", "ledsagelse", 2),
    ("Banko", "ledsagelse", 4), ("Tur i det grønne", "ledsagelse", 2),
    ("Tur til vandet", "ledsagelse", 3), ("Ekstra rengøring", "hjemme", 2),
    ("Pudsning af sølvtøj", "hjemme", 2), ("Andet i hjemmet", "hjemme", 1),
    ("Bustur til Bilka Vejle", "fællestur", 6), ("Fællestur til banko", "fællestur", 5),
    ("Fællestur til fodbold", "fællestur", 6), ("Fællestur til dyrskue", "fællestur", 6),
    ("Fisketur", "fællestur", 6),
)
STAFF = (("mette", "Mette Kjærgaard", "leder", None),
         ("anne", "Anne Sørensen", "terapeut", "Hedensted"),
         ("lars", "Lars Bøgh", "terapeut", "Juelsminde"),
         ("sofie", "Sofie Ravn", "terapeut", "Tørring"))
OWN_IDEAS = ("Besøg hos søsteren i Vejle", "Kaffe på havnen", "Frisør", "Se håndbold i hallen",
             "Køre forbi det gamle hus", "Købe garn", "Blomster til haven")
END_REASONS_DEMO = ("mindre ensom", "mere livskvalitet", "flyttet", "død", "ønsker ikke mere")
PRICE_PER_CLIP = decimal.Decimal("187.00")



class _Ids:
    """Explicit ids for bulk inserts into an empty database."""

    def __init__(self):
        self.counters: dict[str, int] = {}

    def next(self, table: str) -> int:
        self.counters[table] = self.counters.get(table, 0) + 1
        return self.counters[table]


def _bulk(model, fields, rows) -> None:
    """Insert many rows with one prepared statement (executemany; pipelined on PostgreSQL):
    peewee's per-row SQL generation would take most of a 100,000-citizen demo's time."""
    from .store import after_explicit_ids

    given = {f.name for f in fields}
    defaults = [(f, f.default() if callable(f.default) else f.default)
                for f in model._meta.sorted_fields if f.name not in given and f.default is not None]
    all_fields = list(fields) + [f for f, _ in defaults]
    tail = [f.db_value(v) for f, v in defaults]
    columns = ", ".join(f'"{f.column_name}"' for f in all_fields)
    marks = ", ".join(db.obj.param for _ in all_fields)
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    converters = [f.db_value for f in fields]
    db.cursor().executemany(
        sql, [[conv(v) for conv, v in zip(converters, row, strict=True)] + tail for row in rows])
    after_explicit_ids(model)  # PostgreSQL: the id sequences follow the explicit ids


def _cpr(rng: random.Random, used: set[str], female: bool) -> str:
    while True:
        born = _dt.date(1920, 1, 1) + _dt.timedelta(days=rng.randrange(0, 36 * 365))
        if born.year > 1955:
            continue
        serial = rng.randrange(0, 4) * 1000 + rng.randrange(0, 1000)
        last = serial % 10
        if female and last % 2:
            serial -= 1
        if not female and last % 2 == 0:
            serial += 1
        number = born.strftime("%d%m%y") + f"{serial:04d}"
        if number not in used:
            used.add(number)
            return number


def _who5(rng: random.Random, base: int) -> str:
    return "".join(str(max(0, min(5, base + rng.randint(-1, 1)))) for _ in range(5))


def _ucla(rng: random.Random, base: int) -> str:
    return "".join(str(max(1, min(3, base + rng.randint(-1, 1)))) for _ in range(3))


PER_PARTICIPANT = 52  # clips a participant reserves a year (R7)
# Issue #15, item 6: a demo that looks like a well-run scheme.
# The scheme has run for over a year: the first screenings (and so a full capacity) lie that much
# before this year, and a participant uses about the plan's ½ hour a week (PACE 1: 0.7–1.2 punches
# of 1–4 clips every ~1.8 weeks, a little above it, since a card waits between being used up and its
# reassessment; the narrow spread keeps a small district from hanging on one person), so a well-run
# district is on pace with the year.
PACE = 1.0
SCREENED_EARLIER = 150  # days
# One district lags honestly: its therapist was away for 16 weeks, back 6 weeks ago (no clips from
# home visits then; the outings went on), so Opfølgning has a district behind to show.
AWAY_DISTRICT, AWAY_WEEKS, AWAY_ENDED_WEEKS_AGO = "Juelsminde", 16, 6
NOT_REASSESSED = 0.01  # a used-up card left waiting for its reassessment (Revurdering shows them)
DEMO_MARK = "demo_database"


def is_demo_database() -> bool:
    """True when the open database was created by ``cirkel demo``/``--demo`` (the marker row)."""
    row = Setting.get_or_none(Setting.key == DEMO_MARK)
    return row is not None and row.value == "1"


def mark_new_database_as_demo() -> None:
    """Mark a database that was just created (no staff, no citizens) as a demo database.

    The marker is what lets ``fill_demo`` make the caller admin there; a
    database made by ``cirkel init`` (or any that has staff) never gets it.
    """
    with write_transaction():
        if Staff.select().exists() or Citizen.select().exists():
            raise DomainError(_("Databasen er ikke tom; demodata fyldes kun i en ny database."))
        Setting.insert(key=DEMO_MARK, value="1").on_conflict(  # an upsert on SQLite and PostgreSQL alike
            conflict_target=[Setting.key], update={Setting.value: "1"}).execute()


def open_demo_database(path: str, login: str, citizens: int = 2000, seed: int = 1,
                       fill: bool = True) -> None:
    """Open the demo database at ``path``, creating and filling it on first use.

    A database that demo did not create itself is refused: that is what keeps
    ``demo`` from making anybody admin of a real database (issue #10, #20).
    On the demo database the caller becomes admin, since it is theirs to try.
    """
    from .store import database_exists, open_database

    existed = database_exists(path)
    open_database(path)
    if not existed:
        mark_new_database_as_demo()
    elif not is_demo_database():
        raise DomainError(_("{path} er ikke en demodatabase; demodata fyldes kun i en ny database, som cirkel demo selv opretter (vælg en ny fil med --db).").format(path=path))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if fill and not Citizen.select().exists():
        fill_demo(login, citizens=citizens, seed=seed)
    elif Staff.get_or_none(Staff.login == login) is None:
        with write_transaction():
            staff = Staff.create(login=login, name=login, role="admin")
            audit(staff, "demo.staff", "staff", staff.id, None, {"login": login, "role": "admin"})


def fill_demo(login: str, citizens: int = 2000, seed: int = 1, today: _dt.date | None = None) -> str:
    """Fill a new demo database. Refuses one that is not marked as demo, or already has citizens."""
    rng = random.Random(seed)
    today = today or _today()
    from .store import after_bulk_load

    with write_transaction():
        if not is_demo_database():
            raise DomainError(_("Demodata fyldes kun i en database, som cirkel demo selv har oprettet."))
        if Citizen.select().exists():
            raise DomainError(_("Databasen har allerede borgere; demodata fyldes kun i en tom database."))
        summary = _fill(rng, login, citizens, today)
    after_bulk_load()
    return summary


@dataclasses.dataclass
class _Demo:
    """What the steps of :func:`_fill` share: the organisation, the pools and the rows being built."""

    rng: random.Random
    today: _dt.date
    stamp: _dt.datetime
    ids: _Ids
    me: Staff
    leader: Staff
    districts: list
    staff_by_district: dict
    catalogue: dict
    personal_items: list
    pools: dict = dataclasses.field(default_factory=dict)  # (year, district id) -> {"pool", "left"}
    capacity: dict = dataclasses.field(default_factory=dict)
    rows: dict = dataclasses.field(default_factory=lambda: {k: [] for k in (
        "citizen", "screening", "state", "measurement", "card", "punch", "reassess")})
    eligible_by_district: dict = dataclasses.field(default_factory=dict)
    state_of: dict = dataclasses.field(default_factory=dict)
    state_since: dict = dataclasses.field(default_factory=dict)
    participants: list = dataclasses.field(default_factory=list)
    end_of: dict = dataclasses.field(default_factory=dict)
    outings: list = dataclasses.field(default_factory=list)
    signups: list = dataclasses.field(default_factory=list)
    outings_of: dict = dataclasses.field(default_factory=dict)
    card_number: int = 1000


def _fill(rng: random.Random, login: str, n_citizens: int, today: _dt.date) -> str:
    """The demo, step by step; every step draws from ``rng`` in a fixed order (same seed, same data)."""
    demo = _organisation(rng, login, n_citizens, today)
    _budgets(demo, n_citizens)
    _citizens(demo, n_citizens)
    _admit(demo)
    _plan_outings(demo)
    for entry, d, admitted in demo.participants:
        _participate(demo, entry, d, admitted)
    _write_rows(demo)
    _agreement(demo)
    _admit_from_waitlists(demo)  # issue #15, item 6: no free place while someone waits
    _coming_signups(demo)
    fill_programmes(rng, demo.leader, today)  # issue 14: three programmes like Ishøj's, with a weekly café
    _print_states(demo)  # issue 16
    rows = demo.rows
    audit(demo.me, "demo", "database", None, None,
          {"citizens": n_citizens, "participants": len(demo.participants), "cards": len(rows["card"]),
           "punches": len(rows["punch"]), "events": len(demo.outings)})
    waiting = sum(1 for s in demo.state_of.values() if s == STATE_WAITLISTED)
    return _("{citizens} borgere, {participants} deltagere, {waiting} på venteliste, {cards} kort, {punches} klip-registreringer, {outings} fællesture").format(  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        citizens=n_citizens, participants=len(demo.participants), waiting=waiting, cards=len(rows["card"]),
        punches=len(rows["punch"]), outings=len(demo.outings))


def _organisation(rng: random.Random, login: str, n_citizens: int, today: _dt.date) -> _Demo:
    districts = []
    scale = max(1, n_citizens // 2000)
    for name, home_help, _post in DISTRICTS:
        d = District.get_or_none(District.name == name) or District.create(
            name=name, home_help_count=home_help * scale)
        districts.append(d)
    me = Staff.get_or_none(Staff.login == login) or Staff.create(login=login, name=login, role="admin")
    staff_by_district: dict[int, Staff] = {}
    leader = me
    for s_login, s_name, role, district in STAFF:
        if Staff.get_or_none(Staff.login == s_login) is not None:
            continue
        d = next((x for x in districts if x.name == district), None)
        s = Staff.create(login=s_login, name=s_name, role=role, district=d)
        if d is not None:
            staff_by_district[d.id] = s
        if role == "leder":
            leader = s
    for d in districts:
        staff_by_district.setdefault(d.id, me)
    catalogue = {}
    for name, category, clips in CATALOGUE:
        item = CatalogueItem.get_or_none(CatalogueItem.name == name) or CatalogueItem.create(
            name=name, category=category, suggested_clips=clips)
        catalogue[name] = item
    personal_items = [catalogue[n] for n, c, _ in CATALOGUE if c in ("ledsagelse", "hjemme")]
    return _Demo(rng=rng, today=today, stamp=now(), ids=_Ids(), me=me, leader=leader, districts=districts,
                 staff_by_district=staff_by_district, catalogue=catalogue, personal_items=personal_items)


def _budgets(demo: _Demo, n_citizens: int) -> None:
    """Budgets and pools for last year and this year (R6, R8)."""
    for year in (demo.today.year - 1, demo.today.year):
        # The plan's 1,200,000 DKK a year for about 2,000 screened home-help recipients.
        budget_dkk = decimal.Decimal(max(60_000, round(600 * n_citizens, -3)))
        reserve = (budget_dkk * decimal.Decimal("0.05")).quantize(decimal.Decimal("1"))
        budget = Budget.create(year=year, budget_dkk=budget_dkk, price_per_clip_dkk=PRICE_PER_CLIP,
                               transport_reserve_dkk=reserve, clips_per_participant=PER_PARTICIPANT,
                               created_by=demo.leader)
        total = clips_for_year(budget_dkk, reserve, PRICE_PER_CLIP)
        shares = split_largest_remainder(total, [d.home_help_count for d in demo.districts])
        for d, share in zip(demo.districts, shares, strict=True):
            pool = Pool.create(budget=budget, district=d, allocated=share)
            demo.pools[(year, d.id)] = {"pool": pool, "left": share}
    demo.capacity = {d.id: demo.pools[(demo.today.year, d.id)]["pool"].allocated // PER_PARTICIPANT
                     for d in demo.districts}


def _citizens(demo: _Demo, n_citizens: int) -> None:
    """Citizens and their screenings (R1, R2) in the plan's proportions, with baselines (R12)."""
    rng, today, ids, stamp, rows = demo.rng, demo.today, demo.ids, demo.stamp, demo.rows
    used_cpr: set[str] = set(Citizen.select(Citizen.cpr).tuples())
    weights = [d.home_help_count for d in demo.districts]
    demo.eligible_by_district = {d.id: [] for d in demo.districts}
    year_ago = today - _dt.timedelta(days=365)
    for _citizen in range(n_citizens):
        cid = ids.next("citizen")
        female = rng.random() < 0.68
        first = rng.choice(FEMALE if female else MALE)
        name = f"{first} {rng.choice(SURNAMES)}"
        if rng.random() < 0.25:
            name = f"{first} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        district = rng.choices(demo.districts, weights)[0]
        post = next(p for n, _h, p in DISTRICTS if n == district.name)
        screened_on = year_ago - _dt.timedelta(days=rng.randrange(0, 200) + SCREENED_EARLIER) + _dt.timedelta(
            days=rng.randrange(0, 520))
        screened_on = min(screened_on, today)
        lives_alone = rng.random() < 2 / 3
        hard_out = rng.random() < 0.5
        limited = lives_alone and rng.random() < 0.30  # ~15–20% alone with a very small network
        eligible = lives_alone and hard_out and limited
        wants = eligible and rng.random() < 0.85
        staff = demo.staff_by_district[district.id]
        state = STATE_ELIGIBLE if eligible else STATE_NOT_ELIGIBLE
        rows["citizen"].append((cid, _cpr(rng, used_cpr, female), name,
                                f"{rng.choice(STREETS)} {rng.randint(1, 120)}", post, district.name,
                                f"{rng.choice('2345679')}{rng.randrange(0, 10**7):07d}", district.id, True,
                                state, screened_on, stamp, staff.id))
        sid = ids.next("screening")
        rows["screening"].append((sid, cid, screened_on, staff.id, rng.choice(PROVIDERS), True, lives_alone,
                                  hard_out, limited, eligible, wants, "", stamp))
        rows["state"].append((ids.next("state"), cid, None, STATE_SCREENED, screened_on, stamp, staff.id, ""))
        rows["state"].append((ids.next("state"), cid, STATE_SCREENED, state, screened_on, stamp, staff.id, ""))
        if eligible:
            who5 = _who5(rng, rng.randint(1, 3))
            ucla = _ucla(rng, rng.randint(2, 3))
            network = rng.randint(0, 3)
            rows["measurement"].append((ids.next("measurement"), cid, "baseline", sid, None, screened_on,
                                        staff.id, network, who5, who5_score(who5), WHO5_VERSION, ucla,
                                        ucla_score(ucla), UCLA_VERSION, stamp))
            if wants:
                demo.eligible_by_district[district.id].append((cid, screened_on, staff, network, who5))


def _admit(demo: _Demo) -> None:
    """Admission within capacity, first screened first (R7), as staff run it: a place freed by a
    participant who ends is offered to the first on the waitlist within days; the rest wait."""
    rng, today = demo.rng, demo.today
    for d in demo.districts:
        queue = sorted(demo.eligible_by_district[d.id], key=lambda e: (e[1], e[0]))
        places = [_dt.date.min] * demo.capacity[d.id]  # the day each place is free from (a heap)
        for entry in queue:
            cid, screened_on, staff = entry[0], entry[1], entry[2]
            free_from = places[0] if places else _dt.date.max
            if free_from <= screened_on:
                admitted = min(today, screened_on + _dt.timedelta(days=rng.randint(3, 20)))
            elif free_from <= today:  # waited for a place: offered it within days of the last participant leaving
                admitted = free_from + _dt.timedelta(days=rng.randint(2, 10))
            else:
                admitted = _dt.date.max  # no place has come free: still waiting
            if admitted > today:
                demo.rows["state"].append((demo.ids.next("state"), cid, STATE_ELIGIBLE, STATE_WAITLISTED,
                                           screened_on, demo.stamp, staff.id, ""))
                demo.state_of[cid] = STATE_WAITLISTED
                demo.state_since[cid] = screened_on
                continue
            end_on = None
            if rng.random() < 0.12 and (today - admitted).days > 60:
                end_on = admitted + _dt.timedelta(days=rng.randint(45, (today - admitted).days))
            demo.end_of[cid] = end_on
            heapq.heapreplace(places, end_on + _dt.timedelta(days=1) if end_on else _dt.date.max)
            demo.participants.append((entry, d, admitted))


def _admit_from_waitlists(demo: _Demo) -> None:
    """Places still free today (a participant left in the last days) go to the first waiting,
    through the admission operation itself (R7: the same rule and audit as on Venteliste)."""
    from .admission import admit, room_in, waitlisted

    for d in demo.districts:
        for _place in range(room_in(d, demo.today).places):
            queue = waitlisted(d)
            if not queue:
                break
            admit(demo.staff_by_district[d.id], queue[0][0], on=demo.today)


def _plan_outings(demo: _Demo) -> None:
    """Outings a year back and three months ahead (R10), the past ones held with sign-ups."""
    rng = demo.rng
    demo.outings = _plan_events(demo.today, demo.districts, demo.catalogue, demo.leader,
                                demo.pools[(demo.today.year, demo.districts[0].id)]["pool"].budget)
    by_district: dict[int, list] = {}
    for (cid, *_rest), d, admitted in demo.participants:
        by_district.setdefault(d.id, []).append((cid, admitted, demo.end_of[cid]))
    for outing in demo.outings:
        if not outing["held"]:
            continue
        day = outing["event"].starts_at.date()
        want = rng.randint(8, 14)
        members = by_district.get(outing["district_id"], [])
        if len(members) > 4 * want:  # a large scheme: draw a few, not the whole district (fill time)
            members = rng.sample(members, 4 * want)
        candidates = [cid for cid, admitted, end_on in members
                      if admitted < day and (end_on is None or end_on > day)]
        chosen = rng.sample(candidates, min(len(candidates), want))
        for seq, cid in enumerate(chosen, start=1):
            seated = seq <= outing["event"].seats
            signup = {"event": outing["event"], "citizen": cid, "seq": seq,
                      "status": SIGNUP_SEATED if seated else SIGNUP_WAITLISTED, "attendance": None}
            demo.signups.append(signup)
            if seated:
                if rng.random() < 0.12:
                    signup["attendance"] = ABSENT
                else:
                    demo.outings_of.setdefault(cid, []).append((day, signup))


def _participate(demo: _Demo, entry: tuple, d: District, admitted: _dt.date) -> None:
    """One participant's year: admitted, cards and punches (R3, R5), outings, maybe an end or a pause."""
    rng, today = demo.rng, demo.today
    cid, _screened_on, staff, network, who5 = entry
    demo.rows["state"].append((demo.ids.next("state"), cid, STATE_ELIGIBLE, STATE_ACTIVE, admitted, demo.stamp,
                               staff.id, "optaget"))
    state, since = STATE_ACTIVE, admitted
    end_on = demo.end_of[cid]
    last_day = min(today, end_on) if end_on else today
    rate = rng.uniform(0.7, 1.2) * PACE  # clips a week
    days: list[tuple[_dt.date, dict | None]] = []
    day = admitted
    while True:
        day = day + _dt.timedelta(days=max(1, int(rng.expovariate(rate / 7.0 / 1.8))))
        if day > last_day:
            break
        days.append((day, None))
    trips = sorted(demo.outings_of.get(cid, []), key=lambda entry: entry[0])
    days.extend(trips)
    days.sort(key=lambda entry: (entry[0], entry[1] is None))
    card = _punch_days(demo, cid, d, staff, network, who5, admitted, days, trips, last_day)
    if card is not None:
        status, ended, reason = (CARD_CLOSED, end_on, "afsluttet") if end_on else (CARD_OPEN, None, "")
        if end_on:
            card["pool"]["left"] += 10 - card["used"]
        demo.rows["card"].append((card["id"], card["number"], cid, card["pool_id"], 10, card["used"], status,
                                  card["issued"], ended, reason, staff.id, demo.stamp))
    if end_on:
        reason = rng.choice(END_REASONS_DEMO)
        rid = demo.ids.next("reassessment")
        demo.rows["reassess"].append((rid, cid, None, end_on, staff.id, "end", reason, "", demo.stamp))
        demo.rows["state"].append((demo.ids.next("state"), cid, STATE_ACTIVE, STATE_ENDED, end_on, demo.stamp,
                                   staff.id, reason))
        state, since = STATE_ENDED, end_on
    elif card is not None and rng.random() < 0.05:
        paused = today - _dt.timedelta(days=rng.randint(1, 20))
        if paused > card["issued"]:
            demo.rows["state"].append((demo.ids.next("state"), cid, STATE_ACTIVE, STATE_PAUSED, paused,
                                       demo.stamp, staff.id, "indlagt"))
            state, since = STATE_PAUSED, paused
    demo.state_of[cid] = state
    demo.state_since[cid] = since


def _away(today: _dt.date) -> tuple[_dt.date, _dt.date] | None:
    """This year's weeks without the lagging district's therapist (none early in the year)."""
    end = today - _dt.timedelta(weeks=AWAY_ENDED_WEEKS_AGO)
    start = max(_dt.date(today.year, 1, 1), end - _dt.timedelta(weeks=AWAY_WEEKS))
    return (start, end) if start < end else None


def _punch_days(demo: _Demo, cid: int, d: District, staff: Staff, network: int, who5: str,
                admitted: _dt.date, days: list, trips: list, last_day: _dt.date) -> dict | None:
    """Punch the participant's days in turn, a new card after each reassessment; the card left open."""
    rng, rows = demo.rng, demo.rows
    card = None
    not_before = admitted
    stopped = False
    away = _away(demo.today) if d.name == AWAY_DISTRICT else None
    for day, signup in days:
        if stopped or day < not_before:
            if signup is not None:
                signup["attendance"] = ABSENT
            continue
        if away and signup is None and away[0] <= day < away[1]:
            continue  # the district's therapist was away: no home visit
        if card is None:
            pool = demo.pools.get((day.year, d.id))
            if pool is None or pool["left"] < 10:
                stopped = True
                if signup is not None:
                    signup["attendance"] = ABSENT
                continue
            pool["left"] -= 10
            demo.card_number += 1
            card = {"id": demo.ids.next("card"), "number": demo.card_number, "issued": not_before, "used": 0,
                    "pool": pool, "pool_id": pool["pool"].id}
        punched = _punch_one(demo, card, day, signup, trips)
        if punched is None:
            continue  # the citizen saves the clips for the coming outing
        rows["punch"].append((str(uuid.UUID(int=rng.getrandbits(128))), card["id"], None, cid, PUNCH, punched[0],
                              None, punched[1], punched[2], punched[3], day, "", staff.id,
                              _dt.datetime.combine(day, _dt.time(rng.randint(8, 15), rng.randint(0, 59)))))
        if card["used"] < 10:
            continue
        rows["card"].append((card["id"], card["number"], cid, card["pool_id"], 10, 10, CARD_USED_UP,
                             card["issued"], day, "", staff.id, demo.stamp))
        card = None
        reassess_day = day + _dt.timedelta(days=rng.randint(1, 10))
        if reassess_day > last_day or rng.random() < NOT_REASSESSED:
            stopped = True  # due for reassessment
            continue
        rid = demo.ids.next("reassessment")
        rows["reassess"].append((rid, cid, rows["card"][-1][0], reassess_day, staff.id, "continue", None, "",
                                 demo.stamp))
        new_who5 = _who5(rng, min(5, int(who5[0]) + rng.choice((0, 0, 1, 1, 2))))
        new_ucla = _ucla(rng, rng.choice((1, 2, 2, 3)))
        rows["measurement"].append((demo.ids.next("measurement"), cid, "followup", None, rid, reassess_day,
                                    staff.id, network + rng.choice((0, 0, 1, 1, 2)), new_who5,
                                    who5_score(new_who5), WHO5_VERSION, new_ucla, ucla_score(new_ucla),
                                    UCLA_VERSION, demo.stamp))
        not_before = reassess_day
    return card


def _punch_one(demo: _Demo, card: dict, day: _dt.date, signup: dict | None, trips: list) -> tuple | None:
    """The clips, activity, catalogue item and event of one day's punch (None: skipped); counts them on the card."""
    rng = demo.rng
    event_id = None
    if signup is not None:
        event = signup["event"]
        # a card short of the trip's clips pays what it has left ("færre klip")
        clips = min(event.clips_per_participant, 10 - card["used"])
        signup["attendance"] = ATTENDED
        activity, item_id, event_id = event.title, event.catalogue_item_id, event.id
    else:
        clips = min(10 - card["used"], rng.choice((1, 1, 2, 2, 2, 3, 4)))
        coming = next((e for d2, e in trips if day < d2 <= day + _dt.timedelta(days=21)), None)
        if coming is not None and 10 - card["used"] - clips < coming["event"].clips_per_participant:
            return None
        if rng.random() < 0.15:
            activity, item_id = rng.choice(OWN_IDEAS), None
        else:
            item = rng.choice(demo.personal_items)
            activity, item_id = item.name, item.id
    card["used"] += clips
    return clips, activity, item_id, event_id


def _write_rows(demo: _Demo) -> None:
    rows = demo.rows
    citizen_rows = [row[:9] + (demo.state_of.get(row[0], row[9]), demo.state_since.get(row[0], row[10])) + row[11:]
                    for row in rows["citizen"]]
    _bulk(Citizen, [Citizen.id, Citizen.cpr, Citizen.name, Citizen.address, Citizen.postcode, Citizen.city,
                    Citizen.phone, Citizen.district, Citizen.receives_home_help, Citizen.state,
                    Citizen.state_since, Citizen.created_at, Citizen.created_by], citizen_rows)
    _bulk(Screening, [Screening.id, Screening.citizen, Screening.screened_on, Screening.screened_by,
                      Screening.provider, Screening.receives_home_help, Screening.lives_alone,
                      Screening.hard_to_get_out, Screening.limited_network, Screening.eligible,
                      Screening.wants_to_take_part, Screening.notes, Screening.created_at], rows["screening"])
    _bulk(StateChange, [StateChange.id, StateChange.citizen, StateChange.from_state, StateChange.to_state,
                        StateChange.on, StateChange.at, StateChange.by, StateChange.reason], rows["state"])
    _bulk(Card, [Card.id, Card.number, Card.citizen, Card.pool, Card.clips, Card.used, Card.status,
                 Card.issued_on, Card.ended_on, Card.end_reason, Card.issued_by, Card.created_at], rows["card"])
    _bulk(Reassessment, [Reassessment.id, Reassessment.citizen, Reassessment.card, Reassessment.assessed_on,
                         Reassessment.assessed_by, Reassessment.decision, Reassessment.end_reason,
                         Reassessment.notes, Reassessment.created_at], rows["reassess"])
    _bulk(Measurement, [Measurement.id, Measurement.citizen, Measurement.kind, Measurement.screening,
                        Measurement.reassessment, Measurement.measured_on, Measurement.recorded_by,
                        Measurement.network_size, Measurement.who5_answers, Measurement.who5_score,
                        Measurement.who5_version, Measurement.ucla_answers, Measurement.ucla_score,
                        Measurement.ucla_version, Measurement.created_at], rows["measurement"])
    _bulk(Punch, [Punch.id, Punch.card, Punch.agreement, Punch.citizen, Punch.kind, Punch.clips,
                  Punch.reverses, Punch.activity, Punch.catalogue_item, Punch.event, Punch.punched_on,
                  Punch.reason, Punch.registered_by, Punch.registered_at], rows["punch"])


def _agreement(demo: _Demo) -> None:
    """An individual agreement (R4) for one active participant."""
    active = [cid for cid, st in demo.state_of.items() if st == STATE_ACTIVE]
    if not active:
        return
    cid = active[0]
    pool = demo.pools[(demo.today.year, Citizen.get_by_id(cid).district_id)]
    if pool["left"] >= 14:
        pool["left"] -= 14
        Agreement.create(citizen=cid, pool=pool["pool"], approved_by=demo.leader, clips=14,
                         reason="Hospitalsophold i Aarhus med overnatning; ledsagelse begge veje",
                         activity="Hospitalsbesøg", valid_from=demo.today,
                         valid_until=demo.today + _dt.timedelta(days=60))


def _coming_signups(demo: _Demo) -> None:
    """Sign-ups for the coming outings among today's active participants; then every sign-up is written."""
    active_by_district: dict[int, list[int]] = {}
    for (cid, *_rest), d, _admitted in demo.participants:
        if demo.state_of.get(cid) == STATE_ACTIVE:
            active_by_district.setdefault(d.id, []).append(cid)
    for outing in demo.outings:
        if outing["held"]:
            continue
        pool_ids = active_by_district.get(outing["district_id"], [])
        chosen = demo.rng.sample(pool_ids, min(len(pool_ids), demo.rng.randint(6, 14)))
        for seq, cid in enumerate(chosen, start=1):
            demo.signups.append({"event": outing["event"], "citizen": cid, "seq": seq, "attendance": None,
                                 "status": SIGNUP_SEATED if seq <= outing["event"].seats else SIGNUP_WAITLISTED})
    _bulk(Signup, [Signup.event, Signup.citizen, Signup.status, Signup.seq, Signup.attendance, Signup.by,
                   Signup.created_at],
          [(s["event"].id, s["citizen"], s["status"], s["seq"], s["attendance"], demo.leader.id, demo.stamp)
           for s in demo.signups])


# The plan's outings (title, hour, clips per participant, transport in DKK, meeting place), taken in turn.
OUTING_PLANS = (("Bustur til Bilka Vejle", 9, 6, decimal.Decimal("1850"), "Ved rådhuset"),
                ("Fællestur til banko", 13, 5, decimal.Decimal("900"), "Aktivitetscentret"))
RESERVE_SHARE = decimal.Decimal("0.9")  # a well-run scheme plans outings for most of its transport reserve


def _plan_events(today, districts, catalogue, leader, budget) -> list[dict]:
    """The plan's outings, a bus trip to Bilka Vejle and a bingo trip in turn, by district in turn, a year
    back and three months ahead: as many a month as the year's transport reserve pays for (issue #15,
    item 6: scaled with the scheme, so a small scheme does not overspend its reserve)."""
    per_month = decimal.Decimal(budget.transport_reserve_dkk) * RESERVE_SHARE / 12
    outings: list[dict] = []
    planned = target = decimal.Decimal(0)
    turn = 0
    for offset in range(-12, 4):
        month = (today.month - 1 + offset) % 12 + 1
        year = today.year + (today.month - 1 + offset) // 12
        target += per_month
        plans = []
        while planned + OUTING_PLANS[turn % len(OUTING_PLANS)][3] <= target:
            plans.append(OUTING_PLANS[turn % len(OUTING_PLANS)])
            planned += plans[-1][3]
            turn += 1
        for k, (title, hour, clips, transport, place) in enumerate(plans):
            starts = _dt.datetime(year, month, 3 + k * 24 // len(plans), hour, 0)  # spread over the month
            district = districts[len(outings) % len(districts)]
            held = starts.date() < today
            event = Event.create(title=title, catalogue_item=catalogue[title], district=district, starts_at=starts,
                                 meeting_place=place, seats=12, clips_per_participant=clips,
                                 transport_cost_dkk=transport, status=EVENT_HELD if held else EVENT_PLANNED,
                                 held_on=starts.date() if held else None, created_by=leader,
                                 series=f"demo-{title}")
            outings.append({"event": event, "district_id": district.id, "held": held})
    return outings


def _print_states(demo: _Demo) -> None:
    """Issue 16: the physical cards (fictitious phone numbers): open cards older than two weeks are
    handed out, newer ones wait under "Til udskrivning"."""
    for d, phone in zip(demo.districts, ("75 00 11 01", "75 00 11 02", "75 00 11 03"), strict=False):
        District.update(phone=phone).where(District.id == d.id).execute()
    recent = demo.today - _dt.timedelta(days=14)
    Card.update(print_state=PRINT_HANDED_OUT, print_count=1, handed_out_on=Card.issued_on).where(
        (Card.status == CARD_OPEN) & (Card.issued_on < recent)).execute()
    Card.update(print_state=PRINT_REQUESTED).where((Card.status == CARD_OPEN) & (Card.issued_on >= recent)).execute()
