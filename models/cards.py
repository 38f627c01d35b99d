"""Cards and the clip ledger (R3, R4, R5, R7): issue, punch, reverse, close.

The overdraw guard is a conditional ``UPDATE card SET used = used + k WHERE
used + k <= clips AND status = 'open'`` whose row count is checked, inside the
operation's ``BEGIN IMMEDIATE`` transaction: no interleaving of writers can
overdraw a card or lose a punch. ``Punch`` rows are never edited or deleted;
a correction is a reversal entry, so the ledger always adds up to ``Card.used``.
"""
from __future__ import annotations

import datetime as _dt
import uuid
from dataclasses import dataclass

from peewee import IntegrityError, fn
from peewee import __exception_wrapper__ as _exception_wrapper

from .base import (
    DomainError,
    as_date,
    audit,
    audit_text,
    built_sql,
    db,
    first_of,
    in_transaction,
    now,
    operation,
    snapshot,
    today,
)
from .entities import (
    CARD_CLOSED,
    CARD_OPEN,
    CARD_USED_UP,
    CLIPS_PER_CARD,
    PRINT_REQUESTED,
    PUNCH,
    PUNCH_IMPORT,
    PUNCH_REVERSAL,
    STATE_ACTIVE,
    STATE_ENDED,
    STATE_PAUSED,
    Agreement,
    AuditLog,
    Card,
    CatalogueItem,
    Citizen,
    Punch,
    Staff,
    card_status_label,
)
from .i18n import _
from .inputs import clean_text, format_date
from .pools import committed_clips, pool_of

FIRST_CARD_NUMBER = 1001


@dataclass
class PunchResult:
    punch: Punch
    card: Card | None
    agreement: Agreement | None
    left: int  # clips left on the card (or the agreement)


def open_card(citizen: Citizen | int) -> Card | None:
    citizen_id = citizen.id if isinstance(citizen, Citizen) else citizen
    return first_of(Card, "open_card", lambda: Card.select().where((Card.citizen == 0) & (Card.status == CARD_OPEN))
                    .order_by(Card.issued_on.desc()).limit(1), citizen_id, CARD_OPEN, 1)


def card_numbered(number: int) -> Card | None:
    """The card with ``number`` (None if none): a hot read of the punch (the lookup, a refusal), its SQL built once."""
    return first_of(Card, "card_by_number", lambda: Card.select().where(Card.number == 0).limit(1), number, 1)


def citizen_by_id(citizen_id: int) -> Citizen | None:
    """The citizen with ``citizen_id`` (None if none): the punch's hot read, its SQL built once."""
    return first_of(Citizen, "citizen_by_id", lambda: Citizen.select().where(Citizen.id == 0).limit(1), citizen_id, 1)


CARD_NUMBER_MAX = 999_999_999  # ten digits would read as a CPR number (issue #10, item 3)


def next_card_number() -> int:
    """The next free card number; refused once the numbers (at most nine digits) are used up."""
    highest = Card.select(fn.MAX(Card.number)).scalar()
    number = max(FIRST_CARD_NUMBER, (highest or 0) + 1)
    if number > CARD_NUMBER_MAX:
        raise DomainError(_("Kortnumrene er brugt op (højst {CARD_NUMBER_MAX}); kontakt en administrator.").format(CARD_NUMBER_MAX=CARD_NUMBER_MAX))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return number


def _whole_clips(clips) -> int:
    try:
        value = int(str(clips).strip())
    except (TypeError, ValueError):
        raise DomainError(_("Antal klip skal være et helt tal."), field="clips") from None
    if value < 1:
        raise DomainError(_("Antal klip skal være mindst 1."), field="clips")
    return value


