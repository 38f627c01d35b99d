"""Finding a citizen as you type: by name, CPR number or card number.

One read, :func:`search_citizens`, serves the quick-punch dialog, the citizens
screen and the agreement form. What the text means:

- digits only (a dash or spaces allowed): an exact CPR number (ten digits) or
  card number comes first; then cards whose number starts with the digits and
  CPR numbers that start with them;
- anything else: names. Every word typed must start a word of the name, in
  any order ("jen kar" finds Karen Jensen). Names whose first word starts with
  the first word typed come before the rest.

Every query has a LIMIT; nothing ever loads all citizens. Citizens without an
open card (or paused, ended, …) are returned too, marked not pickable with the
reason, so staff see why they cannot punch.

The name search is the one store-specific part: :func:`_fts_name_ids` (FTS5
from migration 0002) on SQLite, :func:`_pg_name_lists` (GIN and folded-name
indexes from migration 0090, issue #18) on PostgreSQL, both by the same rules
(participants first where asked, then by the case-folded name, then id —
SQLite's NOCASE folds A–Z only, PostgreSQL folds Æ/Ø/Å too); any other
database uses the portable :func:`_like_name_ids`.
The access log gets one row per search that settled or was used (see
:func:`log_search`), not one per keystroke.

Need-to-know (issue #12, ``models.access``): given the ``actor``, a citizen of
a district that is not theirs is returned as just that — name, masked CPR,
district — until :func:`reveal_match` is called with a reason, which logs it.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from dataclasses import dataclass

from peewee import SqliteDatabase

from .access import district_ids, log_read, own_district
from .base import DomainError, db, first_of, log_access, today
from .cards import blocked_message
from .citizens import state_label
from .cpr import masked
from .entities import (
    CARD_OPEN,
    CARD_USED_UP,
    STATE_ACTIVE,
    STATE_ENDED,
    STATE_PAUSED,
    Agreement,
    Card,
    Citizen,
    District,
)
from .i18n import _
from .store import is_postgresql_database

DEFAULT_LIMIT = 20
SETTLE_SECONDS = 1.5  # a search whose results stood this long without a keystroke is logged (issue #12)
MAX_LIMIT = 200
FTS_CAP = 1000  # name matches sorted per keystroke, at most
CARD_DIGITS = 8  # card-number prefixes are looked up to this width

EXACT, NAME_STARTS, OTHER = 0, 1, 2

_WORD = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer calls a token


@dataclass(frozen=True)
class CitizenMatch:
    citizen_id: int
    name: str
    cpr_masked: str
    district: str
    state: str
    card_number: int | None  # the open card, if any
    clips_left: int | None  # on the open card
    agreement_left: int  # clips left on agreements valid today
    used_up: bool  # the last card is used up (due for reassessment)
    group: int  # EXACT, NAME_STARTS or OTHER
    blocked: str = ""  # issue 16: the text was a lost card's blocked number: why it cannot be used
    other_district: bool = False  # need-to-know: only name, masked CPR and district are filled in

    @property
    def state_label(self) -> str:
        if self.other_district:
            return "andet distrikt"
        return state_label(self.state)

    @property
    def pickable(self) -> bool:
        """Can clips be punched for this citizen now?"""
        if self.blocked:
            return False
        return (not self.other_district and self.state == STATE_ACTIVE
                and (self.card_number is not None or self.agreement_left > 0))

    @property
    def why_not(self) -> str:
        """A Danish reason why the citizen cannot be picked ('' if they can)."""
        if self.pickable:
            return ""
        if self.blocked:
            return self.blocked
        if self.other_district:
            return _("{name} hører til distrikt {district}; det kræver en begrundelse.").format(name=self.name, district=self.district)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if self.state == STATE_PAUSED:
            return _("{name} er på pause; der kan ikke registreres klip.").format(name=self.name)
        if self.state == STATE_ENDED:
            return _("{name} er afsluttet; der kan ikke registreres klip.").format(name=self.name)
        if self.state != STATE_ACTIVE:
            return _("{name} er ikke aktiv deltager ({state_label}).").format(name=self.name, state_label=self.state_label)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if self.used_up:
            return _("{name}s kort er brugt op; borgeren skal revurderes før et nyt kort.").format(name=self.name)
        return _("{name} har intet åbent klippekort.").format(name=self.name)


def search_citizens(text: str, limit: int = DEFAULT_LIMIT, actor=None) -> list[CitizenMatch]:
    """Citizens matching ``text``: exact card/CPR first, then names starting with it, then the rest.

    With ``actor``, citizens outside the actor's districts come back as ``other_district``
    matches (name, masked CPR, district only).
    """
    text = (text or "").strip()
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not text:
        return []
    ranked: list[tuple[int, int]] = []  # (group, citizen id), best first
    compact = text.replace("-", "").replace(" ", "")
    if compact.isdigit():
        ranked = _number_matches(compact, limit)
    else:
        words = _WORD.findall(text)
        if words:
            # Within each group participants come first: they are whom staff punch for, and
            # at 100,000 citizens a common name has far more non-participants than one page.
            # (Not for a single letter, where it would cost ~20 ms a keystroke.)
            ahead = sum(len(w) for w in words) >= 2
            name_ids = _name_ids(words, limit, ahead)
            starts = _participants_first(name_ids, words, anchored=True, limit=limit, ahead=ahead)
            ranked = [(NAME_STARTS, cid) for cid in starts]
            if len(ranked) < limit:
                seen = set(starts)
                rest = _participants_first(name_ids, words, anchored=False, limit=limit + len(starts),
                                           ahead=ahead)
                ranked += [(OTHER, cid) for cid in rest if cid not in seen]
    seen_ids: set[int] = set()
    unique = []
    for group, cid in ranked:
        if cid not in seen_ids:
            seen_ids.add(cid)
            unique.append((group, cid))
    matches = _matches(unique[:limit], visible=district_ids(actor) if actor is not None else None)
    if compact.isdigit() and len(compact) <= 9 and not compact.startswith("0"):
        matches = _mark_blocked(int(compact), matches)
    return matches


def _mark_blocked(number: int, matches: list[CitizenMatch]) -> list[CitizenMatch]:
    """A lost card's number finds its citizen, marked not pickable with why (issue 16)."""
    card = first_of(Card, "blocked_card_numbered",
                    lambda: Card.select().where((Card.number == 0) & Card.blocked_on.is_null(False)).limit(1),
                    number, 1)
    if card is None:
        return matches
    reason = blocked_message(card)
    return [dataclasses.replace(m, blocked=reason) if m.citizen_id == card.citizen_id and m.group == EXACT else m
            for m in matches]


