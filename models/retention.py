"""Retention (issue #12): the access log is kept for a period, citizens until a deletion deadline.

- Access-log entries older than ``retention.access_log_months`` (default 6)
  are deleted by :func:`purge_access_log`: at most once a day (the day's audit
  row says it ran), in short transactions of :data:`BATCH` rows so punching
  never waits long. Every start of Cirkel (TUI and CLI) calls it, and so does
  ``cirkel retention --apply``.
- Citizens whose participation ended (or who were found not eligible) longer
  ago than ``retention.deletion_years`` (default 5) are listed by
  :func:`deletion_candidates` and deleted for real by :func:`delete_citizens`:
  their master data, states, screenings, measurements, reassessments,
  sign-ups, enrolments and the access-log entries about them go. Their cards,
  agreements and punches stay without the link to the person (agreements lose
  their reason and activity text), so each year's pool figures and the Excel
  totals stay right; the export shows such rows with no CPR and "(slettet)".
  Audit rows about the person keep what happened, when and by whom, but their
  before/after values are replaced by a marker. The audit row of a deletion
  counts; it names nobody. SQLite's ``secure_delete`` is on (models.store), the
  name index is optimised and the WAL checkpointed, so the data are
  overwritten in the file.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from peewee import JOIN, SqliteDatabase

from . import cpr as cprmod
from .base import audit, db, log_access, now, today, write_transaction
from .citizens import state_label
from .entities import (
    CARD_OPEN,
    STATE_ENDED,
    STATE_NOT_ELIGIBLE,
    AccessLog,
    Agreement,
    AuditLog,
    Card,
    Citizen,
    District,
    Enrolment,
    Measurement,
    Punch,
    Reassessment,
    Screening,
    Signup,
    StateChange,
)
from .i18n import _
from .inputs import parse_whole
from .permissions import require
from .settings import SettingSpec, declare, get_setting

BATCH = 500  # access-log rows per transaction
CITIZEN_BATCH = 50  # citizens per transaction
REDACTED = '{"slettet": "personoplysninger fjernet efter slettefristen"}'

ACCESS_LOG_MONTHS = declare(SettingSpec(
    "retention.access_log_months", 6,
    lambda text: parse_whole(text, "value", minimum=1, maximum=120, label=_("Antal måneder")),
    "Måneder adgangsloggen gemmes"))
DELETION_YEARS = declare(SettingSpec(
    "retention.deletion_years", 5,
    lambda text: parse_whole(text, "value", minimum=1, maximum=50, label=_("Antal år")),
    "År efter afslutningen før en borger slettes"))


def months_before(day: _dt.date, months: int) -> _dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    import calendar

    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def access_log_cutoff(at: _dt.datetime | None = None) -> _dt.datetime:
    """Entries before this moment are past the retention period."""
    at = at or now()
    return _dt.datetime.combine(months_before(at.date(), get_setting(ACCESS_LOG_MONTHS.key)), at.time())


def deletion_cutoff(on: _dt.date | None = None) -> _dt.date:
    """Citizens whose case closed before this day are past the deletion deadline."""
    return months_before(on or today(), 12 * get_setting(DELETION_YEARS.key))


# --- the access log -------------------------------------------------------------------

def purge_access_log(actor=None, *, at: _dt.datetime | None = None, force: bool = False) -> int | None:
    """Delete access-log entries past the retention period; None when it already ran today.

    A start with nothing due writes nothing (two indexed reads). Otherwise the
    first short transaction claims the day (its audit row, with the count), then
    the rows go :data:`BATCH` at a time, each batch its own transaction.
    ``force`` (``cirkel retention --apply``) runs even when it ran today.
    """
    at = at or now()
    cutoff = access_log_cutoff(at)
    old = AccessLog.at < cutoff
    day_start = _dt.datetime.combine(at.date(), _dt.time())

    def ran_today() -> bool:
        return AuditLog.select().where((AuditLog.operation == "retention.access_log")
                                       & (AuditLog.at >= day_start)).exists()

    if not force:  # two indexed reads; a start writes nothing unless rows are due
        if ran_today():
            return None
        if not AccessLog.select().where(old).exists():
            return 0
    with write_transaction():
        if not force and ran_today():  # another start got there first
            return None
        count = AccessLog.select().where(old).count()
        audit(actor, "retention.access_log", "access_log", None, None,
              {"older_than": cutoff, "deleted": count, "months": get_setting(ACCESS_LOG_MONTHS.key)})
    deleted = 0
    while deleted < count:
        with write_transaction():
            ids = [i for (i,) in AccessLog.select(AccessLog.id).where(old).order_by(AccessLog.id)
                   .limit(BATCH).tuples()]
            if not ids:
                break
            deleted += AccessLog.delete().where(AccessLog.id.in_(ids)).execute()
    return deleted


def purge_at_start(actor) -> None:
    """What every start of Cirkel does (TUI and CLI), after the staff member is known."""
    purge_access_log(actor)


# --- citizens past the deletion deadline -------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    citizen_id: int
    name: str
    cpr_masked: str
    district: str
    state_label: str
    since: _dt.date | None


def _candidates_query(on: _dt.date | None = None):
    cutoff = deletion_cutoff(on)
    open_cards = Card.select(Card.citizen).where((Card.status == CARD_OPEN) & Card.citizen.is_null(False))
    return (Citizen.select(Citizen.id, Citizen.name, Citizen.cpr, Citizen.state, Citizen.state_since,
                           District.name.alias("district_name"))
            .join(District, JOIN.LEFT_OUTER, on=(Citizen.district == District.id))
            .where(Citizen.state.in_([STATE_ENDED, STATE_NOT_ELIGIBLE]) & (Citizen.state_since < cutoff)
                   & Citizen.id.not_in(open_cards))
            .order_by(Citizen.state_since, Citizen.id))


def deletion_candidates(actor, on: _dt.date | None = None, limit: int = 10_000) -> list[Candidate]:
    """Citizens past the deletion deadline (the dry run); CPR masked; the listing is logged."""
    require(actor, "retention.apply")
    rows = list(_candidates_query(on).limit(limit).dicts())
    log_access(actor, "list", criterion=f"slettefrist: {len(rows)} borgere", purpose="sletning")
    return [Candidate(r["id"], r["name"], cprmod.masked(r["cpr"]), r["district_name"] or "",
                      state_label(r["state"]), r["state_since"]) for r in rows]


@dataclass
class DeletionResult:
    citizens: int = 0
    cards: int = 0
    punches: int = 0
    agreements: int = 0
    rows: int = 0  # screenings, states, measurements, reassessments, sign-ups, enrolments, access-log rows


def _delete_batch(ids: list[int], result: DeletionResult) -> dict:
    counts = {
        "cards": Card.update(citizen=None).where(Card.citizen.in_(ids)).execute(),
        "punches": Punch.update(citizen=None).where(Punch.citizen.in_(ids)).execute(),
        "agreements": Agreement.update(citizen=None, reason="", activity="", close_reason="").where(
            Agreement.citizen.in_(ids)).execute(),
    }
    other = 0
    other += Measurement.delete().where(Measurement.citizen.in_(ids)).execute()
    other += Reassessment.delete().where(Reassessment.citizen.in_(ids)).execute()
    other += Screening.delete().where(Screening.citizen.in_(ids)).execute()
    other += StateChange.delete().where(StateChange.citizen.in_(ids)).execute()
    other += Signup.delete().where(Signup.citizen.in_(ids)).execute()
    other += Enrolment.delete().where(Enrolment.citizen.in_(ids)).execute()
    other += AccessLog.delete().where(AccessLog.citizen.in_(ids)).execute()
    # The audit trail keeps what happened, when and by whom; the person's values go.
    about = (AuditLog.entity == "citizen") & AuditLog.entity_id.in_([str(i) for i in ids])
    for cid in ids:
        about = about | AuditLog.after.contains(f'"citizen_id": {cid},') | AuditLog.after.contains(
            f'"citizen_id": {cid}}}') | AuditLog.before.contains(f'"citizen_id": {cid},')
    AuditLog.update(before=None, after=REDACTED).where(about).execute()
    counts["citizens"] = Citizen.delete().where(Citizen.id.in_(ids)).execute()
    counts["rows"] = other
    for key, value in counts.items():
        setattr(result, key, getattr(result, key) + value)
    return counts


def delete_citizens(actor, on: _dt.date | None = None) -> DeletionResult:
    """Delete every citizen past the deadline, :data:`CITIZEN_BATCH` at a time (each batch one
    transaction with its audit row of counts)."""
    require(actor, "retention.apply")
    result = DeletionResult()
    while True:
        with write_transaction():
            ids = [i for (i,) in _candidates_query(on).select(Citizen.id).limit(CITIZEN_BATCH).tuples()]
            if not ids:
                break
            counts = _delete_batch(ids, result)
            audit(actor, "retention.citizens", "citizen", None, None,
                  {**counts, "deadline_years": get_setting(DELETION_YEARS.key)})
    if result.citizens:
        _scrub_file()
    return result


def _scrub_file() -> None:
    """SQLite only: rebuild the name index's segments and checkpoint the WAL, so deleted names are
    overwritten in the database file too (``secure_delete`` zeroes the freed pages)."""
    if not isinstance(db.obj, SqliteDatabase):
        return
    with write_transaction():
        if db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'citizen_fts'").fetchone():
            db.execute_sql("INSERT INTO citizen_fts(citizen_fts) VALUES ('optimize')")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