@operation
def issue_card(actor: Staff, citizen: Citizen, on: _dt.date | None = None) -> Card:
    """A new card of 10 clips from the citizen's district pool of the year (R3, R7)."""
    on = as_date(on)
    citizen = Citizen.get_by_id(citizen.id)
    if citizen.state != STATE_ACTIVE:
        raise DomainError(_("Der kan kun udstedes klippekort til en aktiv deltager."))
    if open_card(citizen) is not None:
        raise DomainError(_("Borgeren har allerede et åbent klippekort."))
    if citizen.district_id is None:
        raise DomainError(_("Borgeren er ikke knyttet til et distrikt."))
    pool = pool_of(citizen.district, on.year)
    if pool is None:
        raise DomainError(_("Der er ikke sat et budget for {year}; en leder sætter det under Puljer.").format(year=on.year))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    left = pool.allocated - committed_clips(pool)
    if left < CLIPS_PER_CARD:
        raise DomainError(
            _("Puljen for {name} {year} har kun {left} klip tilbage; et nyt kort kræver {CLIPS_PER_CARD}.").format(name=citizen.district.name, year=on.year, left=left, CLIPS_PER_CARD=CLIPS_PER_CARD))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    card = Card.create(number=next_card_number(), citizen=citizen, pool=pool, clips=CLIPS_PER_CARD,
                       used=0, status=CARD_OPEN, issued_on=on, issued_by=actor,
                       print_state=PRINT_REQUESTED)  # the physical card waits under "Til udskrivning"
    audit(actor, "card.issue", "card", card.id, None, snapshot(card))
    return card


def card_by_number(number) -> Card:
    """The card with ``number`` (digits), or a Danish refusal at the field ``card``."""
    text = str(number).strip()
    if not (text.isascii() and text.isdigit()) or text.startswith("0") or len(text) > 9:
        raise DomainError(_("'{text}' er ikke et kortnummer.").format(text=text), field="card")
    card = card_numbered(int(text))
    if card is None:
        raise DomainError(_("Der findes intet kort med nummer {text}.").format(text=int(text)), field="card")
    return card


def blocked_message(card: Card) -> str:
    """Why a lost card's number cannot be used, naming the card that replaced it."""
    successor = Card.get_or_none(Card.replaces == card.id)
    day = format_date(card.blocked_on) if card.blocked_on else ""
    if successor is not None:
        return _("Kort {number} er spærret siden {day}; brug det nye kort {new}.").format(
            number=card.number, day=day, new=successor.number)
    return _("Kort {number} er spærret siden {day}.").format(number=card.number, day=day)


@operation
def replace_card(actor: Staff, card: Card | int, reason: str, on: _dt.date | None = None) -> Card:
    """A lost (or ruined) card: a new number with the same clips left; the old number is blocked.

    The new card holds the old card's clips left (``clips = left``, nothing used),
    so the ledger of each card still adds up and the pool's commitment is
    unchanged (the old card, now closed, binds what was used on it). The new
    card waits under "Til udskrivning"; a punch on the old number is refused
    with :func:`blocked_message`.
    """
    from .inputs import clean_text
    from .permissions import require

    require(actor, "card.replace")
    on = as_date(on)
    if not (reason or "").strip():
        raise DomainError(_("Skriv hvorfor kortet erstattes (fx 'mistet')."), field="reason")
    reason = clean_text(reason, "reason", kind="reason", label=_("Begrundelsen"))
    old = Card.get_by_id(card.id if isinstance(card, Card) else int(card))
    if old.blocked_on is not None:
        raise DomainError(blocked_message(old), field="card")
    if old.status != CARD_OPEN:
        state = card_status_label(old.status)
        raise DomainError(_("Kort {number} er {state}; kun et åbent kort kan erstattes.").format(number=old.number, state=state), field="card")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    person = Citizen.get_by_id(old.citizen_id)
    if person.state not in (STATE_ACTIVE, STATE_PAUSED):
        raise DomainError(_("{name} er ikke deltager; kortet kan ikke erstattes.").format(name=person.name), field="card")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if on < old.issued_on:
        raise DomainError(_("Datoen ligger før kortets start ({value}).").format(value=format_date(old.issued_on)), field="date")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    left = old.clips - old.used
    before = snapshot(old)
    new = Card.create(number=next_card_number(), citizen=person, pool=old.pool_id, clips=left, used=0,
                      status=CARD_OPEN, issued_on=on, issued_by=actor, print_state=PRINT_REQUESTED,
                      replaces=old)
    changed = (Card.update(status=CARD_CLOSED, ended_on=on, blocked_on=on,
                           end_reason=f"Erstattet af kort {new.number}: {reason}")
               .where((Card.id == old.id) & (Card.status == CARD_OPEN) & (Card.used == old.used)).execute())
    if changed != 1:  # pragma: no cover - the IMMEDIATE transaction holds the lock
        raise DomainError(_("Kort {number} blev ændret imens; prøv igen.").format(number=old.number), field="card")
    audit(actor, "card.replace", "card", old.id, before, snapshot(Card.get_by_id(old.id)))
    audit(actor, "card.issue", "card", new.id, None, {**snapshot(new), "replaces_number": old.number})
    return new


