"""Cirkel's tables: the data model for all of the rules (R1–R13, docs/rules.md).

Plain declarations; rules live in the operation modules beside this one.
Columns that are a running total of a ledger (``Card.used``, ``Agreement.used``)
exist so a conditional ``UPDATE ... WHERE used + k <= clips`` can refuse an
overdraw atomically; the ledger (``Punch``) is the truth and always adds up to them.
A schema change here needs a migration in ``models/migrations/``.
"""
from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .base import BaseModel, now
from .i18n import _

# --- states and vocabularies -------------------------------------------------

ROLES = ("terapeut", "leder", "admin")

STATE_SCREENED = "screened"
STATE_ELIGIBLE = "eligible"
STATE_NOT_ELIGIBLE = "not_eligible"
STATE_WAITLISTED = "waitlisted"
STATE_ACTIVE = "active"
STATE_PAUSED = "paused"
STATE_ENDED = "ended"
STATES = (STATE_SCREENED, STATE_ELIGIBLE, STATE_NOT_ELIGIBLE, STATE_WAITLISTED,
          STATE_ACTIVE, STATE_PAUSED, STATE_ENDED)

CARD_OPEN = "open"
CARD_USED_UP = "used_up"
CARD_CLOSED = "closed"
CARD_STATUS_LABELS = {CARD_OPEN: "åbent", CARD_USED_UP: "brugt op", CARD_CLOSED: "lukket"}  # the one table


def card_status_label(status: str | None) -> str:
    """A card's status in the user's language (CARD_STATUS_LABELS keeps the Danish words for files)."""
    return {CARD_OPEN: _("åbent"), CARD_USED_UP: _("brugt op"), CARD_CLOSED: _("lukket")}.get(status, status or "")


CARD_STATES = (CARD_OPEN, CARD_USED_UP, CARD_CLOSED)
CLIPS_PER_CARD = 10

# issue 16: the print queue of the physical card (None: made before printing existed, or imported)
PRINT_REQUESTED = "requested"
PRINT_PRINTED = "printed"
PRINT_HANDED_OUT = "handed_out"
PRINT_STATES = (PRINT_REQUESTED, PRINT_PRINTED, PRINT_HANDED_OUT)

PUNCH = "punch"
PUNCH_REVERSAL = "reversal"
PUNCH_IMPORT = "import"
PUNCH_KINDS = (PUNCH, PUNCH_REVERSAL, PUNCH_IMPORT)

END_REASONS = ("mindre ensom", "mere livskvalitet", "flyttet", "død", "ønsker ikke mere", "andet")

CATALOGUE_CATEGORIES = ("ledsagelse", "hjemme", "fællestur", "andet")

EVENT_PLANNED = "planned"
EVENT_HELD = "held"
EVENT_CANCELLED = "cancelled"

SIGNUP_SEATED = "signed_up"
SIGNUP_WAITLISTED = "waitlisted"
SIGNUP_CANCELLED = "cancelled"
ATTENDED = "attended"
ABSENT = "absent"


# --- organisation -------------------------------------------------------------

class District(BaseModel):
    id = AutoField()
    name = CharField(unique=True, collation="NOCASE")
    home_help_count = IntegerField(default=0)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)
    phone = CharField(default="")  # issue 16: printed on the district's cards


class Staff(BaseModel):
    id = AutoField()
    login = CharField(unique=True)
    name = CharField()
    role = CharField()  # one of ROLES
    district = ForeignKeyField(District, null=True, backref="staff", on_delete="RESTRICT")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)
    language = CharField(null=True)  # issue #20: "da" | "en"; None: Danish (or CIRKEL_LANG)
    color_system = CharField(null=True)  # issue #20: "standard" | "256" | "truecolor"; None: the terminal's


class Setting(BaseModel):
    """Tunable figures (reassessment interval, …) as key/value text."""

    key = CharField(primary_key=True)
    value = TextField()


# --- citizens and participation ---------------------------------------------

