"""Citizens: master data, the participation state machine and its history."""
from __future__ import annotations

import datetime as _dt

from . import cpr as cprmod
from .access import log_read
from .base import DomainError, audit, operation, snapshot, today
from .entities import (
    STATE_ACTIVE,
    STATE_ELIGIBLE,
    STATE_ENDED,
    STATE_NOT_ELIGIBLE,
    STATE_PAUSED,
    STATE_SCREENED,
    STATE_WAITLISTED,
    Citizen,
    District,
    Staff,
    StateChange,
)
from .i18n import _
from .inputs import refuse_control

STATE_LABELS = {
    STATE_SCREENED: "screenet",
    STATE_ELIGIBLE: "i målgruppen",
    STATE_NOT_ELIGIBLE: "ikke i målgruppen",
    STATE_WAITLISTED: "venteliste",
    STATE_ACTIVE: "aktiv",
    STATE_PAUSED: "pause",
    STATE_ENDED: "afsluttet",
}


def state_label(state: str | None) -> str:
    """A participation state in the user's language (STATE_LABELS keeps the Danish words for files)."""
    return {STATE_SCREENED: _("screenet"), STATE_ELIGIBLE: _("i målgruppen"),
            STATE_NOT_ELIGIBLE: _("ikke i målgruppen"), STATE_WAITLISTED: _("venteliste"), STATE_ACTIVE: _("aktiv"),
            STATE_PAUSED: _("pause"), STATE_ENDED: _("afsluttet")}.get(state, state or "")

# The participation states (docs/states.md). A screening may move any state but
# active/paused back to screened (a later return starts with a new screening).
TRANSITIONS: dict[str, set[str]] = {
    STATE_SCREENED: {STATE_ELIGIBLE, STATE_NOT_ELIGIBLE},
    STATE_ELIGIBLE: {STATE_WAITLISTED, STATE_ACTIVE, STATE_SCREENED, STATE_ENDED},
    STATE_NOT_ELIGIBLE: {STATE_SCREENED},
    STATE_WAITLISTED: {STATE_ACTIVE, STATE_ENDED, STATE_SCREENED},
    STATE_ACTIVE: {STATE_PAUSED, STATE_ENDED},
    STATE_PAUSED: {STATE_ACTIVE, STATE_ENDED},
    STATE_ENDED: {STATE_SCREENED},
}

MASTER_FIELDS = ("name", "address", "postcode", "city", "phone", "district", "receives_home_help")


def _clean_master(data: dict) -> dict:
    clean: dict = {}
    for key, value in data.items():
        if key not in MASTER_FIELDS:
            raise DomainError(_("Ukendt felt: {key}").format(key=key))
        if key == "district":
            if value is None or isinstance(value, District):
                clean[key] = value
            else:
                district = District.get_or_none(District.name == str(value).strip())
                if district is None:
                    raise DomainError(_("Distriktet '{value}' findes ikke.").format(value=value), field="district")
                clean[key] = district
        elif key == "receives_home_help":
            clean[key] = bool(value)
        else:
            text = (value or "").strip()
            refuse_control(text, key, label=_("Teksten"))
            clean[key] = text
    if "name" in clean and not clean["name"]:
        raise DomainError(_("Navn mangler."), field="name")
    if "phone" in clean and clean["phone"] and not all(ch.isdigit() or ch in " +-" for ch in clean["phone"]):
        raise DomainError(_("Telefonnummeret må kun indeholde cifre, mellemrum, + og -."), field="phone")
    return clean


@operation
def create_citizen(actor: Staff, cpr: str, name: str, **master) -> Citizen:
    number = cprmod.normalise(cpr)
    data = _clean_master({"name": name, **master})
    existing = Citizen.get_or_none(Citizen.cpr == number)
    if existing is not None:
        raise DomainError(_("Der findes allerede en borger med CPR-nummer {number}.").format(number=cprmod.masked(number)),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="cpr")
    citizen = Citizen.create(cpr=number, created_by=actor, state=STATE_SCREENED,
                             state_since=today(), **data)
    audit(actor, "citizen.create", "citizen", citizen.id, None, snapshot(citizen))
    return citizen


@operation
def update_citizen(actor: Staff, citizen_id: int, **changes) -> Citizen:
    citizen = Citizen.get_or_none(Citizen.id == citizen_id)
    if citizen is None:
        raise DomainError(_("Borgeren findes ikke."))
    data = _clean_master(changes)
    before = snapshot(citizen)
    for key, value in data.items():
        setattr(citizen, key, value)
    citizen.save()
    audit(actor, "citizen.update", "citizen", citizen.id, before, snapshot(citizen))
    return citizen


def change_state(actor: Staff, citizen: Citizen, to_state: str, *, on: _dt.date | None = None,
                 reason: str = "") -> StateChange:
    """Move a citizen to a new participation state and keep the history.

    Must run inside the calling operation's transaction (it writes with it).
    """
    if to_state not in TRANSITIONS:
        raise DomainError(_("Ukendt tilstand '{to_state}'.").format(to_state=to_state))
    if to_state != citizen.state and to_state not in TRANSITIONS[citizen.state]:
        raise DomainError(
            _("Borgeren er {state} og kan ikke blive {new_state}.").format(state=state_label(citizen.state), new_state=state_label(to_state)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    on = on or today()
    change = StateChange.create(citizen=citizen, from_state=citizen.state, to_state=to_state,
                                on=on, by=actor, reason=reason)
    before = citizen.state
    citizen.state = to_state
    citizen.state_since = on
    citizen.save(only=[Citizen.state, Citizen.state_since])
    audit(actor, "citizen.state", "citizen", citizen.id, {"state": before},
          {"state": to_state, "on": on, "reason": reason})
    return change


def open_citizen(actor: Staff, citizen_id: int, *, purpose: str = "borgeropslag",
                 reason: str | None = None) -> Citizen:
    """Fetch one citizen to show; the read is written to the access log.

    Need-to-know: a citizen of another district than the actor's needs a
    ``reason`` (``models.access.NeedsReason`` without one), logged with the read.
    """
    citizen = Citizen.get_or_none(Citizen.id == citizen_id)
    if citizen is None:
        raise DomainError(_("Borgeren findes ikke."))
    log_read(actor, "open_citizen", citizen, purpose, reason=reason)
    return citizen


def state_history(citizen: Citizen) -> list[StateChange]:
    return list(citizen.state_changes.order_by(StateChange.on, StateChange.id))