@operation
def close_card(actor: Staff, card: Card, reason: str, on: _dt.date | None = None) -> Card:
    """Close an open card early; its unused clips go back to the pool (R7)."""
    on = as_date(on)
    card = Card.get_by_id(card.id)
    if card.status != CARD_OPEN:
        return card
    before = snapshot(card)
    Card.update(status=CARD_CLOSED, ended_on=on, end_reason=reason or "").where(Card.id == card.id).execute()
    card = Card.get_by_id(card.id)
    audit(actor, "card.close", "card", card.id, before, snapshot(card))
    return card


def _find_citizen(citizen_or_card) -> Citizen:
    """The citizen, read fresh inside the transaction (a Citizen, a Card or a citizen id)."""
    if isinstance(citizen_or_card, Citizen):
        citizen_id = citizen_or_card.id
    elif isinstance(citizen_or_card, Card):
        citizen_id = citizen_or_card.citizen_id
    else:
        citizen_id = int(citizen_or_card)
    person = citizen_by_id(citizen_id)
    if person is None:
        raise DomainError(_("Borgeren findes ikke."), field="citizen")
    return person


def clips_refusal(clips: int, *, name: str, card_number: int | None, card_left: int,
                  agreement_left: int) -> DomainError | None:
    """R3–R4 for a number of clips: what a card or an agreement can carry, or why not (None: it fits).

    The punch checks it inside its transaction; the quick-punch dialog asks it
    first on the citizen it has picked, so Enter in the clips field can refuse
    at once with the same message.
    """
    if clips < 1:
        return DomainError(_("Antal klip skal være mindst 1."), field="clips")
    if clips <= CLIPS_PER_CARD:
        if card_number is None:
            return DomainError(_("{name} har intet åbent klippekort; op til {CLIPS_PER_CARD} klip kræver et kort.").format(name=name, CLIPS_PER_CARD=CLIPS_PER_CARD),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                               field="clips")
        if clips > card_left:
            return DomainError(_("Der er kun {card_left} klip tilbage på kort {card_number}.").format(card_left=card_left, card_number=card_number), field="clips")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        return None
    if agreement_left < clips:
        return DomainError(
            _("Mere end {CLIPS_PER_CARD} klip ad gangen kræver en individuel aftale godkendt af en leder.").format(CLIPS_PER_CARD=CLIPS_PER_CARD),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
            field="clips")
    return None