class Citizen(BaseModel):
    id = AutoField()
    cpr = CharField(max_length=10, unique=True)  # ten digits, no dash
    name = CharField(collation="NOCASE", index=True)
    address = CharField(default="")
    postcode = CharField(default="")
    city = CharField(default="")
    phone = CharField(default="")
    district = ForeignKeyField(District, null=True, backref="citizens", on_delete="RESTRICT")
    receives_home_help = BooleanField(default=False)
    state = CharField(default=STATE_SCREENED)  # current; history in StateChange
    state_since = DateField(null=True)
    created_at = DateTimeField(default=now)
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        # (state, district, state_since): the participants' reassessment count per district from the
        # index alone (the dashboard, migration 0122; it replaced the index on state alone)
        indexes = ((("district", "state"), False), (("state", "district", "state_since"), False))


class StateChange(BaseModel):
    """Every change of participation state: dated, by a named staff member, kept."""

    id = AutoField()
    citizen = ForeignKeyField(Citizen, backref="state_changes", on_delete="RESTRICT")
    from_state = CharField(null=True)
    to_state = CharField()
    on = DateField()
    at = DateTimeField(default=now)
    by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    reason = TextField(default="")

    class Meta:
        # issue 19: a period's changes to a state, and each change's next one (migration 0070)
        indexes = ((("to_state", "on", "citizen"), False), (("citizen", "on"), False))


class Screening(BaseModel):
    """R1/R2: the four answers, who screened with which provider, the result."""

    id = AutoField()
    citizen = ForeignKeyField(Citizen, backref="screenings", on_delete="RESTRICT")
    screened_on = DateField()
    screened_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    provider = CharField(default="")
    receives_home_help = BooleanField()
    lives_alone = BooleanField()
    hard_to_get_out = BooleanField()
    limited_network = BooleanField()
    eligible = BooleanField()
    wants_to_take_part = BooleanField(default=False)
    notes = TextField(default="")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("citizen", "screened_on"), True),)


# --- money and frames ---------------------------------------------------------

class Budget(BaseModel):
    """R8: a year's budget. Clips for the year = floor((budget − reserve) / price)."""

    id = AutoField()
    year = IntegerField(unique=True)
    budget_dkk = DecimalField(max_digits=14, decimal_places=2)
    price_per_clip_dkk = DecimalField(max_digits=10, decimal_places=2)
    transport_reserve_dkk = DecimalField(max_digits=14, decimal_places=2, default=0)
    clips_per_participant = IntegerField(default=52)
    created_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)


class Pool(BaseModel):
    """R6: a district's clips for a year (its share plus moves in, minus moves out)."""

    id = AutoField()
    budget = ForeignKeyField(Budget, backref="pools", on_delete="RESTRICT")
    district = ForeignKeyField(District, backref="pools", on_delete="RESTRICT")
    allocated = IntegerField(default=0)

    class Meta:
        indexes = ((("budget", "district"), True),)


class PoolMove(BaseModel):
    """R8: a leader's move of clips between two pools of the same year; logged."""

    id = AutoField()
    source = ForeignKeyField(Pool, backref="moves_out", on_delete="RESTRICT")
    target = ForeignKeyField(Pool, backref="moves_in", on_delete="RESTRICT")
    clips = IntegerField()
    reason = TextField()
    by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    at = DateTimeField(default=now)


# --- cards and the ledger ------------------------------------------------------