def _number_matches(digits: str, limit: int) -> list[tuple[int, int]]:
    # Issue #17: the SQL written out, not built by peewee at each keystroke (it cost more than the reads).
    mark = db.obj.param
    citizen, card = Citizen._meta.table_name, Card._meta.table_name

    def ids(sql: str, params: list) -> list[int]:
        return [row[0] for row in db.execute_sql(sql, params).fetchall()]

    ranked: list[tuple[int, int]] = []
    if len(digits) == 10:
        ranked += [(EXACT, cid) for cid in ids(f'SELECT "id" FROM "{citizen}" WHERE "cpr" = {mark}', [digits])]
    if len(digits) <= 9 and not digits.startswith("0"):  # card numbers have no leading zero
        number = int(digits)
        ranked += [(EXACT, cid) for cid in ids(f'SELECT "citizen_id" FROM "{card}" WHERE "number" = {mark}', [number])]
        # Open cards whose number starts with the digits: 44 → 440–449, 4400–4499, …
        widths = range(1, max(1, CARD_DIGITS - len(digits)) + 1)
        ranges = " OR ".join([f'("number" >= {mark} AND "number" < {mark})'] * len(widths))
        bounds = [bound for j in widths for bound in (number * 10 ** j, (number + 1) * 10 ** j)]
        ranked += [(OTHER, cid) for cid in ids(
            f'SELECT "citizen_id" FROM "{card}" WHERE "status" = {mark} AND ({ranges}) ORDER BY "number" LIMIT {mark}',
            [CARD_OPEN, *bounds, limit])]
    if len(digits) < 10:
        # CPR numbers starting with the digits, as a range on the unique index.
        upper = str(int(digits) + 1).zfill(len(digits))
        below = f' AND "cpr" < {mark}' if len(upper) == len(digits) else ""
        ranked += [(OTHER, cid) for cid in ids(
            f'SELECT "id" FROM "{citizen}" WHERE "cpr" >= {mark}{below} ORDER BY "cpr" LIMIT {mark}',
            [digits, *([upper] if below else []), limit])]
    return ranked