def punch(actor: Staff, citizen: Citizen | Card, clips, activity: str, *, on=None,
          punch_id: str | None = None, catalogue_item: CatalogueItem | None = None,
          event=None, kind: str = PUNCH, use_agreement: bool = False,
          card_number: int | None = None) -> PunchResult:
    """Register ``clips`` on the citizen's open card (or, above 10, on a valid agreement).

    ``use_agreement`` draws any number of clips from a valid individual agreement
    (R4) instead of the card, e.g. an outing's clips for a participant whose card
    is nearly used up. ``card_number``: the card the user named; refused if it is
    no longer the citizen's open card.

    ``punch_id`` is made by the caller before the write; a retry with the same id
    returns the first result instead of punching twice: its INSERT meets the
    first one's row (the transaction, the card's UPDATE too, is rolled back) and
    is answered with it; a retry that would now be refused (the card used up by
    the first) is answered with it on the way to the refusal.

    Issue #17: everything that needs no lock is done before it — the input
    checks, the card lookup, the rows to write and the audit row's text
    (:func:`_prepare_card_punch`); the write transaction is then one guarded
    ``UPDATE … RETURNING`` and two INSERTs (:func:`_write_prepared`). A punch
    that, as read, would be refused (a full card, a paused citizen, another
    card named) — or whose guard finds the card or the citizen changed since —
    gets its refusal from the checks run on one snapshot, without the lock
    (:func:`_refuse_as_of_now`: nothing is written); should they find nothing to
    refuse by then, the checked write runs under the lock (:func:`_checked_punch`).
    """
    if punch_id is not None and in_transaction():
        done = _replayed(punch_id)
        if done is not None:
            return done
    k = _whole_clips(clips)
    if not (activity or "").strip():
        raise DomainError(_("Skriv hvad klippene bruges til (aktivitet)."), field="activity")
    activity = clean_text(activity, "activity", kind="activity", label=_("Aktiviteten"))
    on = as_date(on)
    if on > today():
        raise DomainError(_("Datoen må ikke ligge i fremtiden."), field="date")
    row = dict(id=punch_id or str(uuid.uuid4()), kind=kind, clips=k, activity=activity,
               catalogue_item=catalogue_item, event=event, punched_on=on, registered_by=actor)
    prepared = None
    try:
        if k <= CLIPS_PER_CARD and not use_agreement and not in_transaction():
            prepared = _prepare_card_punch(actor, citizen, row, card_number)
            if prepared is None:  # as read, a refusal (unless it is a retry): say it without taking the lock
                _refuse_as_of_now(citizen, row, use_agreement, card_number, punch_id)
        elif punch_id is not None and not in_transaction():
            done = _replayed(punch_id)
            if done is not None:
                return done
        result = _write_punch(actor, citizen, row, use_agreement, card_number, prepared)
        if result is None:  # the guard refused: the card or the citizen changed since it was read
            _refuse_as_of_now(citizen, row, use_agreement, card_number, punch_id)
            result = _write_punch(actor, citizen, row, use_agreement, card_number, None)
        return result
    except _Replayed as replay:
        return replay.result
    except IntegrityError:
        done = _replayed(row["id"]) if punch_id is not None else None
        if done is None:
            raise
        return done


def _replayed(punch_id: str) -> PunchResult | None:
    """The result of the punch already registered with ``punch_id``, or None."""
    done = first_of(Punch, "punch_by_id", lambda: Punch.select().where(Punch.id == "").limit(1), punch_id, 1)
    if done is None:
        return None
    card = Card.get_by_id(done.card_id) if done.card_id else None
    agreement = Agreement.get_by_id(done.agreement_id) if done.agreement_id else None
    left = (card.clips - card.used) if card else (agreement.clips - agreement.used)
    return PunchResult(done, card, agreement, left)


@dataclass
class _PreparedPunch:
    """A card punch made ready before the lock: the card as read, its statements' parameters."""

    card: Card
    entry: Punch
    update: tuple
    insert: tuple
    audit: tuple
    audit_head: str  # the audit row's "after" text up to the clips left, known only after the UPDATE


# The punch's statements (issue #17), written once for both stores ("?" becomes the driver's mark).
_CARD_UPDATE = (
    'UPDATE "card" SET "used" = "used" + ?, '
    '"status" = CASE WHEN "used" + ? >= "clips" THEN ? ELSE "status" END, '
    '"ended_on" = CASE WHEN "used" + ? >= "clips" THEN ? ELSE "ended_on" END '
    'WHERE "id" = ? AND "citizen_id" = ? AND "status" = ? AND "used" + ? <= "clips" AND "issued_on" <= ? '
    'AND EXISTS (SELECT 1 FROM "citizen" WHERE "id" = ? AND "state" = ?) '
    'RETURNING "used", "clips", "status"')
_AUDIT_INSERT = ('INSERT INTO "audit_log" ("at", "actor_id", "operation", "entity", "entity_id", "before", "after") '
                 'VALUES (?, ?, ?, ?, ?, ?, ?)')
_statements: dict[str, tuple[str, str, str]] = {}


def _sql() -> tuple[str, str, str]:
    """The three statements in the open store's parameter marks (the punch's INSERT names every column)."""
    mark = db.obj.param
    found = _statements.get(mark)
    if found is None:
        columns = ", ".join(f'"{f.column_name}"' for f in Punch._meta.sorted_fields)
        insert = f'INSERT INTO "punch" ({columns}) VALUES ({", ".join("?" for _ in Punch._meta.sorted_fields)})'
        found = _statements[mark] = tuple(q.replace("?", mark) for q in (_CARD_UPDATE, insert, _AUDIT_INSERT))
    return found


