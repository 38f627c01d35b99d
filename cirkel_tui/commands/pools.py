"""``cirkel pools``, ``cirkel district add|set|list`` and ``cirkel budget set``."""
from __future__ import annotations

from models.i18n import _
from models.inputs import format_date, format_int

from ..argtypes import text, whole


def register(sub) -> None:
    p = sub.add_parser("pools", help=_("vis årets puljer pr. distrikt"))
    p.add_argument("--year", type=whole(_("Året"), 2000, 2100), metavar="YYYY", help=_("året (standard: i år)"))
    p.set_defaults(handler=cmd_pools)

    district = sub.add_parser("district", help=_("distrikter og deres hjemmehjælpsmodtagere"))
    dsub = district.add_subparsers(dest="district_command", metavar="ACTION", required=True)
    p = dsub.add_parser("add", help=_("opret et distrikt (admin)"))
    p.add_argument("name", metavar="NAME", type=text("district", _("Distriktet")))
    p.add_argument("--home-help", type=whole("--home-help"), required=True, metavar="N",
                   help=_("antal hjemmehjælpsmodtagere i distriktet"))
    p.set_defaults(handler=cmd_district_add)
    p = dsub.add_parser("set", help=_("ret et distrikt (admin); puljerne fordeles igen"))
    p.add_argument("name", metavar="NAME", type=text("district", _("Distriktet")))
    p.add_argument("--home-help", type=whole("--home-help"), metavar="N",
                   help=_("antal hjemmehjælpsmodtagere i distriktet"))
    p.add_argument("--name", dest="new_name", metavar="NEW", type=text("district", _("Det nye navn")),
                   help=_("nyt navn"))
    p.set_defaults(handler=cmd_district_set)
    p = dsub.add_parser("list", help=_("vis distrikterne"))
    p.set_defaults(handler=cmd_district_list)

    budget = sub.add_parser("budget", help=_("årets budget (leder)"))
    bsub = budget.add_subparsers(dest="budget_command", metavar="ACTION", required=True)
    p = bsub.add_parser("set", help=_("sæt årets budget og fordel puljerne (leder)"))
    p.add_argument("year", type=whole(_("Året"), 2000, 2100), metavar="YYYY")
    p.add_argument("--budget", required=True, metavar="KR", help=_("budget i kroner"))
    p.add_argument("--price", required=True, metavar="KR", help=_("pris pr. klip i kroner"))
    p.add_argument("--reserve", default="0", metavar="KR", help=_("transportreserve i kroner (standard 0)"))
    p.add_argument("--per-participant", default="52", metavar="N",
                   help=_("klip pr. deltager pr. år (standard 52)"))
    p.add_argument("--dry-run", action="store_true", help=_("vis fordelingen uden at gemme"))
    p.set_defaults(handler=cmd_budget_set)


def _date(value) -> str:
    return format_date(value) if value else ""


def projection_text(projection) -> str:
    if projection is None:
        return ""
    if projection.used_up:
        return _("brugt op")
    if projection.runs_out_on is None:
        return _("intet forbrug")
    text = _date(projection.runs_out_on)
    return f"{text} !" if projection.warning else text