def _participants_first(name_ids, words: list[str], *, anchored: bool, limit: int, ahead: bool) -> list[int]:
    """Name matches with active and paused participants first (when ``ahead``), then the rest."""
    first = name_ids(words, anchored=anchored, limit=limit, participants=True) if ahead else []
    if len(first) >= limit:
        return first
    seen = set(first)
    rest = name_ids(words, anchored=anchored, limit=limit + len(first))
    return first + [cid for cid in rest if cid not in seen][:limit - len(first)]


def _name_ids(words: list[str], limit: int, ahead: bool):
    """The name search for the database in use (FTS5 on SQLite, tsvector on PostgreSQL, LIKE elsewhere)."""
    if isinstance(db.obj, SqliteDatabase):
        return _fts_name_ids
    if is_postgresql_database(db.obj):
        return _pg_name_lists(words, limit, ahead)
    return _like_name_ids


def _fts_name_ids(words: list[str], *, anchored: bool, limit: int, participants: bool = False) -> list[int]:
    """SQLite only: citizens whose name has a word starting with each of ``words``.

    ``anchored``: the name's first word starts with the first of ``words``.
    ``participants``: only active and paused participants (all of them are searched,
    through the state index), active first.
    """
    terms = [f'"{w}"*' for w in words]  # words hold letters and digits only: no quoting issues
    if anchored:
        terms[0] = "^" + terms[0]
    if participants:
        sql = ("SELECT c.id FROM citizen AS c WHERE c.state IN (?, ?) AND c.id IN "
               "(SELECT rowid FROM citizen_fts WHERE citizen_fts MATCH ?) "
               "ORDER BY c.state != ?, c.name, c.id LIMIT ?")
        args = (STATE_ACTIVE, STATE_PAUSED, " AND ".join(terms), STATE_ACTIVE, limit)
        return [row[0] for row in db.execute_sql(sql, args).fetchall()]
    # Sorting every match by name costs ~10 ms for one letter at 100,000 citizens; sorting at
    # most FTS_CAP of them keeps a keystroke near 1 ms (a broad text shows the alphabetical
    # first of its first FTS_CAP matches; the next letters narrow it).
    sql = ('SELECT c.id FROM (SELECT rowid AS id FROM citizen_fts WHERE citizen_fts MATCH ? LIMIT ?) AS f '
           'JOIN citizen AS c ON c.id = f.id ORDER BY c.name, c.id LIMIT ?')
    return [row[0] for row in db.execute_sql(sql, (" AND ".join(terms), FTS_CAP, limit)).fetchall()]


# Migration 0090's indexed expressions, and the same case folding for what was typed.
_PG_WORDS = "to_tsvector('simple', lower(c.name COLLATE \"und-x-icu\"))"
_PG_FOLDED = 'lower(c.name COLLATE "und-x-icu") COLLATE "C"'
_PG_LOWER = 'lower(%s COLLATE "und-x-icu")'
_PG_ORDER = f"{_PG_FOLDED}, c.id"  # case folded for every letter, then code points (Å/Æ/Ø after Z), then id