def _prepare_card_punch(actor: Staff, citizen, row: dict, card_number: int | None) -> _PreparedPunch | None:
    """The citizen's open card and the rows of a punch on it, read and built before the lock.

    None when the punch would be refused as read (no open card, another card
    named, not an active participant, too few clips, a date before the card).
    """
    if isinstance(citizen, Citizen):
        person, citizen_id = citizen, citizen.id
    else:
        citizen_id = citizen.citizen_id if isinstance(citizen, Card) else int(citizen)
        person = citizen_by_id(citizen_id)
        if person is None:
            return None
    card = open_card(person)
    if (card is None or (card_number is not None and card.number != card_number) or person.state != STATE_ACTIVE
            or card.used + row["clips"] > card.clips or row["punched_on"] < card.issued_on):
        return None
    on, k = row["punched_on"], row["clips"]
    entry = Punch(**row, card=card, agreement=None, citizen=person, registered_at=now())
    insert = tuple(f.db_value(entry.__data__.get(f.name)) for f in Punch._meta.sorted_fields)
    day = Card.issued_on.db_value(on)
    update = (k, k, CARD_USED_UP, k, day, card.id, citizen_id, CARD_OPEN, k, day, citizen_id, STATE_ACTIVE)
    head = audit_text({**snapshot(entry), "card_number": card.number, "left": 0})
    head = head[:head.rindex('"left": ')] + '"left": '
    at = AuditLog.at.db_value(now())
    audit_row = (at, actor.id, "punch", "punch", entry.id, None)
    return _PreparedPunch(card, entry, update, insert, audit_row, head)


def _write_prepared(prepared: _PreparedPunch) -> PunchResult | None:
    """The punch's write under the lock: the guarded UPDATE and two INSERTs; None if the guard refused."""
    update, insert, audit_insert = _sql()
    with _exception_wrapper:
        cursor = db.cursor()
        cursor.execute(update, prepared.update)
        changed = cursor.fetchone()
        if changed is None:
            return None
        used, clips, status = changed
        cursor.execute(insert, prepared.insert)
        cursor.execute(audit_insert, (*prepared.audit, f"{prepared.audit_head}{clips - used}}}"))
    card = prepared.card
    card.used, card.clips = used, clips
    if status != card.status:
        card.status, card.ended_on = status, prepared.entry.punched_on
    return PunchResult(prepared.entry, card, None, clips - used)


@operation
def _write_punch(actor: Staff, citizen, row: dict, use_agreement: bool, card_number: int | None,
                 prepared: _PreparedPunch | None) -> PunchResult | None:
    """The one write transaction of a punch: the prepared statements (None if their guard refused),
    else the full checks."""
    if prepared is not None:
        return _write_prepared(prepared)
    return _checked_punch(actor, citizen, row, use_agreement, card_number)


class _Replayed(Exception):
    """The punch's id is already in the ledger: ``result`` is the first punch's."""

    def __init__(self, result: PunchResult):
        super().__init__("replayed")
        self.result = result


def _refuse_as_of_now(citizen, row: dict, use_agreement: bool, card_number: int | None,
                      punch_id: str | None) -> None:
    """Raise the punch's refusal, if the rules give one on a snapshot of the database; write nothing.

    A retry of a punch already registered is no refusal: :class:`_Replayed` carries its result
    (the ledger's id is only looked up here, on the way to a refusal, and when an INSERT meets it).
    """
    from .store import read_transaction

    with read_transaction():
        done = _replayed(punch_id) if punch_id is not None else None
        if done is not None:
            raise _Replayed(done)
        _punch_target(citizen, row["clips"], row["punched_on"], use_agreement, card_number)


