"""Reassessment (R5) with the follow-up outcomes (R12).

When a card's 10 clips are used (or the configured number of months has passed)
the participant is reassessed: continue (a new card when the old one is used
up) or end participation with a reason. Ending closes the open card, so its
unused clips go back to the pool, and frees the place for the waitlist.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from peewee import SQL, Case, fn

from .base import DomainError, audit, log_access, operation, snapshot, today
from .cards import close_card, issue_card, open_card
from .citizens import change_state, state_label
from .commitments import Released, release_on_end
from .entities import (
    CARD_OPEN,
    CARD_USED_UP,
    END_REASONS,
    STATE_ACTIVE,
    STATE_ENDED,
    STATE_PAUSED,
    Card,
    Citizen,
    District,
    Reassessment,
    Setting,
    Staff,
)
from .i18n import _
from .inputs import date_of
from .participation import DEFAULT_REASSESS_MONTHS, due_parts, reassessment_days, reassessment_interval_months
from .permissions import require
from .screening import Baseline, clean_outcomes, record_measurement

CONTINUE = "continue"
END = "end"
DECISIONS = (CONTINUE, END)
OTHER_REASON = "andet"


@dataclass
class ReassessmentResult:
    reassessment: Reassessment
    citizen: Citizen
    new_card: Card | None
    closed_card: Card | None
    kept_card: Card | None  # continuing on a card that is still open
    released: Released | None = None  # ending: the sign-ups cancelled and agreements closed

    @property
    def message(self) -> str:
        if self.new_card is not None:
            return (_("Nyt klippekort til {name}: nr. {number} — skriv nummeret på det fysiske kort.").format(name=self.citizen.name, number=self.new_card.number))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if self.kept_card is not None:
            return _("{name} fortsætter på kort nr. {number}.").format(name=self.citizen.name, number=self.kept_card.number)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        text = _("{name} er afsluttet ({end_reason}).").format(name=self.citizen.name, end_reason=self.reassessment.end_reason)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if self.closed_card is not None:
            back = self.closed_card.clips - self.closed_card.used
            text += _(" Kort nr. {number} er lukket; {back} klip går tilbage til puljen.").format(number=self.closed_card.number, back=back)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if self.released is not None and self.released.summary():
            text += " " + self.released.summary()
        return text


@operation
def reassess(actor: Staff, citizen: Citizen | int, *, decision: str, end_reason: str | None = None,
             notes: str = "", network_size=None, who5=None, ucla=None,
             on: _dt.date | None = None) -> ReassessmentResult:
    """Record a reassessment and carry out its decision.

    ``continue``: the follow-up outcomes are required; a participant whose card
    is used up gets a new card (``issue_card``: the pool must have 10 clips);
    one whose card is still open continues on it. ``end``: one of END_REASONS
    ("andet" needs a note); the outcomes are optional (the citizen may have
    moved or died); the open card is closed and the state becomes ended.
    """
    on = on or today()
    person = Citizen.get_or_none(Citizen.id == (citizen.id if isinstance(citizen, Citizen) else citizen))
    if person is None:
        raise DomainError(_("Borgeren findes ikke."))
    if person.state not in (STATE_ACTIVE, STATE_PAUSED):
        raise DomainError(_("{name} er {state}; kun deltagere revurderes.").format(name=person.name, state=state_label(person.state)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if decision not in DECISIONS:
        raise DomainError(_("Vælg: nyt klippekort eller afslut."), field="decision")
    notes = (notes or "").strip()
    outcomes: Baseline = clean_outcomes(network_size, who5, ucla)
    card = open_card(person)
    if decision == CONTINUE:
        if not outcomes.complete:
            raise DomainError(_("Udfyld opfølgningen (netværk, WHO-5 og UCLA-3) før et nyt kort."), field="baseline")
        if card is None and person.state == STATE_PAUSED:
            raise DomainError(_("{name} holder pause; genoptag deltagelsen før et nyt kort.").format(name=person.name))
        end_reason = None
    else:
        if end_reason not in END_REASONS:
            raise DomainError(_("Vælg en årsag til at afslutte."), field="end_reason")
        if end_reason == OTHER_REASON and not notes:
            raise DomainError(_("Skriv en bemærkning, når årsagen er 'andet'."), field="notes")
    last_card = card or (Card.select().where(Card.citizen == person)
                         .order_by(Card.issued_on.desc(), Card.id.desc()).first())
    row = Reassessment.create(citizen=person, card=last_card, assessed_on=on, assessed_by=actor,
                              decision=decision, end_reason=end_reason, notes=notes)
    audit(actor, "reassessment.create", "reassessment", row.id, None, snapshot(row))
    record_measurement(actor, person, "followup", outcomes, on, reassessment=row)
    new_card = closed = kept = released = None
    if decision == CONTINUE:
        if card is None:
            new_card = issue_card(actor, person, on)
        else:
            kept = card
    else:
        if card is not None:
            closed = close_card(actor, card, f"afsluttet: {end_reason}", on)
        change_state(actor, person, STATE_ENDED, on=on, reason=end_reason + (f" — {notes}" if notes else ""))
        released = release_on_end(actor, person, end_reason, on)
    return ReassessmentResult(row, Citizen.get_by_id(person.id), new_card, closed, kept, released)


def end_reason_for(text: str) -> tuple[str, str]:
    """(end reason, notes) for a reason typed as text (the CLI): one of END_REASONS in any case,
    else "andet" with the text as the note (empty text: no reason, which ``reassess`` refuses)."""
    typed = " ".join((text or "").split())
    for reason in END_REASONS:
        if typed.casefold() == reason.casefold():
            return reason, ""
    return (OTHER_REASON, typed) if typed else ("", "")


@dataclass
class DueLine:
    citizen_id: int
    name: str
    cpr: str
    district: str
    state: str
    card_number: int | None  # the open card, or the last used-up one
    card_used: int | None
    card_open: bool
    since: _dt.date | None  # admission or last reassessment
    due: bool
    why: str  # "kort brugt op" / "6 mdr." / ""
    waiting_since: _dt.date | None = None  # issue #15: the day the reassessment fell due (None: not due)


PARTICIPANT_PAGE = 200  # the list shows this many at a time ("… og n til" reads the next)


def _participants_query(actor: Staff | None, district, only_due: bool | None, on: _dt.date, columns,
                        search: str = ""):
    """Participants (active and paused) of the district, or of those the actor may see; the
    due ones only with ``only_due=True``, those not due with ``False``, all with ``None`` (the
    rule: :func:`models.participation.due_parts`).
    ``columns(last, admitted, due)``: what to select (``due`` is 1 or 0); unless only the due ones
    are listed, a last column says whether the line is due."""
    from .access import district_ids

    last, admitted, due_rule = due_parts(on)
    due = Case(None, [(due_rule, 1)], 0)
    # the due ones (issue #17): the rule itself is the filter, and no column repeats its probes to say 1
    query = (Citizen.select(*columns(last, admitted, due), *(() if only_due is True else (due.alias("due"),)))
             .join(District, on=(Citizen.district == District.id))
             .where(Citizen.state.in_([STATE_ACTIVE, STATE_PAUSED])))
    if district is not None:
        query = query.where(Citizen.district == district)
    elif actor is not None and district_ids(actor) is not None:  # a terapeut's "all": their own districts
        query = query.where(Citizen.district.in_(list(district_ids(actor)) or [-1]))
    if only_due is True:
        query = query.where(due_rule)
    elif only_due is False:
        query = query.where(due == 0)
    digits = search.replace("-", "")
    if digits.isdigit():  # the CPR number's first digits (a name is matched by _name_matches)
        query = query.where(Citizen.cpr.startswith(digits))
    return query


def _name_matches(search: str):
    """Whether a name holds what was typed, case folded for every letter (Æ/æ too), on any store:
    a name search over the participants, who are few enough to be read (SQLite's LIKE folds ASCII
    only, and PostgreSQL's case-insensitive collation allows no ILIKE)."""
    digits = search.replace("-", "")
    needle = search.casefold()
    if not search or digits.isdigit():
        return lambda _name: True
    return lambda name: needle in name.casefold()


def _shown_card():
    """The card a participant's line shows: the open one, else the last used-up one."""
    def first(status, *order):
        return (Card.select(Card.id).where((Card.citizen == Citizen.id) & (Card.status == status))
                .order_by(*order).limit(1))

    return fn.COALESCE(first(CARD_OPEN, Card.issued_on, Card.id),
                       first(CARD_USED_UP, Card.issued_on.desc(), Card.id.desc()))


@dataclass
class ParticipantPage:
    lines: list[DueLine]  # the first ``limit``: the due ones longest waiting first, then the rest by name
    total: int  # participants listed without the limit
    due: int  # of which due


def participant_page(actor: Staff | None, district=None, *, only_due: bool = True, on: _dt.date | None = None,
                     limit: int = PARTICIPANT_PAGE, search: str = "") -> ParticipantPage:
    """Participants (active and paused) with their card and whether they are due (R5): the due ones
    who have waited longest first, then the rest by name; the first ``limit``, and how many there
    are (and are due) in all. ``search``: a name's part, or the CPR number's first digits.

    ``only_due``: those whose card is used up, or not reassessed for the
    configured number of months since admission or the last reassessment.
    One scan finds the page and the counts; the page's lines are read by their ids.
    """
    from .access import require_own_district

    on = on or today()
    require_own_district(actor, district)
    months = reassessment_interval_months()
    matches = _name_matches(search)
    by_name = bool(search) and not search.replace("-", "").isdigit()  # a name: matched here, case folded
    # issue #15: the due ones who have waited longest first, over all of them (not only a page); issue
    # #17: ordered, counted and cut by the database, so only the page's rows come back (unless a name is
    # searched: then every due row's id, name and day, matched here)
    due_query = _participants_query(actor, district, True, on, lambda last, admitted, due: (
        Citizen.id, Citizen.name, reassessment_days(last, admitted, months)[1].alias("fell_due"),
        fn.COUNT(SQL("*")).over()), search)
    db = Citizen._meta.database
    if by_name:
        due_rows = [r for r in db.execute(due_query).fetchall() if matches(r[1])]
        due_rows.sort(key=lambda r: (date_of(r[2]) or _dt.date.max, r[1], r[0]))
        due_total = len(due_rows)
    else:
        fell_due = SQL('"fell_due"').asc(nulls="LAST")  # the day each fell due (none: last)
        due_rows = db.execute(due_query.order_by(fell_due, Citizen.name, Citizen.id).limit(max(limit, 1))).fetchall()
        due_total = int(due_rows[0][3]) if due_rows else 0
    page = due_rows[:limit]
    order = [r[0] for r in page]
    waiting_of = {r[0]: date_of(r[2]) for r in page}
    if only_due:
        total = due_total
    else:  # then the rest by name
        room = max(limit - len(order), 0)
        query = _participants_query(actor, district, False, on, lambda last, admitted, due: (
            Citizen.id, Citizen.name, fn.COUNT(SQL("*")).over()), search).order_by(Citizen.name, Citizen.id)
        if by_name:  # every line read, matched here
            rest = [r for r in query.tuples() if matches(r[1])]
            total = due_total + len(rest)
        else:
            rest = list(query.limit(room or 1).tuples())  # one row at least, for the count
            total = due_total + (int(rest[0][2]) if rest else 0)
        order += [r[0] for r in rest][:room]
    rows = list(_participants_query(actor, district, None, on, lambda last, admitted, due: (
        Citizen.id, Citizen.name, Citizen.cpr, District.name, Citizen.state,
        reassessment_days(last, admitted, months)[0], _shown_card())).where(Citizen.id.in_(order)).tuples()) \
        if order else []
    card_ids = [r[6] for r in rows if r[6] is not None]
    # the shown cards' number, clips used and status (tuples: no model instance for each of 200 cards)
    cards = {card_id: (number, used, status) for card_id, number, used, status in Card.select(
        Card.id, Card.number, Card.used, Card.status).where(Card.id.in_(card_ids)).tuples()} if card_ids else {}
    position = {cid: n for n, cid in enumerate(order)}
    lines = []
    for cid, name, cpr, district_name, state, since, card_id, due in sorted(rows, key=lambda r: position[r[0]]):
        number, used, status = cards.get(card_id, (None, None, None))
        card_open = status == CARD_OPEN
        why = (_("kort brugt op") if not card_open else _("{months} mdr. gået").format(months=months)) if due else ""
        lines.append(DueLine(cid, name, cpr, district_name, state, number, used, card_open, date_of(since),
                             bool(due), why, waiting_of.get(cid) if due else None))
    if actor is not None:
        log_access(actor, "list", criterion="revurdering" + (" (alle deltagere)" if not only_due else "")
                   + (f" søgt: {search}" if search else ""), purpose="revurdering")
    return ParticipantPage(lines, total, due_total)


def participants(actor: Staff | None, district=None, *, only_due: bool = True, on: _dt.date | None = None,
                 limit: int = PARTICIPANT_PAGE) -> list[DueLine]:
    """The lines of :func:`participant_page`."""
    return participant_page(actor, district, only_due=only_due, on=on, limit=limit).lines


@operation
def set_reassessment_interval(actor: Staff, months: int) -> int:
    """A leader sets how many months may pass between reassessments (default 6)."""
    require(actor, "reassessment.interval")
    try:
        value = int(months)
    except (TypeError, ValueError):
        raise DomainError(_("Antal måneder skal være et helt tal."), field="months") from None
    if not 1 <= value <= 36:
        raise DomainError(_("Antal måneder skal være mellem 1 og 36."), field="months")
    before = reassessment_interval_months()
    Setting.insert(key="reassess_months", value=str(value)).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: str(value)}).execute()
    audit(actor, "setting.reassess_months", "setting", "reassess_months", {"value": before}, {"value": value})
    return value


