"""Reading the logs and reviewing them (issue #12): who looked at whom, when and why.

:func:`access_page` and :func:`audit_page` read the access log and the audit
log newest first, one page at a time (``LIMIT`` with a keyset on the id, never
all rows in memory). CPR numbers are masked (DDMMYY-XXXX) unless the query
named the citizen. Reading the log is itself a read of personal data and is
logged (purpose "logkontrol"), once per query.

Log review (stikprøver): :func:`draw_sample` picks access-log entries of the
last days with an unpredictable random choice (``secrets.SystemRandom``, so
nobody can tell which entries will be looked at); :func:`mark_review` records
"ok" or "følges op" with a note. Both are audited.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import secrets
from dataclasses import dataclass

from peewee import JOIN, fn

from . import cpr as cprmod
from .base import DomainError, audit, log_access, now, operation, today
from .entities import AccessLog, AuditLog, Citizen, LogReview, LogSample, Staff
from .i18n import _
from .inputs import clean_text, parse_whole
from .permissions import require
from .settings import SettingSpec, declare, get_setting

PAGE = 50
MAX_PAGE = 1000

REVIEW_DAYS = declare(SettingSpec(
    "log.review_days", 30, lambda text: parse_whole(text, "value", minimum=1, maximum=365, label=_("Antal dage")),
    "Dage uden logopfølgning før overblikket minder lederen om det"))

VERDICTS = ("ok", "follow_up")

_CPR = re.compile(r"(?<!\d)(\d{6})-?(\d{4})(?!\d)")


def mask_text(text: str | None) -> str:
    """Every CPR number in ``text`` masked (DDMMYY-XXXX)."""
    return _CPR.sub(lambda m: f"{m.group(1)}-XXXX", text or "")


@dataclass(frozen=True)
class LogFilter:
    citizen: str | None = None  # a CPR number (with or without the dash)
    staff: str | None = None  # a login
    since: _dt.date | None = None
    until: _dt.date | None = None
    action: str | None = None

    def describe(self) -> str:
        parts = []
        if self.citizen:
            parts.append("borger")
        if self.staff:
            parts.append(f"medarbejder {self.staff}")
        if self.since:
            parts.append(f"fra {self.since.isoformat()}")
        if self.until:
            parts.append(f"til {self.until.isoformat()}")
        if self.action:
            parts.append(f"handling {self.action}")
        return ", ".join(parts) or "alle"


@dataclass(frozen=True)
class AccessEntry:
    id: int
    at: _dt.datetime
    login: str
    staff_name: str
    action: str
    purpose: str
    citizen_id: int | None
    cpr: str  # full when the query named the citizen, else masked; '' for none
    citizen_name: str
    criterion: str  # CPR numbers masked unless the query named the citizen


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: _dt.datetime
    login: str
    staff_name: str
    operation: str
    entity: str
    entity_id: str
    before: str
    after: str


def _resolve(flt: LogFilter) -> tuple[Citizen | None, Staff | None]:
    citizen = staff = None
    if flt.citizen:
        number = cprmod.normalise(flt.citizen)
        citizen = Citizen.get_or_none(Citizen.cpr == number)
        if citizen is None:
            raise DomainError(_("Ingen borger har CPR-nummer {number}.").format(number=cprmod.masked(number)), field="citizen")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if flt.staff:
        staff = Staff.get_or_none(Staff.login == flt.staff.strip())
        if staff is None:
            raise DomainError(_("Ingen medarbejder har brugernavnet '{strip}'.").format(strip=flt.staff.strip()), field="staff")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if flt.since and flt.until and flt.since > flt.until:
        raise DomainError(_("Fra-datoen ligger efter til-datoen."), field="since")
    return citizen, staff


def _period(column, flt: LogFilter):
    condition = True
    if flt.since:
        condition = column >= _dt.datetime.combine(flt.since, _dt.time())
    if flt.until:
        upper = column < _dt.datetime.combine(flt.until + _dt.timedelta(days=1), _dt.time())
        condition = upper if condition is True else (condition & upper)
    return condition


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_PAGE))


def access_page(actor: Staff, flt: LogFilter, *, limit: int = PAGE, before_id: int | None = None,
                log: bool = True) -> list[AccessEntry]:
    """One page of the access log, newest first; the next page: ``before_id`` = the last entry's id.

    The first page of a query (``before_id`` None) is logged when ``log``.
    """
    require(actor, "log.read")
    citizen, staff = _resolve(flt)
    query = (AccessLog.select(AccessLog.id, AccessLog.at, AccessLog.action, AccessLog.purpose,
                              AccessLog.citizen, AccessLog.criterion, Staff.login, Staff.name,
                              Citizen.cpr, Citizen.name.alias("citizen_name"))
             .join(Staff, JOIN.LEFT_OUTER, on=(AccessLog.actor == Staff.id))
             .switch(AccessLog).join(Citizen, JOIN.LEFT_OUTER, on=(AccessLog.citizen == Citizen.id)))
    conditions = [_period(AccessLog.at, flt)]
    if citizen is not None:
        conditions.append(AccessLog.citizen == citizen.id)
    if staff is not None:
        conditions.append(AccessLog.actor == staff.id)
    if flt.action:
        conditions.append(AccessLog.action == flt.action.strip())
    if before_id is not None:
        conditions.append(AccessLog.id < before_id)
    for condition in conditions:
        if condition is not True:
            query = query.where(condition)
    rows = list(query.order_by(AccessLog.id.desc()).limit(_limit(limit)).dicts())
    named = citizen is not None
    entries = [AccessEntry(
        id=r["id"], at=r["at"], login=r["login"] or "", staff_name=r["name"] or "", action=r["action"],
        purpose=r["purpose"] or "", citizen_id=r["citizen"],
        cpr=(cprmod.formatted(r["cpr"]) if named else cprmod.masked(r["cpr"])) if r["cpr"] else "",
        citizen_name=r["citizen_name"] or "",
        criterion=(r["criterion"] or "") if named else mask_text(r["criterion"])) for r in rows]
    if log and before_id is None:
        log_access(actor, "log", citizen=citizen, criterion=f"adgangslog: {flt.describe()}", purpose="logkontrol")
    return entries


def audit_page(actor: Staff, flt: LogFilter, *, limit: int = PAGE, before_id: int | None = None,
               log: bool = True) -> list[AuditEntry]:
    """One page of the audit log (every write), newest first; filters as :func:`access_page`.

    ``citizen``: the writes on that citizen's row and the rows that name them;
    ``action``: an operation or its prefix (``citizen`` matches ``citizen.state``).
    """
    require(actor, "log.read")
    citizen, staff = _resolve(flt)
    query = (AuditLog.select(AuditLog, Staff.login, Staff.name)
             .join(Staff, JOIN.LEFT_OUTER, on=(AuditLog.actor == Staff.id)))
    conditions = [_period(AuditLog.at, flt)]
    if citizen is not None:
        cid = citizen.id
        conditions.append(((AuditLog.entity == "citizen") & (AuditLog.entity_id == str(cid)))
                          | AuditLog.after.contains(f'"citizen_id": {cid},')
                          | AuditLog.after.contains(f'"citizen_id": {cid}}}')
                          | AuditLog.before.contains(f'"citizen_id": {cid},'))
    if staff is not None:
        conditions.append(AuditLog.actor == staff.id)
    if flt.action:
        op = flt.action.strip()
        conditions.append((AuditLog.operation == op) | AuditLog.operation.startswith(op + "."))
    if before_id is not None:
        conditions.append(AuditLog.id < before_id)
    for condition in conditions:
        if condition is not True:
            query = query.where(condition)
    named = citizen is not None
    entries = []
    for row in query.order_by(AuditLog.id.desc()).limit(_limit(limit)).objects():
        before, after = row.before or "", row.after or ""
        entries.append(AuditEntry(
            id=row.id, at=row.at, login=getattr(row, "login", None) or "", staff_name=getattr(row, "name", "") or "",
            operation=row.operation, entity=row.entity, entity_id=row.entity_id or "",
            before=before if named else mask_text(before), after=after if named else mask_text(after)))
    if log and before_id is None:
        log_access(actor, "log", citizen=citizen, criterion=f"revisionslog: {flt.describe()}", purpose="logkontrol")
    return entries


# --- review by random samples ------------------------------------------------------

@dataclass(frozen=True)
class ReviewLine:
    id: int
    sample_id: int
    entry: AccessEntry | None  # None: the entry has gone (retention, or the citizen was deleted)
    verdict: str | None  # None (not yet) | "ok" | "follow_up"
    note: str
    reviewed_by: str
    reviewed_at: _dt.datetime | None


@operation
def draw_sample(actor: Staff, n: int = 20, days: int = 30, *, at: _dt.datetime | None = None) -> int:
    """Draw ``n`` access-log entries of the last ``days`` days at random; returns the sample's id.

    The choice uses the operating system's randomness (``secrets.SystemRandom``):
    it cannot be predicted or replayed, so staff cannot know which reads will be
    looked at. Entries are drawn among ids (ids grow with time), so no page of
    rows is loaded to choose.
    """
    require(actor, "log.review")
    n = parse_whole(n, "n", minimum=1, maximum=500, label=_("Antal"))
    days = parse_whole(days, "days", minimum=1, maximum=3650, label=_("Antal dage"))
    at = at or now()
    window = (AccessLog.at >= at - _dt.timedelta(days=days)) & (AccessLog.at <= at) & (AccessLog.action != "log")
    lo, hi, count = (AccessLog.select(fn.MIN(AccessLog.id), fn.MAX(AccessLog.id), fn.COUNT(AccessLog.id))
                     .where(window).tuples().get())
    if not count:
        raise DomainError(_("Adgangsloggen har ingen opslag de sidste {days} dage.").format(days=days), field="days")
    rng = secrets.SystemRandom()
    chosen: list[int] = []
    if count <= n:
        chosen = [i for (i,) in AccessLog.select(AccessLog.id).where(window).order_by(AccessLog.id).tuples()]
        rng.shuffle(chosen)
    else:
        tried: set[int] = set()
        span = hi - lo + 1
        while len(chosen) < n and len(tried) < span:
            batch = [i for i in rng.sample(range(lo, hi + 1), min(span - len(tried), 4 * (n - len(chosen))))
                     if i not in tried]
            tried.update(batch)
            found = {i for (i,) in AccessLog.select(AccessLog.id).where(window & AccessLog.id.in_(batch)).tuples()}
            chosen += [i for i in batch if i in found][: n - len(chosen)]
    sample = LogSample.create(drawn_at=now(), drawn_by=actor, days=days, size=len(chosen))
    for access_id in chosen:
        LogReview.create(sample=sample, access=access_id)
    audit(actor, "log.sample", "log_sample", sample.id, None, {"n": len(chosen), "days": days})
    return sample.id


@operation
def mark_review(actor: Staff, review_id: int, verdict: str, note: str = "") -> None:
    """Mark one sampled entry "ok" or "follow_up" (følges op: a note saying what is needed)."""
    require(actor, "log.review")
    review = LogReview.get_or_none(LogReview.id == review_id)
    if review is None:
        raise DomainError(_("Stikprøve-linje {review_id} findes ikke.").format(review_id=review_id), field="review")
    if verdict not in VERDICTS:
        raise DomainError(_("Vælg ok eller følges op."), field="verdict")
    note = clean_text(note, "note", kind="note", required=verdict == "follow_up", label=_("Noten"))
    before = {"verdict": review.verdict, "note": review.note}
    review.verdict, review.note, review.reviewed_by, review.reviewed_at = verdict, note, actor, now()
    review.save()
    audit(actor, "log.review", "log_review", review.id, before, {"verdict": verdict, "note": note})


def sample_lines(actor: Staff, sample_id: int | None = None) -> list[ReviewLine]:
    """The lines of a sample (the latest when None), with who/when/whom/why of each entry.

    Showing the sample is a read of the log: logged once (purpose logkontrol).
    """
    require(actor, "log.review")
    if sample_id is None:
        latest = LogSample.select(LogSample.id).order_by(LogSample.id.desc()).first()
        if latest is None:
            return []
        sample_id = latest.id
    reviews = list(LogReview.select().where(LogReview.sample == sample_id).order_by(LogReview.id))
    ids = [r.access_id for r in reviews if r.access_id]
    entries = {}
    if ids:
        query = (AccessLog.select(AccessLog.id, AccessLog.at, AccessLog.action, AccessLog.purpose,
                                  AccessLog.citizen, AccessLog.criterion, Staff.login, Staff.name,
                                  Citizen.cpr, Citizen.name.alias("citizen_name"))
                 .join(Staff, JOIN.LEFT_OUTER, on=(AccessLog.actor == Staff.id))
                 .switch(AccessLog).join(Citizen, JOIN.LEFT_OUTER, on=(AccessLog.citizen == Citizen.id))
                 .where(AccessLog.id.in_(ids)).dicts())
        for r in query:
            entries[r["id"]] = AccessEntry(
                id=r["id"], at=r["at"], login=r["login"] or "", staff_name=r["name"] or "", action=r["action"],
                purpose=r["purpose"] or "", citizen_id=r["citizen"],
                cpr=cprmod.masked(r["cpr"]) if r["cpr"] else "", citizen_name=r["citizen_name"] or "",
                criterion=mask_text(r["criterion"]))
    reviewers = {s.id: s.name for s in Staff.select().where(
        Staff.id.in_([r.reviewed_by_id for r in reviews if r.reviewed_by_id] or [0]))}
    log_access(actor, "log", criterion=f"stikprøve {sample_id}", purpose="logkontrol")
    return [ReviewLine(id=r.id, sample_id=sample_id, entry=entries.get(r.access_id), verdict=r.verdict, note=r.note,
                       reviewed_by=reviewers.get(r.reviewed_by_id, ""), reviewed_at=r.reviewed_at)
            for r in reviews]


def last_review_at() -> _dt.datetime | None:
    return LogReview.select(fn.MAX(LogReview.reviewed_at)).scalar()


def review_overdue(on: _dt.date | None = None) -> int | None:
    """Days since the last review when that is longer than the setting (or never reviewed: -1); else None."""
    on = on or today()
    last = last_review_at()
    limit = get_setting(REVIEW_DAYS.key)
    if last is None:
        return -1
    if isinstance(last, str):
        last = _dt.datetime.fromisoformat(last)
    days = (on - last.date()).days
    return days if days > limit else None


def describe_json(text: str) -> str:
    """An audit before/after as short 'key=value' text, for a one-line view."""
    if not text:
        return ""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict):
        return str(data)
    return ", ".join(f"{k}={v}" for k, v in data.items())