def _punch_target(citizen, k: int, on: _dt.date, use_agreement: bool, card_number: int | None):
    """R3–R5 for a punch of ``k`` clips: (citizen, open card, None) or (citizen, None, agreement), or the
    refusal. The checked write runs it under the lock; a refusal without the lock runs it on a snapshot.
    Its checks are in the order a user must hear them: the citizen's state, then the agreement or the card.
    """
    person = _find_citizen(citizen)
    if person.state == STATE_PAUSED:
        raise DomainError(_("{name} er på pause; der kan ikke registreres klip.").format(name=person.name))
    if person.state == STATE_ENDED:
        raise DomainError(_("{name} er afsluttet; der kan ikke registreres klip.").format(name=person.name))
    if person.state != STATE_ACTIVE:
        raise DomainError(_("{name} er ikke aktiv deltager; der kan ikke registreres klip.").format(name=person.name))

    if k > CLIPS_PER_CARD or use_agreement:
        try:
            agreement = _agreement_for(person, k, on)
        except DomainError:
            if not use_agreement:
                raise
            raise DomainError(_("{name} har ingen gyldig aftale med {k} klip tilbage.").format(name=person.name, k=k),
                              field="clips") from None
        return person, None, agreement
    card = open_card(person)
    if card is None:
        used_up = bool(db.execute_sql(built_sql("used_up_card", lambda: Card.select(Card.id).where(
            (Card.citizen == 0) & (Card.status == CARD_USED_UP)).limit(1)), (person.id, CARD_USED_UP, 1)).fetchall())
        blocked = card_numbered(card_number) if card_number is not None else None
        if blocked is not None and blocked.blocked_on is not None:
            raise DomainError(blocked_message(blocked), field="citizen")
        if used_up:
            raise DomainError(_("{name}s kort er brugt op; borgeren skal revurderes før et nyt kort.").format(name=person.name))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        raise DomainError(_("{name} har intet åbent klippekort.").format(name=person.name))
    if card_number is not None and card.number != card_number:
        named = card_numbered(card_number)
        if named is not None and named.blocked_on is not None:
            raise DomainError(blocked_message(named), field="citizen")
        state = card_status_label(named.status) if named is not None else _("ikke åbent")
        raise DomainError(_("Kort {card_number} er {state}; {name}s åbne kort er {number}.").format(card_number=card_number, state=state, name=person.name, number=card.number),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="citizen")
    if on < card.issued_on:
        raise DomainError(_("Datoen ligger før kortets start ({value}).").format(value=format_date(card.issued_on)),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="date")
    refusal = clips_refusal(k, name=person.name, card_number=card.number, card_left=card.clips - card.used,
                            agreement_left=0)
    if refusal is not None:
        raise refusal
    return person, card, None


def _checked_punch(actor: Staff, citizen, row: dict, use_agreement: bool, card_number: int | None) -> PunchResult:
    """Every rule of a punch checked under the lock (:func:`_punch_target`), then the guarded write."""
    k, on = row["clips"], row["punched_on"]
    person, card, agreement = _punch_target(citizen, k, on, use_agreement, card_number)
    if agreement is not None:
        changed = (Agreement.update(used=Agreement.used + k)
                   .where((Agreement.id == agreement.id) & (Agreement.used + k <= Agreement.clips))
                   .execute())
        if changed != 1:
            raise DomainError(_("Aftalen har ikke klip nok tilbage."), field="clips")
        agreement = Agreement.get_by_id(agreement.id)
        left = agreement.clips - agreement.used
    else:
        changed = (Card.update(used=Card.used + k)
                   .where((Card.id == card.id) & (Card.status == CARD_OPEN) & (Card.used + k <= Card.clips))
                   .execute())
        if changed != 1:
            fresh = Card.get_by_id(card.id)
            left = fresh.clips - fresh.used if fresh.status == CARD_OPEN else 0
            raise DomainError(_("Der er kun {left} klip tilbage på kort {number}.").format(left=left, number=card.number), field="clips")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        # Inside this IMMEDIATE transaction nobody else wrote the card since it was read:
        # the new total is exact without reading it back (one query less under the lock).
        card.used += k
        if card.used >= card.clips:
            Card.update(status=CARD_USED_UP, ended_on=on).where(Card.id == card.id).execute()
            card.status, card.ended_on = CARD_USED_UP, on
        left = card.clips - card.used
    entry = Punch.create(**row, card=card, agreement=agreement, citizen=person)
    audit(actor, "punch", "punch", entry.id, None,
          {**snapshot(entry), "card_number": card.number if card else None, "left": left})
    return PunchResult(entry, card, agreement, left)


