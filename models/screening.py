"""Screening (R1, R2) with the baseline outcomes (R12).

``screen_citizen`` is one operation: it finds or creates the citizen, records
the four answers, who screened with which provider, the result and whether the
citizen wants to take part, stores the baseline measurement with the
instruments' versions, and moves the state ``screened`` → ``eligible`` /
``not_eligible`` through :func:`models.citizens.change_state`.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from . import cpr as cprmod
from .base import DomainError, as_date, audit, log_access, operation, snapshot, today
from .citizens import MASTER_FIELDS, change_state, create_citizen, update_citizen
from .entities import (
    STATE_ACTIVE,
    STATE_ELIGIBLE,
    STATE_NOT_ELIGIBLE,
    STATE_PAUSED,
    STATE_SCREENED,
    Citizen,
    Measurement,
    Screening,
    Staff,
    StateChange,
)
from .i18n import _
from .inputs import format_date, refuse_control
from .outcomes import UCLA_VERSION, WHO5_VERSION, ucla_flag, ucla_score, who5_flag, who5_score

# The four criteria of R1, in the plan's order, with the words the UI uses.
CRITERIA = (
    ("receives_home_help", "modtager hjemmehjælp"),
    ("lives_alone", "bor alene"),
    ("hard_to_get_out", "har svært ved at færdes alene uden for hjemmet"),  # the form's words (issue #15)
    ("limited_network", "har et begrænset netværk"),
)
CRITERION_LABELS = dict(CRITERIA)

NETWORK_MAX = 200  # people in regular contact; more is a typing error


def is_eligible(answers: dict) -> bool:
    """R1: the intersection of the four criteria, none of them ranked."""
    return all(bool(answers.get(key)) for key, _label in CRITERIA)


def criterion_label(key: str) -> str:
    """A criterion's words in the user's language (CRITERIA holds the Danish ones)."""
    return {"receives_home_help": _("modtager hjemmehjælp"), "lives_alone": _("bor alene"),
            "hard_to_get_out": _("har svært ved at færdes alene uden for hjemmet"),
            "limited_network": _("har et begrænset netværk")}.get(key, CRITERION_LABELS.get(key, key))


def missing_criteria(answers: dict) -> list[str]:
    """The labels of the criteria that do not hold, in the plan's order."""
    return [criterion_label(key) for key, _label in CRITERIA if not answers.get(key)]


def result_text(answers: dict) -> str:
    """What the form shows live: 'i målgruppen', or which criteria are missing."""
    missing = missing_criteria(answers)
    if not missing:
        return _("I målgruppen")
    return _("Ikke i målgruppen — borgeren {missing} ikke").format(missing=_join(missing))


