"""``cirkel programme add|line|spend|enrol|leave|list|report`` — the Ishøj programmes (R13, issue 14)."""
from __future__ import annotations

from models.i18n import _, pgettext
from models.inputs import format_date


def register(sub) -> None:
    programme = sub.add_parser("programme", help=_("puljefinansierede projekter: budget, linjer, forbrug, deltagere"))
    psub = programme.add_subparsers(dest="programme_command", metavar="ACTION", required=True)

    p = psub.add_parser("add", help=_("opret et projekt (leder)"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--year", required=True, metavar="YYYY", help=_("projektets år"))
    p.add_argument("--budget", required=True, metavar="KR", help=_("samlet budget i kr, fx 1.225.000"))
    p.add_argument("--description", default="", metavar="TEXT", help=_("kort beskrivelse"))
    p.set_defaults(handler=cmd_add)

    p = psub.add_parser("line", help=_("opret en budgetlinje eller ret dens beløb (leder)"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("line", metavar="LINE")
    p.add_argument("--amount", required=True, metavar="KR")
    p.set_defaults(handler=cmd_line)

    p = psub.add_parser("spend", help=_("registrér en udgift på en budgetlinje (leder); negativt beløb retter"))
    p.add_argument("name", metavar="NAME")
    p.add_argument("line", metavar="LINE")
    p.add_argument("--amount", required=True, metavar="KR")
    p.add_argument("--date", metavar="YYYY-MM-DD", help=_("udgiftens dato (standard: i dag)"))
    p.add_argument("--note", default="", metavar="TEXT")
    p.set_defaults(handler=cmd_spend)

    for action, helptext, handler in (("enrol", _("tilmeld en borger projektet (leder)"), cmd_enrol),
                                      ("leave", _("afslut en borgers tilmelding (leder)"), cmd_leave)):
        p = psub.add_parser(action, help=helptext)
        p.add_argument("name", metavar="NAME")
        p.add_argument("citizen", metavar="CITIZEN", help=_("CPR-nummer, kortnummer eller et entydigt navn"))
        p.add_argument("--date", metavar="YYYY-MM-DD", help=_("dato (standard: i dag)"))
        p.set_defaults(handler=handler)

    p = psub.add_parser("list", help=_("projekterne med budget, forbrug og tilmeldte"))
    p.add_argument("--year", metavar="YYYY")
    p.set_defaults(handler=cmd_list)

    p = psub.add_parser("report", help=_("budget mod forbrug pr. linje; --out gemmer et regneark (leder)"))
    p.add_argument("--year", metavar="YYYY")
    p.add_argument("--out", metavar="FILE",
                   help=_("gem som .xlsx (arkene Projekter og Deltagelse); - skriver til standard output"))
    p.add_argument("--force", action="store_true", help=_("overskriv en eksisterende fil"))
    p.set_defaults(handler=cmd_report)


def _kr(amount) -> str:
    from models.inputs import format_kroner

    return format_kroner(amount)


def _year(ctx) -> int | None:
    from models.inputs import parse_whole

    if ctx.args.year is None:
        return None
    return parse_whole(ctx.args.year, "year", minimum=2000, maximum=2100, label=_("Året"))


def cmd_add(ctx) -> int:
    from models.programmes import create_programme

    a = ctx.args
    p = create_programme(ctx.actor, a.name, year=a.year, budget=a.budget, description=a.description)
    ctx.out(_("Projektet {name} ({year}) er oprettet med et budget på {budget}.").format(
        name=p.name, year=p.year, budget=_kr(p.budget_dkk)))
    return 0


def cmd_line(ctx) -> int:
    from models.programmes import set_line

    a = ctx.args
    out = set_line(ctx.actor, a.name, a.line, a.amount)
    text = _("Linjen {line} er oprettet: {amount}.") if out.created else _("Linjen {line} er nu {amount}.")
    ctx.out(text.format(line=out.line.name, amount=_kr(out.line.amount_dkk)) + " "
            + (_("Ikke fordelt: {rest}.").format(rest=_kr(out.unallocated)) if out.unallocated
               else _("Linjerne svarer til budgettet.")))
    return 0


def cmd_spend(ctx) -> int:
    from models.programmes import add_expense, programme_figures

    a = ctx.args
    expense = add_expense(ctx.actor, a.name, a.line, a.amount, on=a.date, note=a.note)
    p = next(f for f in programme_figures() for x in f.lines if x.id == expense.budget_line_id)
    line = next(x for x in p.lines if x.id == expense.budget_line_id)
    ctx.out(_("{amount} registreret på {line} ({date}): forbrugt {spent} af {budget}, tilbage {left}.").format(
        amount=_kr(expense.amount_dkk), line=line.name, date=format_date(expense.spent_on),
        spent=_kr(line.spent), budget=_kr(line.budget), left=_kr(line.left)))
    return 0


def cmd_enrol(ctx) -> int:
    from models.programmes import enrol

    a = ctx.args
    e = enrol(ctx.actor, a.name, a.citizen, on=a.date)
    ctx.out(_("{citizen} er tilmeldt {programme} fra {date}.").format(
        citizen=e.citizen.name, programme=e.programme.name, date=format_date(e.enrolled_on)))
    return 0


def cmd_leave(ctx) -> int:
    from models.programmes import leave

    a = ctx.args
    e = leave(ctx.actor, a.name, a.citizen, on=a.date)
    ctx.out(_("{citizen}s tilmelding til {programme} slutter {date}.").format(
        citizen=e.citizen.name, programme=e.programme.name, date=format_date(e.left_on)))
    return 0


def cmd_list(ctx) -> int:
    from models.programmes import programme_figures

    figures = programme_figures(_year(ctx))
    if not figures:
        ctx.out(_("Ingen projekter."))
        return 0
    for p in figures:
        summary = _("budget {budget}, fordelt {allocated}, forbrugt {spent}, tilbage {left} · {n} tilmeldt")
        ctx.out(f"{p.name} · {p.year} · " + summary.format(
            budget=_kr(p.budget), allocated=_kr(p.allocated), spent=_kr(p.spent), left=_kr(p.left), n=p.enrolled))
    return 0


def cmd_report(ctx) -> int:
    from models.inputs import format_kroner
    from models.programmes import programme_figures, report_rows

    year = _year(ctx)
    if ctx.args.out:
        from exports.programme_report import write_programme_report

        path = write_programme_report(ctx.actor, ctx.args.out, year=year, force=ctx.args.force)
        from . import file_written, shown_path  # issue #20: standard output, the outbox

        file_written(ctx, _("Rapporten er gemt: {path}").format(path=shown_path(path)), path)
        return 0
    rows = report_rows(programme_figures(year))
    table = [(_("Projekt"), _("Linje"), _("Budget"), _("Forbrugt"), pgettext("rest", "Tilbage"))]
    table += [(r.programme, r.line, format_kroner(r.budget, unit=False), format_kroner(r.spent, unit=False),
               format_kroner(r.left, unit=False)) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(5)]

    def line(row) -> str:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])] + [row[i].rjust(widths[i]) for i in (2, 3, 4)]
        return " | ".join(cells).rstrip()

    ctx.out(line(table[0]))
    ctx.out("-+-".join("-" * w for w in widths))
    for r, row in zip(rows, table[1:], strict=True):
        if r.kind == "total":
            ctx.out("-+-".join("-" * w for w in widths))
        ctx.out(line(row))
    ctx.out(_('Beløb i kr. "Ikke fordelt": den del af budgettet, der endnu ikke er fordelt på linjer.'))
    return 0