def _agreement_for(person: Citizen, k: int, on: _dt.date) -> Agreement:
    candidates = (Agreement.select().where(
        (Agreement.citizen == person) & (Agreement.valid_from <= on)
        & ((Agreement.valid_until.is_null()) | (Agreement.valid_until >= on)) & Agreement.closed_on.is_null()
        & (Agreement.clips - Agreement.used >= k)).order_by(Agreement.valid_from))
    agreement = candidates.first()
    if agreement is None:
        raise DomainError(
            _("Mere end {CLIPS_PER_CARD} klip ad gangen kræver en individuel aftale godkendt af en leder.").format(CLIPS_PER_CARD=CLIPS_PER_CARD),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
            field="clips")
    return agreement


def agreement_for_punch(citizen_id: int, clips: int, on: _dt.date | None = None) -> tuple[int, int] | None:
    """Which agreement a punch of ``clips`` (more than 10) would draw on: (its number, clips left on it
    after the punch); None when no valid agreement carries them. The rule is the punch's own (``_agreement_for``);
    the quick-punch dialog shows it under the clips field (flows, issue #15)."""
    person = Citizen.get_or_none(Citizen.id == citizen_id)
    if person is None or clips < 1:
        return None
    try:
        agreement = _agreement_for(person, clips, on or today())
    except DomainError:
        return None
    return agreement.id, agreement.clips - agreement.used - clips


@operation
def reverse_punch(actor: Staff, punch_id: str, reason: str) -> PunchResult:
    """Cancel a punch with a reversal entry that restores its clips (never an edit)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Skriv en begrundelse for tilbageførslen."), field="reason")
    original = Punch.get_or_none(Punch.id == punch_id)
    if original is None:
        raise DomainError(_("Registreringen findes ikke."))
    if original.kind == PUNCH_REVERSAL:
        raise DomainError(_("En tilbageførsel kan ikke tilbageføres; registrér klippene igen."))
    if Punch.select().where(Punch.reverses == original).exists():
        raise DomainError(_("Registreringen er allerede tilbageført."))
    k = original.clips
    card = agreement = None
    if original.card_id:
        card = Card.get_by_id(original.card_id)
        if card.status == CARD_CLOSED:
            raise DomainError(_("Kort {number} er lukket; klip på det kan ikke tilbageføres.").format(number=card.number))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if card.status == CARD_USED_UP:
            other = open_card(Citizen.get_by_id(card.citizen_id))
            if other is not None:
                raise DomainError(_("Kort {number} er afløst af kort {other_number}; tilbageførslen ville give to åbne kort.").format(number=card.number, other_number=other.number))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        Card.update(used=Card.used - k, status=CARD_OPEN, ended_on=None).where(Card.id == card.id).execute()
        card = Card.get_by_id(card.id)
        left = card.clips - card.used
    else:
        agreement = Agreement.get_by_id(original.agreement_id)
        Agreement.update(used=Agreement.used - k).where(Agreement.id == agreement.id).execute()
        agreement = Agreement.get_by_id(agreement.id)
        left = agreement.clips - agreement.used
    entry = Punch.create(id=str(uuid.uuid4()), card=card, agreement=agreement, citizen=original.citizen_id,
                         kind=PUNCH_REVERSAL, clips=-k, reverses=original, activity=original.activity,
                         punched_on=today(), reason=reason, registered_by=actor)
    audit(actor, "punch.reverse", "punch", entry.id, snapshot(original), snapshot(entry))
    return PunchResult(entry, card, agreement, left)


def ledger_total(card: Card) -> int:
    """The sum of the card's ledger entries (equals ``card.used``)."""
    return int(Punch.select(fn.COALESCE(fn.SUM(Punch.clips), 0)).where(Punch.card == card).scalar())



def punch_agreement(actor: Staff, citizen: Citizen | Card, clips, activity: str, **kwargs) -> PunchResult:
    """Register ``clips`` (any number) on the citizen's valid individual agreement (R4)."""
    return punch(actor, citizen, clips, activity, use_agreement=True, **kwargs)


__all__ = ["PunchResult", "clips_refusal", "open_card", "next_card_number", "issue_card", "close_card", "punch",
           "reverse_punch", "ledger_total", "PUNCH_IMPORT",
           # issue 16
           "card_by_number", "blocked_message", "replace_card"]