class Card(BaseModel):
    """R3: ten clips of ½ hour, a number printed on the physical card, start and end."""

    id = AutoField()
    number = IntegerField(unique=True)
    # None once the citizen is deleted after the deadline (issue #12): the card stays for the pool's figures
    citizen = ForeignKeyField(Citizen, null=True, backref="cards", on_delete="RESTRICT")
    pool = ForeignKeyField(Pool, null=True, backref="cards", on_delete="RESTRICT")
    clips = IntegerField(default=CLIPS_PER_CARD)
    used = IntegerField(default=0)  # running total of the ledger, see module doc
    status = CharField(default=CARD_OPEN, index=True)
    issued_on = DateField()
    ended_on = DateField(null=True)  # used up or closed
    end_reason = TextField(default="")
    issued_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)
    # issue 16: the physical card's print queue (requested -> printed -> handed out) and replacement
    print_state = CharField(null=True, index=True)  # one of PRINT_STATES; None: not in the queue
    printed_at = DateTimeField(null=True)  # the last print
    printed_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")
    print_count = IntegerField(default=0)
    handed_out_on = DateField(null=True)
    handed_out_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")
    replaces = ForeignKeyField("self", null=True, unique=True, backref="replaced_by", on_delete="RESTRICT")
    blocked_on = DateField(null=True)  # a lost card: its number is blocked from this day

    class Meta:
        # issue #17: covers the pools' sums of clips bound and used (migration 0108)
        indexes = ((("pool", "status", "clips", "used"), False),)


class Reassessment(BaseModel):
    """R5: when a card is used up (or the interval has passed): continue or end."""

    id = AutoField()
    citizen = ForeignKeyField(Citizen, backref="reassessments", on_delete="RESTRICT")
    card = ForeignKeyField(Card, null=True, backref="reassessments", on_delete="RESTRICT")
    assessed_on = DateField()
    assessed_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    decision = CharField()  # "continue" | "end"
    end_reason = CharField(null=True)  # one of END_REASONS when decision == "end"
    notes = TextField(default="")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("citizen", "assessed_on"), False),)  # a citizen's latest reassessment (migration 0122)


class Measurement(BaseModel):
    """R12 outcomes, at screening (baseline) and at each reassessment (follow-up).

    The raw answers are kept with the instrument's version, so a later wording
    change cannot mix results.
    """

    id = AutoField()
    citizen = ForeignKeyField(Citizen, backref="measurements", on_delete="RESTRICT")
    kind = CharField()  # "baseline" | "followup"
    screening = ForeignKeyField(Screening, null=True, backref="measurements", on_delete="RESTRICT")
    reassessment = ForeignKeyField(Reassessment, null=True, backref="measurements", on_delete="RESTRICT")
    measured_on = DateField()
    recorded_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    network_size = IntegerField(null=True)
    who5_answers = CharField(null=True)  # five digits 0–5, item order
    who5_score = IntegerField(null=True)  # 0–100
    who5_version = CharField(null=True)
    ucla_answers = CharField(null=True)  # three digits 1–3
    ucla_score = IntegerField(null=True)  # 3–9
    ucla_version = CharField(null=True)
    created_at = DateTimeField(default=now)

    class Meta:
        # issue 19: who was followed up in a period, and their latest measurements (migration 0070)
        indexes = ((("kind", "measured_on", "citizen"), False), (("citizen", "kind", "measured_on"), False))


class Agreement(BaseModel):
    """R4: a recorded individual agreement allowing more than 10 clips at once."""

    id = AutoField()
    # None once the citizen is deleted (issue #12): clips and use stay for the pool, the reason goes
    citizen = ForeignKeyField(Citizen, null=True, backref="agreements", on_delete="RESTRICT")
    pool = ForeignKeyField(Pool, null=True, backref="agreements", on_delete="RESTRICT")
    approved_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    clips = IntegerField()
    used = IntegerField(default=0)
    reason = TextField()
    activity = CharField(default="")
    valid_from = DateField()
    valid_until = DateField(null=True)
    created_at = DateTimeField(default=now)
    # issue #13: closed early when the participant ends; unused clips go back to the pool
    closed_on = DateField(null=True)
    close_reason = TextField(default="")


class CatalogueItem(BaseModel):
    """R9: an offer the citizen can pick, with a category and suggested clips."""

    id = AutoField()
    name = CharField(unique=True, collation="NOCASE")
    category = CharField()  # one of CATALOGUE_CATEGORIES
    suggested_clips = IntegerField(default=1)
    description = TextField(default="")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)


# --- programmes (R13) ---------------------------------------------------------

