"""``cirkel punch CITIZEN CLIPS --activity TEXT [--date YYYY-MM-DD]``."""
from __future__ import annotations

import argparse
import datetime as _dt
import uuid

from models.i18n import _


def iso_date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("ugyldig dato '{text}'; skriv ÅÅÅÅ-MM-DD").format(text=text)) from None


def register(sub) -> None:
    p = sub.add_parser("punch", help=_("registrér klip på en borgers klippekort"))
    p.add_argument("citizen", metavar="CITIZEN", help=_("CPR-nummer (med eller uden bindestreg) eller kortnummer"))
    p.add_argument("clips", metavar="CLIPS", type=int, help=_("antal klip (1–10; flere kræver en aftale)"))
    p.add_argument("--activity", required=True, metavar="TEXT", help=_("hvad klippene bruges til"))
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help=_("dato for klippet (standard: i dag)"))
    p.add_argument("--reason", metavar="TEXT",
                   help=_("begrundelse, når borgeren hører til et andet distrikt end dit (skrives i adgangsloggen)"))
    p.set_defaults(handler=cmd_punch)


def cmd_punch(ctx) -> int:
    from models.access import NeedsReason
    from models.base import DomainError
    from models.entities import CARD_USED_UP
    from models.punching import lookup_citizen, register_punch

    a = ctx.args
    try:
        citizen, card = lookup_citizen(ctx.actor, a.citizen, "klipregistrering", reason=a.reason)
    except NeedsReason as err:
        raise DomainError(err.message + " " + _("Skriv den med --reason TEKST.")) from None
    result = register_punch(ctx.actor, citizen, a.clips, a.activity, on=a.date, punch_id=str(uuid.uuid4()),
                            card_number=card.number if card is not None and a.clips <= 10 else None,
                            reason=a.reason)
    if result.card is not None:
        ctx.out(_("{clips} klip registreret på kort {card} ({name}): {left} klip tilbage.").format(
            clips=result.punch.clips, card=result.card.number, name=citizen.name, left=result.left))
        if result.card.status == CARD_USED_UP:
            ctx.out(_("Kortet er brugt op; {name} skal revurderes før et nyt kort.").format(name=citizen.name))
    else:
        ctx.out(_("{clips} klip registreret under aftale ({name}): {left} klip tilbage på aftalen.").format(
            clips=result.punch.clips, name=citizen.name, left=result.left))
    return 0
