"""``cirkel waitlist [--district D]``: the district waitlists, CPR masked."""
from __future__ import annotations

from models.i18n import _

from ..argtypes import text


def register(sub) -> None:
    p = sub.add_parser("waitlist", help=_("vis ventelisten pr. distrikt (CPR maskeret)"))
    p.add_argument("--district", metavar="D", type=text("district", _("Distriktet")), help=_("kun dette distrikt"))
    p.set_defaults(handler=cmd_waitlist)


def cmd_waitlist(ctx) -> int:
    from models.admission import districts, waitlist
    from models.cpr import masked
    from models.inputs import format_date as fmt_date

    names = [ctx.args.district] if ctx.args.district else [name for _id, name in districts(ctx.actor)]
    if not names:
        ctx.out(_("Ingen distrikter endnu."))
        return 0
    for index, name in enumerate(names):
        wl = waitlist(ctx.actor, name)
        room = wl.room
        if index:
            ctx.out()
        places = (_("1 ledig plads") if room.places == 1
                  else _("{n} ledige pladser").format(n=room.places))
        ctx.out(_('{district}: {participants}/{capacity} deltagere, {places}, {clips} klip tilbage i puljen {year}').format(  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
            district=room.district, participants=room.participants, capacity=room.capacity,
            places=places, clips=room.clips_left, year=room.year))
        if not wl.entries:
            ctx.out("  " + _("Ingen på ventelisten."))
            continue
        ctx.out(f"  {_('Nr'):>3}  {_('CPR'):<11}  {_('Navn'):<30}  {_('Screenet'):<10}  {_('Status')}")
        for e in wl.entries:
            status = _("plads ledig") if e.place_free else ""
            ctx.out(f"  {e.position:>3}  {masked(e.cpr):<11}  {e.name[:30]:<30}  {fmt_date(e.screened_on):<10}  "
                    f"{status}".rstrip())
    return 0