def _pg_name_sql(words: list[str], *, anchored: bool, limit: int, participants: bool) -> tuple[str, list]:
    """PostgreSQL only: :func:`_fts_name_ids`'s query on migration 0090's indexes.

    Anchored: a range on the folded-name index, read in the search's order (no
    sort); other words must start a word (the GIN index's ``word:*``). Not
    anchored: the GIN index, at most FTS_CAP matches sorted, as on SQLite.
    """
    conditions, args = [], []
    rest = words
    if anchored:  # the name starts with the first word typed, so its first word does
        conditions.append(f"{_PG_FOLDED} LIKE ({_PG_LOWER} COLLATE \"C\") || '%%'")
        args.append(words[0])
        rest = words[1:]
    if rest:  # words hold letters and digits only: no tsquery syntax
        conditions.append(f"{_PG_WORDS} @@ to_tsquery('simple', {_PG_LOWER})")
        args.append(" & ".join(f"{w}:*" for w in rest))
    where = " AND ".join(conditions)
    if participants:  # the states as literals: what 0090's partial indexes are made for
        sql = (f"SELECT c.id FROM citizen AS c WHERE c.state IN ('{STATE_ACTIVE}', '{STATE_PAUSED}') AND {where} "
               f"ORDER BY c.state != '{STATE_ACTIVE}', {_PG_ORDER} LIMIT %s")
        return sql, [*args, limit]
    if anchored:
        return f"SELECT c.id FROM citizen AS c WHERE {where} ORDER BY {_PG_ORDER} LIMIT %s", [*args, limit]
    sql = (f"SELECT c.id FROM (SELECT c.id, c.name FROM citizen AS c WHERE {where} LIMIT %s) AS c "
           f"ORDER BY {_PG_ORDER} LIMIT %s")
    return sql, [*args, FTS_CAP, limit]


def _pg_name_lists(words: list[str], limit: int, ahead: bool):
    """PostgreSQL: the lists a keystroke asks for, the participants' and everybody's in ONE statement.

    Each round trip to the server costs a scheduling wait on a loaded machine
    (SQLite is in-process), so a keystroke makes one, or two when the names
    starting with the text do not fill the page. The lists are fetched with
    limits large enough for what :func:`_participants_first` asks (participants
    ≤ 2 × limit, all ≤ 3 × limit); it gets a prefix of each, which is what the
    query with its smaller limit returns. Returns a function with
    :func:`_fts_name_ids`'s signature over those lists.
    """
    fetched: dict[tuple[bool, bool], list[int]] = {}

    def fetch(anchored: bool) -> None:
        parts, args = [], []
        for participants in (True, False):
            if participants and not ahead:
                parts.append("ARRAY[]::integer[]")
                continue
            sql, part_args = _pg_name_sql(words, anchored=anchored, participants=participants,
                                          limit=(2 if participants else 3) * limit)
            parts.append(f"ARRAY({sql})")
            args += part_args
        mine, everybody = db.execute_sql("SELECT " + ", ".join(parts), args).fetchone()
        fetched[(anchored, True)], fetched[(anchored, False)] = mine, everybody

    def name_ids(words: list[str], *, anchored: bool, limit: int, participants: bool = False) -> list[int]:
        if (anchored, participants) not in fetched:
            fetch(anchored)
        return list(fetched[(anchored, participants)][:limit])

    return name_ids


def _like_name_ids(words: list[str], *, anchored: bool, limit: int, participants: bool = False) -> list[int]:
    """Portable fallback: the same meaning with (I)LIKE patterns; slower, no index."""
    condition = None
    for i, word in enumerate(words):
        this = Citizen.name.startswith(word)
        if not (anchored and i == 0):
            this = this | Citizen.name.contains(f" {word}") | Citizen.name.contains(f"-{word}")
        condition = this if condition is None else (condition & this)
    if participants:
        query = (Citizen.select(Citizen.id).where(condition & Citizen.state.in_([STATE_ACTIVE, STATE_PAUSED]))
                 .order_by(Citizen.state != STATE_ACTIVE, Citizen.name, Citizen.id).limit(limit))
        return [cid for (cid,) in query.tuples()]
    candidates = Citizen.select(Citizen.id, Citizen.name).where(condition).limit(FTS_CAP).alias("f")
    query = (Citizen.select(candidates.c.id).from_(candidates)
             .order_by(candidates.c.name, candidates.c.id).limit(limit))
    return [cid for (cid,) in query.tuples()]