def pools_lines(overview) -> list[str]:
    """The pools table as plain text lines (also what the tests read)."""
    from models.inputs import format_kroner

    headers = [_("Distrikt"), _("Tildelt"), _("Bundet"), _("Brugt"), _("Tilbage"), _("Deltagere"),
               _("Kapacitet"), _("Venteliste"), _("Optag"), _("Løber tør")]
    rows = []
    for line in overview.lines + [overview.total]:
        f = line.figures
        is_total = line is overview.total
        rows.append([_("I alt") if is_total else f.district, format_int(f.allocated), format_int(f.committed), format_int(f.punched),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                     format_int(f.left), format_int(f.participants), format_int(f.capacity), format_int(f.waitlist),
                     "" if is_total else (_("åbent") if f.open_for_intake else _("lukket")),
                     projection_text(line.projection)])
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    left_aligned = {0, 8, 9}

    def fmt(row):
        cells = [str(c).ljust(w) if i in left_aligned else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        return "  ".join(cells).rstrip()

    out = [_("Puljer {year}: {clips} klip, {per} klip pr. deltager").format(
        year=overview.year, clips=format_int(overview.clips), per=overview.clips_per_participant), ""]
    out.append(fmt(headers))
    out.extend(fmt(r) for r in rows[:-1])
    out.append(fmt(["-" * w for w in widths]))
    out.append(fmt(rows[-1]))
    m = overview.money
    out.append("")
    out.append(_("Budget {budget} · klip brugt {clips} × {price} = {used}").format(
        budget=format_kroner(m.budget_dkk), clips=format_int(m.punched_clips),
        price=format_kroner(m.price_per_clip_dkk),
        used=format_kroner(m.punched_dkk)) + " · " + _("transport {transport} af reserven {reserve} · tilbage {left}").format(  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        transport=format_kroner(m.transport_spent_dkk), reserve=format_kroner(m.transport_reserve_dkk),
        left=format_kroner(m.left_dkk)))
    warnings = [line.figures.district for line in overview.lines if line.projection and line.projection.warning]
    if warnings:
        out.append(_("Advarsel: puljen løber tør før årets udgang i {names}.").format(names=", ".join(warnings)))
    if m.reserve_left_dkk < 0:
        out.append(_("Advarsel: transporten har brugt {over} mere end reserven.").format(
            over=format_kroner(-m.reserve_left_dkk)))
    closed = overview.closed_for_intake
    if closed:
        out.append(_("Lukket for optag: {names}.").format(names=", ".join(closed)))
    return out


def cmd_pools(ctx) -> int:
    from models.base import DomainError, today
    from models.pool_overview import pools_overview

    year = ctx.args.year or today().year
    overview = pools_overview(year)
    if not overview.has_budget:
        raise DomainError(_("Der er ikke sat et budget for {year}.").format(year=year))
    for line in pools_lines(overview):
        ctx.out(line)
    return 0


def _resplit_note(ctx, change) -> None:
    if change.resplit_years:
        ctx.out(_("Puljerne for {years} er fordelt igen; kun klip der ikke er bundet, er flyttet.").format(
            years=", ".join(str(y) for y in change.resplit_years)))


def cmd_district_add(ctx) -> int:
    from models.budget import add_district

    change = add_district(ctx.actor, ctx.args.name, ctx.args.home_help)
    ctx.out(_("Distriktet {name} er oprettet med {n} hjemmehjælpsmodtagere.").format(
        name=change.district.name, n=format_int(change.district.home_help_count)))
    _resplit_note(ctx, change)
    return 0


def cmd_district_set(ctx) -> int:
    from models.budget import set_district

    from ..cli import UsageError

    a = ctx.args
    if a.home_help is None and a.new_name is None:
        raise UsageError(_("angiv --home-help N og/eller --name NYT"))
    change = set_district(ctx.actor, a.name, home_help=a.home_help, new_name=a.new_name)
    ctx.out(_("Distriktet {name}: {n} hjemmehjælpsmodtagere.").format(
        name=change.district.name, n=format_int(change.district.home_help_count)))
    _resplit_note(ctx, change)
    return 0


def cmd_district_list(ctx) -> int:
    from models.budget import list_districts

    rows = list_districts()
    width = max([len(_("Distrikt"))] + [len(r.name) for r in rows])
    ctx.out(f"{_('Distrikt').ljust(width)}  {_('Hjemmehjælp'):>11}  {_('Andel'):>6}  {_('Pulje i år'):>10}")
    for r in rows:
        pool = "" if r.allocated is None else format_int(r.allocated)
        name = r.name if r.active else f"{r.name} ({_('inaktiv')})"
        share = f"{r.share_percent:.1f}".replace(".", ",")
        ctx.out(f"{name.ljust(width)}  {format_int(r.home_help):>11}  {share:>5}%  {pool:>10}")
    return 0


def cmd_budget_set(ctx) -> int:
    from models.budget import preview_budget, set_budget
    from models.inputs import format_kroner

    a = ctx.args
    args = (a.year, a.budget, a.price, a.reserve, a.per_participant)
    preview = preview_budget(*args) if a.dry_run else set_budget(ctx.actor, *args)
    ctx.out(_("{year}: ({budget} − {reserve}) / {price} = {clips} klip").format(
        year=preview.year, budget=format_kroner(preview.budget_dkk),
        reserve=format_kroner(preview.transport_reserve_dkk),
        price=format_kroner(preview.price_per_clip_dkk), clips=format_int(preview.clips)))
    width = max(len(line.district) for line in preview.lines)
    for line in preview.lines:
        ctx.out(_("  {name}  {clips} klip, plads til {capacity} deltagere").format(
            name=line.district.ljust(width), clips=format_int(line.allocated).rjust(7), capacity=line.capacity))
    if preview.closes_intake:  # flows (issue #15): said before saving (--dry-run) and when saved
        ctx.out(_("Lukker for optag (ingen ledig plads efter fordelingen): {names}").format(
            names=", ".join(preview.closes_intake)))
    ctx.out(_("Ikke gemt (--dry-run).") if a.dry_run else _("Gemt."))
    return 0
