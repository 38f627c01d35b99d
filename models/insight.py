"""Right of access (GDPR art. 15, issue #12): everything Cirkel holds about one citizen.

:func:`insight_sheets` gathers it as plain sheets (title, headers, rows) for
``exports.insight`` to write: master data, states, screenings with their
answers, outcome measurements, reassessments, cards, every punch, sign-ups,
agreements and the access-log entries about the citizen (date, action,
purpose; the staff member's name only ``with_staff``, as Datatilsynet's 2024
practice says). Only leder and admin answer insight requests; the insight is
itself logged (purpose "indsigt") and audited by :func:`record_insight`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from peewee import JOIN

from . import cpr as cprmod
from .base import DomainError, audit, log_access, operation
from .citizens import STATE_LABELS
from .entities import (
    CARD_STATUS_LABELS,
    AccessLog,
    Agreement,
    Card,
    Citizen,
    District,
    Event,
    Measurement,
    Punch,
    Reassessment,
    Screening,
    Signup,
    Staff,
    StateChange,
)
from .i18n import _
from .permissions import require

ACTION_LABELS = {"open_citizen": "åbnet", "search": "søgning", "lookup": "opslag", "list": "liste",
                 "export": "eksport", "print": "udskrift", "insight": "indsigt", "log": "logkontrol"}
YES_NO = {True: "ja", False: "nej", None: ""}


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[tuple] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)


def _staff_names() -> dict[int, str]:
    return {sid: name for sid, name in Staff.select(Staff.id, Staff.name).tuples()}


def insight_sheets(actor: Staff, cpr_text: str, *, with_staff: bool = False) -> tuple[Citizen, list[Sheet]]:
    """The citizen and the ten sheets of their insight file (leder).

    Longer than most: one declaration per sheet (each a single query), side by
    side in the order the citizen reads them, so what the file holds is seen at once.
    """
    require(actor, "insight")
    number = cprmod.normalise(cpr_text)
    citizen = (Citizen.select(Citizen, District).join(District, JOIN.LEFT_OUTER)
               .where(Citizen.cpr == number).first())
    if citizen is None:
        raise DomainError(_("Ingen borger har CPR-nummer {number}.").format(number=cprmod.masked(number)), field="cpr")
    names = _staff_names()
    cid = citizen.id
    master = Sheet("Stamdata", ["Felt", "Værdi"], widths=[24, 50], rows=[
        ("Navn", citizen.name), ("CPR-nummer", cprmod.formatted(citizen.cpr)), ("Adresse", citizen.address),
        ("Postnummer", citizen.postcode), ("By", citizen.city), ("Telefon", citizen.phone),
        ("Distrikt", citizen.district.name if citizen.district_id else ""),
        ("Modtager hjemmehjælp", YES_NO[bool(citizen.receives_home_help)]),
        ("Tilstand", STATE_LABELS.get(citizen.state, citizen.state)), ("Tilstand siden", citizen.state_since),
        ("Oprettet", citizen.created_at), ("Oprettet af", names.get(citizen.created_by_id, ""))])
    states = Sheet("Tilstande", ["Dato", "Fra", "Til", "Af", "Begrundelse"], widths=[12, 18, 18, 24, 50], rows=[
        (s.on, STATE_LABELS.get(s.from_state, s.from_state or ""), STATE_LABELS.get(s.to_state, s.to_state),
         names.get(s.by_id, ""), s.reason)
        for s in StateChange.select().where(StateChange.citizen == cid).order_by(StateChange.on, StateChange.id)])
    screenings = Sheet("Screeninger", ["Dato", "Screenet af", "Leverandør", "Hjemmehjælp", "Bor alene",
                                       "Svært ved at færdes alene uden for hjemmet", "Begrænset netværk",
                                       "I målgruppen", "Ønsker at deltage", "Noter"],
                       widths=[12, 22, 18, 12, 10, 14, 14, 12, 12, 40], rows=[
        (s.screened_on, names.get(s.screened_by_id, ""), s.provider, YES_NO[s.receives_home_help],
         YES_NO[s.lives_alone], YES_NO[s.hard_to_get_out], YES_NO[s.limited_network], YES_NO[s.eligible],
         YES_NO[s.wants_to_take_part], s.notes)
        for s in Screening.select().where(Screening.citizen == cid).order_by(Screening.screened_on)])
    measurements = Sheet("Målinger", ["Dato", "Type", "Netværk", "WHO-5 svar", "WHO-5", "UCLA-3 svar", "UCLA-3",
                                      "Version", "Registreret af"], widths=[12, 12, 10, 12, 8, 12, 8, 20, 22], rows=[
        (m.measured_on, "baseline" if m.kind == "baseline" else "opfølgning", m.network_size, m.who5_answers or "",
         m.who5_score, m.ucla_answers or "", m.ucla_score,
         " / ".join(v for v in (m.who5_version, m.ucla_version) if v), names.get(m.recorded_by_id, ""))
        for m in Measurement.select().where(Measurement.citizen == cid).order_by(Measurement.measured_on)])
    reassessments = Sheet("Revurderinger", ["Dato", "Beslutning", "Grund til afslutning", "Noter", "Af"],
                          widths=[12, 14, 22, 40, 22], rows=[
        (r.assessed_on, "fortsæt" if r.decision == "continue" else "afslut", r.end_reason or "", r.notes,
         names.get(r.assessed_by_id, ""))
        for r in Reassessment.select().where(Reassessment.citizen == cid).order_by(Reassessment.assessed_on)])
    card_list = list(Card.select().where(Card.citizen == cid).order_by(Card.issued_on, Card.id))
    numbers = {c.id: c.number for c in card_list}
    cards = Sheet("Kort", ["Kortnr", "Udstedt", "Slut", "Klip", "Brugt", "Status", "Note"],
                  widths=[10, 12, 12, 8, 8, 12, 40], rows=[
        (c.number, c.issued_on, c.ended_on, c.clips, c.used,
         CARD_STATUS_LABELS.get(c.status, c.status), c.end_reason)
        for c in card_list])
    punches = Sheet("Klip", ["Dato", "Kortnr", "Aftale", "Klip", "Aktivitet", "Art", "Begrundelse", "Registreret af"],
                    widths=[12, 10, 8, 6, 30, 12, 30, 22], rows=[
        (p.punched_on, numbers.get(p.card_id), p.agreement_id, p.clips, p.activity,
         {"punch": "klip", "reversal": "tilbageførsel", "import": "importeret"}.get(p.kind, p.kind), p.reason,
         names.get(p.registered_by_id, ""))
        for p in Punch.select().where(Punch.citizen == cid).order_by(Punch.punched_on, Punch.registered_at)])
    signups = Sheet("Tilmeldinger", ["Tur", "Dato", "Status", "Fremmøde"], widths=[30, 16, 14, 12], rows=[
        (title, starts_at, {"signed_up": "tilmeldt", "waitlisted": "venteliste", "cancelled": "afmeldt"}.get(
            status, status), {"attended": "mødt", "absent": "udeblevet"}.get(attendance, ""))
        for title, starts_at, status, attendance in Signup.select(Event.title, Event.starts_at, Signup.status,
                                                                  Signup.attendance)
        .join(Event).where(Signup.citizen == cid).order_by(Event.starts_at).tuples()])
    agreements = Sheet("Aftaler", ["Aftale", "Klip", "Brugt", "Gyldig fra", "Gyldig til", "Aktivitet",
                                   "Begrundelse", "Godkendt af"], widths=[8, 6, 6, 12, 12, 24, 40, 22], rows=[
        (a.id, a.clips, a.used, a.valid_from, a.valid_until, a.activity, a.reason, names.get(a.approved_by_id, ""))
        for a in Agreement.select().where(Agreement.citizen == cid).order_by(Agreement.valid_from)])
    headers = ["Tidspunkt", "Handling", "Formål"] + (["Medarbejder"] if with_staff else [])
    access = Sheet("Adgangslog", headers, widths=[18, 14, 22, 26], rows=[
        (at, ACTION_LABELS.get(action, action), purpose) + ((names.get(actor_id, ""),) if with_staff else ())
        for at, action, purpose, actor_id in AccessLog.select(AccessLog.at, AccessLog.action, AccessLog.purpose,
                                                               AccessLog.actor)
        .where(AccessLog.citizen == cid).order_by(AccessLog.at, AccessLog.id).tuples()])
    return citizen, [master, states, screenings, measurements, reassessments, cards, punches, signups,
                     agreements, access]


@operation
def record_insight(actor: Staff, citizen: Citizen, path: str, with_staff: bool) -> None:
    """The insight's own access row (purpose indsigt) and audit row, once the file is written."""
    log_access(actor, "insight", citizen=citizen, criterion="med medarbejdernavne" if with_staff else None,
               purpose="indsigt")
    audit(actor, "insight", "citizen", citizen.id, None, {"file": path, "with_staff": with_staff})