class Programme(BaseModel):
    """A pool-funded programme (Ishøj's "projekt"): a year, a total budget in kroner, budget lines.

    Its money is its own: nothing here touches the klippekort budget or pools.
    """

    id = AutoField()
    name = CharField(unique=True)
    description = TextField(default="")
    start_on = DateField(null=True)
    end_on = DateField(null=True)
    created_at = DateTimeField(default=now)
    year = IntegerField(null=True, index=True)  # issue 14 (migration 0040)
    budget_dkk = DecimalField(max_digits=14, decimal_places=2, default=0)  # issue 14
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")  # issue 14


class BudgetLine(BaseModel):
    id = AutoField()
    programme = ForeignKeyField(Programme, backref="budget_lines", on_delete="RESTRICT")
    name = CharField()
    amount_dkk = DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        indexes = ((("programme", "name"), True),)


class Expense(BaseModel):
    """Actual spending on a budget line (a ledger: corrections are negative entries)."""

    id = AutoField()
    budget_line = ForeignKeyField(BudgetLine, backref="expenses", on_delete="RESTRICT")
    amount_dkk = DecimalField(max_digits=14, decimal_places=2)
    spent_on = DateField()
    note = TextField(default="")
    by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)


class Enrolment(BaseModel):
    id = AutoField()
    programme = ForeignKeyField(Programme, backref="enrolments", on_delete="RESTRICT")
    citizen = ForeignKeyField(Citizen, backref="enrolments", on_delete="RESTRICT")
    enrolled_on = DateField()
    left_on = DateField(null=True)


# --- outings and events (R10) -------------------------------------------------

class Event(BaseModel):
    """A joint outing, or a programme's café: seats, optional clips, transport cost."""

    id = AutoField()
    title = CharField()
    catalogue_item = ForeignKeyField(CatalogueItem, null=True, backref="events", on_delete="RESTRICT")
    programme = ForeignKeyField(Programme, null=True, backref="events", on_delete="RESTRICT")
    district = ForeignKeyField(District, null=True, backref="events", on_delete="RESTRICT")  # None = whole municipality
    starts_at = DateTimeField(index=True)
    meeting_place = CharField(default="")
    seats = IntegerField()
    clips_per_participant = IntegerField(null=True)  # None: no clips (a café)
    transport_cost_dkk = DecimalField(max_digits=12, decimal_places=2, default=0)
    status = CharField(default=EVENT_PLANNED)
    held_on = DateField(null=True)  # when attendance was confirmed; transport booked then
    series = CharField(null=True)  # events made by one "repeat monthly" (or weekly)
    created_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)
    guests = IntegerField(default=0)  # issue 14: unregistered guests who came (a café counts heads)


class Signup(BaseModel):
    id = AutoField()
    event = ForeignKeyField(Event, backref="signups", on_delete="RESTRICT")
    citizen = ForeignKeyField(Citizen, backref="signups", on_delete="RESTRICT")
    status = CharField(default=SIGNUP_SEATED)  # signed_up | waitlisted | cancelled
    seq = IntegerField()  # order of sign-up within the event
    attendance = CharField(null=True)  # attended | absent
    override_reason = TextField(default="")  # a leader signed up a non-active citizen
    by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("event", "citizen"), True),)


