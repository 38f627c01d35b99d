"""The catalogue of offers (R9): what the clips can be used for.

Offers have a category, a suggested number of clips, a description and can be
switched off (an inactive offer stays on old punches and events but is no
longer suggested). A citizen's own idea is always allowed as free text on a
punch; :func:`own_ideas` lists those texts and :func:`promote_idea` turns one
into an offer in one action. The ledger is never edited: punches made before
an idea became an offer keep their free text.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from peewee import SQL, fn

from .base import DomainError, audit, operation, snapshot
from .entities import CATALOGUE_CATEGORIES, CLIPS_PER_CARD, PUNCH, CatalogueItem, Punch, Staff
from .i18n import _
from .inputs import refuse_control

CATEGORY_LABELS = {
    "ledsagelse": "Ledsagelse",
    "hjemme": "Hjemme",
    "fællestur": "Fællestur",
    "andet": "Andet",
}
CATEGORY_OTHER = "andet"
MAX_NAME = 80
# The catalogue is a short municipal list; this bound keeps every read a LIMIT query.
CATALOGUE_LIMIT = 1000
IDEAS_SCAN_LIMIT = 5000


@dataclass(frozen=True)
class Suggestion:
    """One offer as the quick-punch dialog shows it."""

    id: int
    name: str
    category: str
    suggested_clips: int


@dataclass(frozen=True)
class OfferLine:
    id: int
    name: str
    category: str
    suggested_clips: int
    description: str
    active: bool
    uses: int  # punches that name this offer


@dataclass(frozen=True)
class Idea:
    """A free-text activity used on punches that is not in the catalogue."""

    activity: str
    uses: int
    citizens: int
    typical_clips: int
    last_used: object  # datetime.date


def _fold(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _clean_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise DomainError(_("Skriv et navn på tilbuddet."), field="name")
    refuse_control(name, "name", label=_("Navnet"))
    if len(text) > MAX_NAME:
        raise DomainError(_("Navnet må højst være {MAX_NAME} tegn.").format(MAX_NAME=MAX_NAME), field="name")
    return text


def _clean_category(category: str) -> str:
    value = (category or "").strip().casefold()
    aliases = {"faellestur": "fællestur", "fallestur": "fællestur"}
    value = aliases.get(value, value)
    if value not in CATALOGUE_CATEGORIES:
        raise DomainError(_("Vælg kategori: ledsagelse, hjemme, fællestur eller andet."), field="category")
    return value


def _clean_clips(clips) -> int:
    try:
        value = int(str(clips).strip())
    except (TypeError, ValueError):
        raise DomainError(_("Foreslåede klip skal være et helt tal."), field="suggested_clips") from None
    if not 1 <= value <= CLIPS_PER_CARD:
        raise DomainError(_("Foreslåede klip skal være mellem 1 og {CLIPS_PER_CARD}.").format(CLIPS_PER_CARD=CLIPS_PER_CARD), field="suggested_clips")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return value


def _clean_description(text: str) -> str:
    text = (text or "").strip()
    refuse_control(text, "description", label=_("Beskrivelsen"), allow="\n\t")
    return text


def _same_name(name: str, exclude_id: int | None = None) -> CatalogueItem | None:
    """An offer whose name equals ``name`` ignoring case (also Æ/Ø/Å, which NOCASE does not fold)."""
    wanted = _fold(name)
    query = CatalogueItem.select(CatalogueItem.id, CatalogueItem.name).limit(CATALOGUE_LIMIT)
    for item in query:
        if item.id != exclude_id and _fold(item.name) == wanted:
            return item
    return None


# --- reads ----------------------------------------------------------------------

def list_offers(include_inactive: bool = True) -> list[OfferLine]:
    """Every offer, by category then name, with how often punches name it."""
    uses = dict(Punch.select(Punch.catalogue_item, fn.COUNT(SQL("*")))  # * (not id): from the index alone (0115)
                .where(Punch.catalogue_item.is_null(False) & (Punch.kind == PUNCH))
                .group_by(Punch.catalogue_item).tuples())
    query = CatalogueItem.select().order_by(CatalogueItem.category, CatalogueItem.name).limit(CATALOGUE_LIMIT)
    if not include_inactive:
        query = query.where(CatalogueItem.active == True)  # noqa: E712
    order = {c: i for i, c in enumerate(CATALOGUE_CATEGORIES)}
    lines = [OfferLine(i.id, i.name, i.category, i.suggested_clips, i.description, bool(i.active),
                       int(uses.get(i.id, 0))) for i in query]
    lines.sort(key=lambda line: (order.get(line.category, 99), _fold(line.name)))
    return lines


def active_offers() -> list[Suggestion]:
    """Active offers for a picker (fællesture first, as events use them most)."""
    order = {"fællestur": 0, "ledsagelse": 1, "hjemme": 2, "andet": 3}
    items = (CatalogueItem.select().where(CatalogueItem.active == True)  # noqa: E712
             .limit(CATALOGUE_LIMIT))
    found = [Suggestion(i.id, i.name, i.category, i.suggested_clips) for i in items]
    found.sort(key=lambda s: (order.get(s.category, 9), _fold(s.name)))
    return found


def catalogue_suggestions(prefix: str, limit: int = 8) -> list[Suggestion]:
    """Active offers matching what was typed, for the quick-punch dialog.

    Names that start with ``prefix`` come first, then names with a word that
    starts with it ("banko" finds "Fællestur til banko"). Case is folded for
    Æ, Ø and Å too. An empty prefix gives the first offers alphabetically.
    """
    wanted = _fold(prefix)
    items = (CatalogueItem.select().where(CatalogueItem.active == True)  # noqa: E712
             .limit(CATALOGUE_LIMIT))
    starts, words = [], []
    for item in items:
        name = _fold(item.name)
        if not wanted or name.startswith(wanted):
            starts.append(item)
        elif any(word.startswith(wanted) for word in name.split()[1:]) or (" " in wanted and wanted in name):
            words.append(item)
    starts.sort(key=lambda i: _fold(i.name))
    words.sort(key=lambda i: _fold(i.name))
    return [Suggestion(i.id, i.name, i.category, i.suggested_clips) for i in (starts + words)[:max(0, limit)]]


def find_offer(name: str) -> CatalogueItem | None:
    """The offer called ``name`` (case folded), active or not."""
    if not (name or "").strip():
        return None
    found = _same_name(name)
    return CatalogueItem.get_by_id(found.id) if found else None


def own_ideas(limit: int = 50) -> list[Idea]:
    """Free-text activities on punches that match no offer, most used first.

    Only the activity texts and counts are returned (no citizen), so the list
    is not a read of personal data.
    """
    rows = (Punch.select(Punch.activity, fn.COUNT(SQL("*")), fn.COUNT(Punch.citizen.distinct()),
                         fn.MAX(Punch.punched_on))
            .where(_own_idea_punches())
            .group_by(Punch.activity)
            .order_by(fn.COUNT(SQL("*")).desc(), Punch.activity)
            .limit(IDEAS_SCAN_LIMIT).tuples())
    known = {_fold(name) for (name,) in CatalogueItem.select(CatalogueItem.name).limit(CATALOGUE_LIMIT).tuples()}
    merged: dict[str, list] = {}
    for activity, uses, citizens, last in rows:
        key = _fold(activity)
        if key in known:
            continue
        entry = merged.get(key)
        if entry is None:
            merged[key] = [activity, uses, citizens, last]
        else:  # the same idea typed with other case or spacing
            entry[1] += uses
            entry[2] += citizens
            entry[3] = max(entry[3], last)
    ideas = sorted(merged.values(), key=lambda e: (-e[1], _fold(e[0])))[:max(0, limit)]
    clips = _clips_by_activity([a for a, _u, _c, _last in ideas])
    return [Idea(" ".join(a.split()), u, c, _median_clips(clips.get(a, {})), last) for a, u, c, last in ideas]


def _own_idea_punches():
    """The punches that are an own idea: a free-text activity, no offer, no outing."""
    return (Punch.catalogue_item.is_null() & (Punch.kind == PUNCH) & (Punch.event.is_null())
            & (Punch.activity != ""))


def _clips_by_activity(activities: list[str]) -> dict[str, dict[int, int]]:
    """How many of each idea's punches had each number of clips: one read of the index (0115),
    not a scan of every punch per idea."""
    found: dict[str, dict[int, int]] = {}
    if not activities:
        return found
    for activity, clips, count in (Punch.select(Punch.activity, Punch.clips, fn.COUNT(SQL("*")))
                                   .where(_own_idea_punches() & Punch.activity.in_(activities))
                                   .group_by(Punch.activity, Punch.clips).tuples()):
        found.setdefault(activity, {})[int(clips)] = int(count)
    return found


def _typical_clips(activity: str) -> int:
    """The median clips of the idea's punches (rounded, 1–10): a sensible suggestion."""
    return _median_clips(_clips_by_activity([activity]).get(activity, {}))