def _matches(ranked: list[tuple[int, int]], on: _dt.date | None = None,
             visible: set[int] | None = None) -> list[CitizenMatch]:
    if not ranked:
        return []
    on = on or today()
    ids = [cid for _, cid in ranked]
    # Issue #17: written out, not built by peewee at each keystroke (three queries cost ~1 ms to build,
    # ten times what they take to run); the same SQL on both stores, in the store's parameter marks.
    mark = db.obj.param
    among = ", ".join([mark] * len(ids))
    citizen, district, card, agreement = (m._meta.table_name for m in (Citizen, District, Card, Agreement))
    rows = {}
    for row in db.execute_sql(
            f'SELECT c.id, c.name, c.cpr, c.state, c.district_id, d.name, k.number, k.clips, k.used '
            f'FROM "{citizen}" AS c LEFT OUTER JOIN "{district}" AS d ON c.district_id = d.id '
            f'LEFT OUTER JOIN "{card}" AS k ON k.citizen_id = c.id AND k.status = {mark} '
            f'WHERE c.id IN ({among})', [CARD_OPEN, *ids]).fetchall():
        rows.setdefault(row[0], row)
    day = Agreement.valid_from.db_value(on)
    agreements = dict(db.execute_sql(
        f'SELECT a.citizen_id, SUM(a.clips - a.used) FROM "{agreement}" AS a '
        f'WHERE a.citizen_id IN ({among}) AND a.valid_from <= {mark} '
        f'AND (a.valid_until IS NULL OR a.valid_until >= {mark}) AND a.closed_on IS NULL AND a.used < a.clips '
        f'GROUP BY a.citizen_id', [*ids, day, day]).fetchall())
    # Filter the status here: on "status" the planner would scan every used-up card.
    used_up = {cid for cid, status in db.execute_sql(
        f'SELECT k.citizen_id, k.status FROM "{card}" AS k WHERE k.citizen_id IN ({among})', ids).fetchall()
        if status == CARD_USED_UP}
    result = []
    for group, cid in ranked:
        row = rows.get(cid)
        if row is None:
            continue
        _id, name, cpr, state, district_id, district_name, card_number, card_clips, card_used = row
        if not own_district(visible, district_id):
            result.append(CitizenMatch(citizen_id=cid, name=name, cpr_masked=masked(cpr),
                                       district=district_name or "", state="", card_number=None,
                                       clips_left=None, agreement_left=0, used_up=False, group=group,
                                       other_district=True))
            continue
        has_card = card_number is not None
        result.append(CitizenMatch(
            citizen_id=cid,
            name=name,
            cpr_masked=masked(cpr),
            district=district_name or "",
            state=state,
            card_number=card_number,
            clips_left=(card_clips - card_used) if has_card else None,
            agreement_left=int(agreements.get(cid) or 0),
            used_up=(not has_card) and cid in used_up,
            group=group,
        ))
    return result


def log_search(actor, text: str, citizen_id: int | None = None, purpose: str = "søgning") -> None:
    """Write the access-log row of a search that settled or was used.

    Screens call this once per search, not per keystroke: when the results
    for a text have stood for a moment (a pause in typing), when a citizen is
    picked or opened from the results (with the text that found them), or
    when a search that showed results is left. ``purpose``: where (borgeropslag,
    klipregistrering, aftale, …).
    """
    text = (text or "").strip()
    if not text and citizen_id is None:
        return
    log_access(actor, "search", citizen=citizen_id, criterion=text[:200], purpose=purpose)


def reveal_match(actor, citizen_id: int, reason: str | None, purpose: str = "klipregistrering") -> CitizenMatch:
    """The full match of a citizen of another district, after a reason (logged with the read).

    Raises ``models.access.NeedsReason`` without a reason when one is needed.
    """
    citizen = Citizen.get_or_none(Citizen.id == citizen_id)
    if citizen is None:
        raise DomainError(_("Borgeren findes ikke."), field="citizen")
    log_read(actor, "open_citizen", citizen, purpose, reason=reason)
    return _matches([(EXACT, citizen_id)])[0]
