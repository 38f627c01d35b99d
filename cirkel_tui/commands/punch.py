"""``cirkel punch CITIZEN CLIPS --activity TEXT [--date YYYY-MM-DD]``."""
from __future__ import annotations

import argparse
import datetime as _dt
import uuid

from models.i18n import _

from ..argtypes import text, whole


def iso_date(text: str) -> _dt.date:
    """A date as everywhere in Cirkel (models.inputs.parse_date: YYYY-MM-DD, dd-mm-yyyy, d-m-yy)."""
    from models.base import DomainError
    from models.inputs import parse_date

    try:
        return parse_date(text, "date")
    except DomainError as err:
        raise argparse.ArgumentTypeError(err.message) from None


def register(sub) -> None:
    p = sub.add_parser("punch", help=_("registrér klip på en borgers klippekort"))
    p.add_argument("citizen", metavar="CITIZEN", help=_("CPR-nummer (med eller uden bindestreg) eller kortnummer"))
    p.add_argument("clips", metavar="CLIPS", type=whole(_("Antal klip")),
                   help=_("antal klip (1–10; flere kræver en aftale)"))
    p.add_argument("--activity", required=True, type=text("activity", _("Aktiviteten")), metavar="TEXT",
                   help=_("hvad klippene bruges til"))
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help=_("dato for klippet (standard: i dag)"))
    p.add_argument("--id", type=punch_uuid, metavar="UUID", dest="punch_id",
                   help=_("klippets id (et UUID); et script, der prøver igen med samme id, klipper aldrig to gange"))
    p.add_argument("--reason", metavar="TEXT",
                   help=_("begrundelse, når borgeren hører til et andet distrikt end dit (skrives i adgangsloggen)"))
    p.set_defaults(handler=cmd_punch)


def punch_uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' er ikke et UUID (fx 3f2b8c1e-0d7a-4e55-9c61-2a4f0b9e7d13)").format(text=text[:40])) from None


def cmd_punch(ctx) -> int:
    from models.access import NeedsReason
    from models.base import DomainError
    from models.entities import CARD_USED_UP, Punch
    from models.punching import lookup_citizen, register_punch

    a = ctx.args
    try:
        citizen, card = lookup_citizen(ctx.actor, a.citizen, "klipregistrering", reason=a.reason)
    except NeedsReason as err:
        raise DomainError(err.message + " " + _("Skriv den med --reason TEKST.")) from None
    retry = a.punch_id is not None and Punch.select().where(Punch.id == a.punch_id).exists()
    result = register_punch(ctx.actor, citizen, a.clips, a.activity, on=a.date,
                            punch_id=a.punch_id or str(uuid.uuid4()),
                            card_number=card.number if card is not None and a.clips <= 10 else None,
                            reason=a.reason)
    if retry or result.punch.citizen_id != citizen.id:
        if result.punch.citizen_id != citizen.id or result.punch.clips != a.clips:
            raise DomainError(_("Id'et {id} er allerede brugt til et andet klip; intet er registreret.").format(
                id=a.punch_id))
        ctx.out(_("Klippet med id {id} er allerede registreret ({clips} klip, {name}); intet nyt klip.").format(
            id=a.punch_id, clips=result.punch.clips, name=citizen.name))
        return 0
    if result.card is not None:
        ctx.out(_("{clips} klip registreret på kort {card} ({name}): {left} klip tilbage.").format(
            clips=result.punch.clips, card=result.card.number, name=citizen.name, left=result.left))
        if result.card.status == CARD_USED_UP:
            ctx.out(_("Kortet er brugt op; {name} skal revurderes før et nyt kort.").format(name=citizen.name))
    else:
        ctx.out(_("{clips} klip registreret under aftale ({name}): {left} klip tilbage på aftalen.").format(
            clips=result.punch.clips, name=citizen.name, left=result.left))
    return 0