def _join(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return _("{first} og {last}").format(first=", ".join(labels[:-1]), last=labels[-1])


@dataclass
class Baseline:
    """One answer set of the outcome instruments (any part may be missing)."""

    network_size: int | None = None
    who5: str | None = None  # five digits 0–5, item order
    ucla: str | None = None  # three digits 1–3

    @property
    def empty(self) -> bool:
        return self.network_size is None and not self.who5 and not self.ucla

    @property
    def complete(self) -> bool:
        return self.network_size is not None and bool(self.who5) and bool(self.ucla)


def clean_outcomes(network_size, who5, ucla) -> Baseline:
    """Check an answer set: a whole number of people, whole instruments within their scales."""
    network = None
    if network_size not in (None, ""):
        try:
            network = int(str(network_size).strip())
        except ValueError:
            raise DomainError(_("Netværk skal være et helt antal personer."), field="network_size") from None
        if network < 0 or network > NETWORK_MAX:
            raise DomainError(_("Netværk skal være mellem 0 og {NETWORK_MAX} personer.").format(NETWORK_MAX=NETWORK_MAX), field="network_size")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    who5_text = _answers(who5, 5, 0, 5, "WHO-5", "who5")
    ucla_text = _answers(ucla, 3, 1, 3, "UCLA-3", "ucla")
    return Baseline(network, who5_text, ucla_text)


def _answers(answers, count: int, low: int, high: int, name: str, fieldname: str) -> str | None:
    if answers is None or answers == "" or (not isinstance(answers, str) and all(a is None for a in answers)):
        return None
    values = list(answers)
    if len(values) != count or any(v is None or v == "" for v in values):
        raise DomainError(_("Besvar alle {count} spørgsmål i {name} (eller ingen).").format(count=count, name=name), field=fieldname)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    try:
        digits = [int(v) for v in values]
    except (TypeError, ValueError):
        raise DomainError(_("{name} skal have {count} svar mellem {low} og {high}.").format(name=name, count=count, low=low, high=high), field=fieldname) from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if any(d < low or d > high for d in digits):
        raise DomainError(_("{name} skal have {count} svar mellem {low} og {high}.").format(name=name, count=count, low=low, high=high), field=fieldname)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return "".join(str(d) for d in digits)


def record_measurement(actor: Staff, citizen: Citizen, kind: str, outcomes: Baseline, on: _dt.date, *,
                       screening: Screening | None = None, reassessment=None) -> Measurement | None:
    """Store one answer set with its instruments' versions. Inside an operation."""
    if outcomes.empty:
        return None
    row = Measurement.create(
        citizen=citizen, kind=kind, screening=screening, reassessment=reassessment, measured_on=on,
        recorded_by=actor, network_size=outcomes.network_size,
        who5_answers=outcomes.who5, who5_score=who5_score(outcomes.who5) if outcomes.who5 else None,
        who5_version=WHO5_VERSION if outcomes.who5 else None,
        ucla_answers=outcomes.ucla, ucla_score=ucla_score(outcomes.ucla) if outcomes.ucla else None,
        ucla_version=UCLA_VERSION if outcomes.ucla else None,
    )
    audit(actor, f"measurement.{kind}", "measurement", row.id, None, snapshot(row))
    return row


@dataclass
class ScreeningResult:
    citizen: Citizen
    screening: Screening
    eligible: bool
    missing: list[str]
    measurement: Measurement | None
    created: bool  # the citizen was new
    flags: list[str] = field(default_factory=list)  # WHO-5 / UCLA-3 notes for the therapist


def find_by_cpr(actor: Staff, text: str) -> Citizen | None:
    """The citizen with this CPR number, if any (the lookup is written to the access log)."""
    number = cprmod.normalise(text)
    citizen = Citizen.get_or_none(Citizen.cpr == number)
    if citizen is not None:
        _require_own_citizen(actor, citizen)
    log_access(actor, "open_citizen" if citizen else "search", citizen=citizen,
               criterion=None if citizen else cprmod.masked(number), purpose="screening")
    return citizen


def _require_own_citizen(actor: Staff, citizen: Citizen) -> None:
    """Need-to-know: a terapeut screens the known citizens of their own districts (a new one anybody)."""
    from .access import may_see

    if not may_see(actor, citizen):
        raise DomainError(_("CPR-nummeret {cpr} hører til en borger i distrikt {name}; en medarbejder dér eller en leder screener borgeren.").format(cpr=cprmod.masked(citizen.cpr), name=citizen.district.name),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="cpr")


def latest_screening(citizen: Citizen) -> Screening | None:
    return (Screening.select().where(Screening.citizen == citizen)
            .order_by(Screening.screened_on.desc(), Screening.id.desc()).first())


def providers() -> list[str]:
    """Providers named in earlier screenings (suggestions for the form)."""
    rows = (Screening.select(Screening.provider).where(Screening.provider != "")
            .distinct().order_by(Screening.provider).limit(200))
    return [r.provider for r in rows]


def _clean_text(value, fieldname: str, label: str) -> str:
    text = (value or "").strip()
    refuse_control(text, fieldname, label=label)
    return text


def _same(person: Citizen, key: str, value) -> bool:
    current = getattr(person, key) if key != "district" else person.district
    if key == "district":
        if value is None or current is None:
            return value is None and current is None
        return (value.id if hasattr(value, "id") else str(value).strip().casefold()) in (
            current.id, current.name.casefold())
    if key == "receives_home_help":
        return bool(current) == bool(value)
    return (current or "") == (value or "").strip()


@operation
def screen_citizen(actor: Staff, *, cpr: str | None = None, citizen: Citizen | int | None = None,
                   receives_home_help: bool, lives_alone: bool, hard_to_get_out: bool,
                   limited_network: bool, wants_to_take_part: bool = False, provider: str = "",
                   notes: str = "", on: _dt.date | str | None = None, network_size=None, who5=None,
                   ucla=None, **master) -> ScreeningResult:
    """Screen a new or existing citizen (R1, R2) and store the baseline outcomes (R12).

    ``master`` may carry the citizen's name, address, phone, district, …; a new
    citizen needs at least the name. ``receives_home_help`` is both the first
    criterion and the citizen's master field, so the two never disagree.

    A little over 60 lines: the screening, the citizen's master data, the state
    change and the baseline are one transaction's writes, in the order their
    rows refer to each other.
    """
    on = as_date(on)
    if on > today():
        raise DomainError(_("Screeningsdatoen må ikke ligge i fremtiden."), field="date")
    provider = _clean_text(provider, "provider", _("Leverandøren"))
    notes = (notes or "").strip()
    outcomes = clean_outcomes(network_size, who5, ucla)
    answers = {"receives_home_help": bool(receives_home_help), "lives_alone": bool(lives_alone),
               "hard_to_get_out": bool(hard_to_get_out), "limited_network": bool(limited_network)}
    eligible = is_eligible(answers)
    wants = bool(wants_to_take_part)
    if wants and eligible and not outcomes.complete:
        raise DomainError(_("Udfyld baseline (netværk, WHO-5 og UCLA-3) for en borger i målgruppen, der vil deltage."), field="baseline")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    unknown = set(master) - set(MASTER_FIELDS)
    if unknown:
        raise DomainError(_("Ukendt felt: {unknown}").format(unknown=', '.join(sorted(unknown))))
    master = {**master, "receives_home_help": answers["receives_home_help"]}

    created = False
    if citizen is None:
        number = cprmod.normalise(cpr or "")
        person = Citizen.get_or_none(Citizen.cpr == number)
        if person is not None:
            _require_own_citizen(actor, person)
        if person is None:
            name = master.pop("name", "")
            person = create_citizen(actor, number, name, **master)
            created = True
            StateChange.create(citizen=person, from_state=None, to_state=STATE_SCREENED, on=on, by=actor,
                               reason="ny borger")
    else:
        person = Citizen.get_or_none(Citizen.id == (citizen.id if isinstance(citizen, Citizen) else citizen))
        if person is None:
            raise DomainError(_("Borgeren findes ikke."))
    if not created:
        if person.state in (STATE_ACTIVE, STATE_PAUSED):
            raise DomainError(_("{name} er allerede deltager; brug revurdering i stedet for en ny screening.").format(name=person.name))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if Screening.select().where((Screening.citizen == person) & (Screening.screened_on == on)).exists():
            raise DomainError(_("{name} er allerede screenet den {value}.").format(name=person.name, value=format_date(on)),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                              field="date")
        changes = {k: v for k, v in master.items() if not _same(person, k, v)}
        if changes:
            person = update_citizen(actor, person.id, **changes)
        if person.state != STATE_SCREENED:
            change_state(actor, person, STATE_SCREENED, on=on, reason="ny screening")
    if person.district_id is None:
        raise DomainError(_("Vælg borgerens distrikt."), field="district")

    screening = Screening.create(citizen=person, screened_on=on, screened_by=actor, provider=provider,
                                 eligible=eligible, wants_to_take_part=wants, notes=notes, **answers)
    audit(actor, "screening.create", "screening", screening.id, None, snapshot(screening))
    measurement = record_measurement(actor, person, "baseline", outcomes, on, screening=screening)
    change_state(actor, person, STATE_ELIGIBLE if eligible else STATE_NOT_ELIGIBLE, on=on, reason="screening")
    flags = []
    if outcomes.who5:
        flags.append(who5_flag(who5_score(outcomes.who5)))
    if outcomes.ucla:
        flags.append(ucla_flag(ucla_score(outcomes.ucla)))
    return ScreeningResult(person, screening, eligible, missing_criteria(answers), measurement, created,
                           [f for f in flags if f])


@dataclass
class KnownCitizen:
    """What the screening form shows of a citizen found by CPR."""

    id: int
    cpr: str
    name: str
    address: str
    phone: str
    district: str | None
    receives_home_help: bool
    state: str
    state_label: str
    last_screened: _dt.date | None
    can_be_screened: bool
    # flows (issue #15): a re-screening starts from what is known: the full address and the last answers
    postcode: str = ""
    city: str = ""
    last_answers: dict | None = None  # the four criteria of the latest screening (None: never screened)

    @property
    def full_address(self) -> str:
        return join_address(self.address, self.postcode, self.city)


def lookup_citizen(actor: Staff, cpr_text: str) -> KnownCitizen | None:
    """Find a citizen by CPR for the screening form (access-logged); None if new."""
    from .citizens import state_label

    citizen = find_by_cpr(actor, cpr_text)
    if citizen is None:
        return None
    last = latest_screening(citizen)
    answers = None
    if last is not None:
        answers = {key: bool(getattr(last, key)) for key, _label in CRITERIA}
        answers["receives_home_help"] = bool(citizen.receives_home_help)  # the master field: the two agree
    return KnownCitizen(citizen.id, citizen.cpr, citizen.name, citizen.address, citizen.phone,
                        citizen.district.name if citizen.district_id else None, citizen.receives_home_help,
                        citizen.state, state_label(citizen.state), last.screened_on if last else None,
                        citizen.state not in (STATE_ACTIVE, STATE_PAUSED), citizen.postcode, citizen.city,
                        answers)


_POSTCODE_TOWN = re.compile(r"^(?P<street>.*?)[,\s]+(?P<postcode>\d{4})\s+(?P<city>\D.*)$")


def join_address(address: str, postcode: str = "", city: str = "") -> str:
    """The address in one line as the screening form shows it: ``Nørregade 36, 7130 Juelsminde``."""
    town = " ".join(part for part in (postcode, city) if part)
    return ", ".join(part for part in (address, town) if part)


def split_address(text: str) -> tuple[str, str, str]:
    """(street, postcode, city) of an address typed in one line: ``Nørregade 36, 7130 Juelsminde`` or
    ``Nørregade 36 7130 Juelsminde``; without a four-digit postcode and a town at the end it is all street."""
    text = " ".join((text or "").split())
    found = _POSTCODE_TOWN.match(text)
    if found is None or not found["street"]:
        return text, "", ""
    return found["street"].rstrip(", "), found["postcode"], found["city"].strip()