__all__ = ["CONTINUE", "END", "DECISIONS", "END_REASONS", "DEFAULT_REASSESS_MONTHS", "reassess", "participants",
           "participant_page", "set_reassessment_interval", "ReassessmentResult", "DueLine"]


@dataclass
class ReassessContext:
    """What the reassessment form shows about the participant."""

    citizen_id: int
    name: str
    cpr: str
    district: str
    state: str
    state_label: str
    card_number: int | None
    card_used: int | None
    card_open: bool
    baseline: object | None  # models.entities.Measurement
    latest: object | None


def reassessment_context(actor: Staff, citizen_id: int) -> ReassessContext:
    """The participant, their card and their baseline/latest outcomes (an access-logged read)."""
    from .results import citizen_outcome

    person = Citizen.get_or_none(Citizen.id == citizen_id)
    if person is None:
        raise DomainError(_("Borgeren findes ikke."))
    card = open_card(person) or (Card.select().where(Card.citizen == person)
                                 .order_by(Card.issued_on.desc(), Card.id.desc()).first())
    outcome = citizen_outcome(actor, person)
    return ReassessContext(person.id, person.name, person.cpr,
                           person.district.name if person.district_id else "", person.state,
                           state_label(person.state), card.number if card else None,
                           card.used if card else None, bool(card and card.status == CARD_OPEN),
                           outcome.baseline, outcome.latest)