class Punch(BaseModel):
    """The ledger. Never edited or deleted: a correction is a reversal entry.

    ``id`` is made by the caller before the write, so a retry after a crash
    between commit and reply can never punch twice.
    """

    id = CharField(primary_key=True, max_length=36)
    # indexed with punched_on and clips (Meta, migration 0116)
    card = ForeignKeyField(Card, null=True, backref="punches", on_delete="RESTRICT", index=False)
    agreement = ForeignKeyField(Agreement, null=True, backref="punches", on_delete="RESTRICT")
    # None once the citizen is deleted (issue #12): the ledger and its totals stay
    citizen = ForeignKeyField(Citizen, null=True, backref="punches", on_delete="RESTRICT")
    kind = CharField(default=PUNCH)  # punch | reversal | import
    clips = IntegerField()  # negative for a reversal
    reverses = ForeignKeyField("self", null=True, unique=True, backref="reversed_by", on_delete="RESTRICT")
    activity = CharField(default="")
    # indexed with kind, event, activity, clips, citizen, punched_on (Meta, migration 0115)
    catalogue_item = ForeignKeyField(CatalogueItem, null=True, backref="+", on_delete="RESTRICT", index=False)
    event = ForeignKeyField(Event, null=True, backref="punches", on_delete="RESTRICT")
    punched_on = DateField()  # indexed first in the Meta index (issue #17: its own index dropped, migration 0108)
    reason = TextField(default="")
    registered_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    registered_at = DateTimeField(default=now)

    class Meta:
        # issue 19: covers the evaluation's ledger sums for a period (migration 0070)
        indexes = ((("punched_on", "catalogue_item", "event", "kind", "clips", "reverses", "citizen"), False),
                   # screens (issue #17): the catalogue's uses and own ideas from the index alone (migration 0115)
                   (("catalogue_item", "kind", "event", "activity", "clips", "citizen", "punched_on"), False),
                   # screens (issue #17): the pools' clips per pool and day from the index alone (migration 0116)
                   (("card", "punched_on", "clips"), False))


# --- trails -------------------------------------------------------------------

class AuditLog(BaseModel):
    """One row per write: who, when, which operation on what, before and after."""

    id = AutoField()
    at = DateTimeField(index=True)
    actor = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")
    operation = CharField()
    entity = CharField()
    entity_id = CharField(null=True)
    before = TextField(null=True)
    after = TextField(null=True)


class AccessLog(BaseModel):
    """One row per read of personal data: who opened whom, searched for what, exported."""

    id = AutoField()
    at = DateTimeField(index=True)
    actor = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")
    action = CharField()  # open_citizen | search | export | list
    citizen = ForeignKeyField(Citizen, null=True, backref="+", on_delete="RESTRICT")
    criterion = TextField(null=True)
    purpose = CharField(default="")  # issue #12: why, from where it happened (klipregistrering, eksport, …)


# --- issue #12: data protection ---------------------------------------------------

class StaffDistrict(BaseModel):
    """The districts a staff member works in (need-to-know); a terapeut may have several."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="district_links", on_delete="CASCADE")
    district = ForeignKeyField(District, backref="staff_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("staff", "district"), True),)


class LogSample(BaseModel):
    """A random sample of the access log drawn for review (stikprøve)."""

    id = AutoField()
    drawn_at = DateTimeField(index=True)
    drawn_by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    days = IntegerField()
    size = IntegerField()


class LogReview(BaseModel):
    """One sampled access-log entry and its review: ok, or to be followed up, with a note."""

    id = AutoField()
    sample = ForeignKeyField(LogSample, backref="reviews", on_delete="RESTRICT")
    # SET NULL: the entry itself goes when the access log's retention period has passed
    access = ForeignKeyField(AccessLog, null=True, backref="+", on_delete="SET NULL")
    verdict = CharField(null=True)  # None (not yet) | "ok" | "follow_up"
    note = TextField(default="")
    reviewed_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="RESTRICT")
    reviewed_at = DateTimeField(null=True)


# --- programme results (R13, issue 14) -----------------------------------------

class ResultNote(BaseModel):
    """A dated results note of a programme ("resultater opnået indtil udgangen af juni")."""

    id = AutoField()
    programme = ForeignKeyField(Programme, backref="result_notes", on_delete="RESTRICT")
    noted_on = DateField()
    text = TextField()
    by = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)


ALL_MODELS = [
    District, Staff, Setting, Citizen, StateChange, Screening, Budget, Pool, PoolMove,
    Card, Reassessment, Measurement, Agreement, CatalogueItem, Programme, BudgetLine,
    Expense, Enrolment, Event, Signup, Punch, AuditLog, AccessLog,
    # issue 14: programmes
    ResultNote,
    # issue #12
    StaffDistrict, LogSample, LogReview,
]
