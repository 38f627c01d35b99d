"""``cirkel agreement add CITIZEN --clips N --reason TEXT [--until YYYY-MM-DD]`` (leder)."""
from __future__ import annotations

from models.i18n import _
from models.inputs import format_date as fmt_date

from ..argtypes import text, whole
from .punch import iso_date


def register(sub) -> None:
    agreement = sub.add_parser("agreement", help=_("individuelle aftaler om mere end 10 klip ad gangen"))
    asub = agreement.add_subparsers(dest="agreement_command", metavar="ACTION", required=True)
    p = asub.add_parser("add", help=_("opret en aftale (leder)"))
    p.add_argument("citizen", metavar="CITIZEN", help=_("CPR-nummer eller kortnummer"))
    p.add_argument("--clips", required=True, type=whole(_("Antal klip")), metavar="N",
                   help=_("antal klip (mere end 10)"))
    p.add_argument("--reason", required=True, type=text("reason", _("Begrundelsen")), metavar="TEXT",
                   help=_("begrundelse"))
    p.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help=_("sidste gyldige dag (valgfri)"))
    p.add_argument("--activity", default="", type=text("activity", _("Aktiviteten")), metavar="TEXT",
                   help=_("aktiviteten aftalen gælder (valgfri)"))
    p.set_defaults(handler=cmd_agreement_add)


def cmd_agreement_add(ctx) -> int:
    from models.agreements import create_agreement
    from models.permissions import require
    from models.punching import lookup_citizen

    a = ctx.args
    require(ctx.actor, "agreement.write")  # before the lookup: a refusal reveals nobody
    citizen, _card = lookup_citizen(ctx.actor, a.citizen, "aftale")
    agreement = create_agreement(ctx.actor, citizen, a.clips, a.reason, until=a.until, activity=a.activity)
    until = fmt_date(agreement.valid_until) if agreement.valid_until else _("indtil videre")
    ctx.out(_("Aftale {id} oprettet for {name}: {clips} klip, gyldig {start} – {until}.").format(
        id=agreement.id, name=citizen.name, clips=agreement.clips, start=fmt_date(agreement.valid_from),
        until=until))
    return 0
