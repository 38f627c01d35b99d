"""``cirkel followup [--weeks N]``: the Opfølgning screen's lists on the command line (leder)."""
from __future__ import annotations

from models.i18n import _


def register(sub) -> None:
    p = sub.add_parser("followup",
                       help=_("stille kort, længe åbne kort, ingen kontakt, forbrug mod årets gang (leder)"))
    p.add_argument("--weeks", type=int, metavar="N",
                   help=_("uger uden klip, før et kort er stille (standard: indstillingen, 6)"))
    p.set_defaults(handler=cmd_followup)


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def cmd_followup(ctx) -> int:
    from models.cpr import masked
    from models.followup import followup
    from models.inputs import format_count, format_date, format_int

    result = followup(ctx.actor, weeks=ctx.args.weeks)
    weeks = format_count(result.weeks, _("uge"), _("uger"))
    ctx.out(_("Opfølgning {day}: stille efter {weeks}, længe åben over {months} mdr., mål {target} %").format(
        day=format_date(result.on), weeks=weeks, months=result.months, target=result.target_percent))
    ctx.out()
    ctx.out(_("Forbrug pr. distrikt {year}: {share} af året er gået").format(
        year=result.on.year, share=_percent(result.year_share)))
    ctx.out(f"  {_('Distrikt'):<20} {_('Tildelt'):>9} {_('Brugt'):>9} {_('Brugt %'):>8} {_('Forventet'):>10}")
    for d in result.districts:
        mark = _("bagud") if d.behind else ""
        ctx.out(f"  {d.district[:20]:<20} {format_int(d.allocated):>9} {format_int(d.punched):>9} "
                f"{_percent(d.used_share):>8} {format_int(d.expected):>10}  {mark}".rstrip())

    def cards(title: str, lines, total: int) -> None:
        ctx.out()
        ctx.out(title.format(n=format_int(total)))
        if not lines:
            ctx.out("  " + _("Ingen."))
            return
        ctx.out(f"  {_('Kort'):>6}  {_('CPR'):<11}  {_('Navn'):<28}  {_('Distrikt'):<16}  {_('Udstedt'):<10}  "
                f"{_('Sidste klip'):<11}  {_('Brugt')}")
        for c in lines:
            ctx.out(f"  {c.card_number:>6}  {masked(c.cpr):<11}  {c.name[:28]:<28}  {c.district[:16]:<16}  "
                    f"{format_date(c.issued_on):<10}  {format_date(c.last_punch) or '—':<11}  {c.used}/10")
        if total > len(lines):
            ctx.out("  " + _("… og {n} til").format(n=format_int(total - len(lines))))

    cards(_("Stille kort (åbne, uden klip i {weeks}): {{n}}").format(weeks=weeks),
          result.idle, result.idle_total)
    cards(_("Længe åbne kort (over {months} mdr.): {{n}}").format(months=result.months),
          result.long_open, result.long_open_total)
    ctx.out()
    ctx.out(_("Ingen kontakt siden revurderingen (intet klip, ingen tilmelding): {n}").format(
        n=format_int(result.no_contact_total)))
    if not result.no_contact:
        ctx.out("  " + _("Ingen."))
    for c in result.no_contact:
        ctx.out(f"  {masked(c.cpr):<11}  {c.name[:28]:<28}  {c.district[:16]:<16}  "
                + _("revurderet {day}").format(day=format_date(c.reassessed_on)))
    if result.no_contact_total > len(result.no_contact):
        ctx.out("  " + _("… og {n} til").format(n=format_int(result.no_contact_total - len(result.no_contact))))
    return 0