def _median_clips(counts: dict[int, int]) -> int:
    """The median of clips counted as {clips: punches}, rounded, 1–10 (1 when there are none)."""
    clips = [c for c, n in sorted(counts.items()) for _ in range(n)]
    if not clips:
        return 1
    return max(1, min(CLIPS_PER_CARD, int(round(statistics.median(clips)))))


# --- operations -------------------------------------------------------------------

@operation
def create_offer(actor: Staff, name: str, category: str, suggested_clips, description: str = "",
                 active: bool = True) -> CatalogueItem:
    """A new offer in the catalogue."""
    name = _clean_name(name)
    category = _clean_category(category)
    clips = _clean_clips(suggested_clips)
    description = _clean_description(description)
    if _same_name(name) is not None:
        raise DomainError(_("Kataloget har allerede et tilbud med navnet '{name}'.").format(name=name), field="name")
    item = CatalogueItem.create(name=name, category=category, suggested_clips=clips,
                                description=description, active=bool(active))
    audit(actor, "catalogue.create", "catalogue_item", item.id, None, snapshot(item))
    return item


@operation
def update_offer(actor: Staff, item_id: int, **changes) -> CatalogueItem:
    """Change an offer's name, category, suggested clips, description or active flag."""
    item = CatalogueItem.get_or_none(CatalogueItem.id == item_id)
    if item is None:
        raise DomainError(_("Tilbuddet findes ikke."))
    allowed = {"name", "category", "suggested_clips", "description", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("Ukendt felt: {unknown}").format(unknown=', '.join(sorted(unknown))))
    before = snapshot(item)
    if "name" in changes:
        name = _clean_name(changes["name"])
        if _same_name(name, exclude_id=item.id) is not None:
            raise DomainError(_("Kataloget har allerede et tilbud med navnet '{name}'.").format(name=name), field="name")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        item.name = name
    if "category" in changes:
        item.category = _clean_category(changes["category"])
    if "suggested_clips" in changes:
        item.suggested_clips = _clean_clips(changes["suggested_clips"])
    if "description" in changes:
        item.description = _clean_description(changes["description"])
    if "active" in changes:
        item.active = bool(changes["active"])
    item.save()
    audit(actor, "catalogue.update", "catalogue_item", item.id, before, snapshot(item))
    return item


@operation
def set_offer_active(actor: Staff, item_id: int, active: bool) -> CatalogueItem:
    """Switch an offer on or off (an inactive offer is no longer suggested)."""
    return update_offer(actor, item_id, active=active)


@operation
def promote_idea(actor: Staff, activity: str, category: str = CATEGORY_OTHER,
                 suggested_clips=None, description: str = "") -> CatalogueItem:
    """Turn a citizen's own idea (a free-text activity) into a catalogue offer.

    The suggested clips default to the median the idea has been punched with.
    Earlier punches keep their text (the ledger is never edited); the idea
    leaves the list of own ideas because an offer now has its name.
    """
    name = _clean_name(activity)
    if _same_name(name) is not None:
        raise DomainError(_("'{name}' står allerede i kataloget.").format(name=name), field="name")
    clips = suggested_clips if suggested_clips not in (None, "") else _typical_clips(activity)
    item = create_offer(actor, name, category, clips, description)
    audit(actor, "catalogue.promote_idea", "catalogue_item", item.id, {"activity": activity},
          snapshot(item))
    return item
