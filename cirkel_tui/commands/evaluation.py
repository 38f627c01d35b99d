"""``cirkel evaluation``: the period's results as the plan's goals (issue #19)."""
from __future__ import annotations

import argparse

from models.i18n import _


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(_("Ugyldigt år '{text}'; skriv ÅÅÅÅ, fx 2026.").format(text=text[:20]))
    return int(text)


def _day(text: str):
    from models.base import DomainError
    from models.inputs import parse_date

    try:
        return parse_date(text, field="period")
    except DomainError as err:
        raise argparse.ArgumentTypeError(err.message) from None


def register(sub) -> None:
    p = sub.add_parser("evaluation", help=_("periodens resultater som planens mål; --out skriver et regneark (leder)"))
    p.add_argument("--year", type=_year, metavar="YYYY", help=_("hele året, fx 2026"))
    p.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD", help=_("periodens første dag"))
    p.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD", help=_("periodens sidste dag"))
    p.add_argument("--out", metavar="FILE", help=_("skriv evalueringen som regneark (.xlsx, fem ark)"))
    p.add_argument("--force", action="store_true", help=_("overskriv en eksisterende fil"))
    p.set_defaults(handler=cmd_evaluation)


def cmd_evaluation(ctx) -> int:
    from models.evaluation import evaluation, range_period, year_period
    from models.permissions import require

    from ..cli import UsageError

    a = ctx.args
    if a.year is not None and (a.start or a.end):
        raise UsageError(_("brug enten --year eller --from og --to"))
    if a.year is None and not (a.start and a.end):
        raise UsageError(_("angiv perioden: --year ÅÅÅÅ eller --from ÅÅÅÅ-MM-DD --to ÅÅÅÅ-MM-DD"))
    require(ctx.actor, "evaluation")
    period = year_period(a.year) if a.year is not None else range_period(a.start, a.end)
    result = None
    if a.out:
        from exports.evaluation import export_evaluation

        result = export_evaluation(ctx.actor, period, a.out, force=a.force)
    for line in summary_lines(evaluation(period, districts_ledger=True)):
        ctx.out(line)
    if result is not None:
        ctx.out(_("Evalueringen er skrevet til {path}").format(path=result.path))
    return 0


def summary_lines(ev) -> list[str]:
    """The evaluation in words: the total, then one line per district."""
    from models.evaluation import FLAG_LABELS, FLAG_UCLA, FLAG_WHO5, THRESHOLD_LABELS, category_label
    from models.inputs import format_date, format_int, format_kroner, format_mean, format_share
    from models.results import MEASURES, measure_label

    p, t = ev.period, ev.total
    lines = [_("Evaluering {label} ({start} – {until})").format(
        label=p.label, start=format_date(p.start), until=format_date(p.until))]
    now = t.months[-1] if t.months else None
    lines.append(_("Deltagere: {n} i perioden; {joined} startet, {ended} afsluttet.").format(
        n=format_int(t.participants), joined=format_int(t.joined), ended=format_int(t.ended)))
    if now is not None:
        lines.append(_("  Ved periodens slutning: {a} aktive, {p} på pause, {w} på venteliste.").format(
            a=format_int(now.active), p=format_int(now.paused), w=format_int(now.waitlisted)))
    lines.append(_("Klip: {clips} brugt; jævnt tempo efter puljerne {pace} ({share} af tempoet).").format(
        clips=format_int(t.clips), pace=format_int(round(t.pace)),
        share=format_share(t.clips / t.pace if t.pace else None)))
    lines.append(_("  Borgernes egne idéer: {clips} klip, {share} af de valgte klip.").format(
        clips=format_int(t.own_idea_clips), share=format_share(t.own_idea_share)))
    for category, _registrations, clips in t.by_category():
        lines.append(f"  {category_label(category).lower()}: {format_int(clips)}")
    lines.append(_("Resultater (baseline mod seneste opfølgning; {n} borgere fulgt op):").format(
        n=format_int(t.followed_up)))
    for k in MEASURES:
        m = t.measures[k]
        lines.append(_("  {measure} ({threshold}): {before} → {now} ({change}); bedre {better}, uændret {same}, dårligere {worse} af {n}").format(  # noqa: E501
            measure=measure_label(k), threshold=THRESHOLD_LABELS[k], before=format_mean(m.before),
            now=format_mean(m.now), change=format_mean(m.change, signed=True), better=format_share(m.share("better")),
            same=format_share(m.share("same")), worse=format_share(m.share("worse")), n=format_int(m.count)))
    for flag in (FLAG_WHO5, FLAG_UCLA):
        f = t.flags[flag]
        lines.append(_("  {label}: {before} ved baseline, {now} nu (af {n})").format(
            label=FLAG_LABELS[flag], before=format_int(f.before), now=format_int(f.now), n=format_int(f.count)))
    reasons = ", ".join(f"{r} {format_int(n)}" for r, n in sorted(t.reasons.items(), key=lambda e: (-e[1], e[0])))
    lines.append(_("Afslutninger: {n}").format(n=format_int(t.reasons_total)) + (f" ({reasons})" if reasons else ""))
    o = ev.outing_totals.get(t.district)
    if o is None:
        lines.append(_("Fællesture: ingen afholdt i perioden."))
    else:
        lines.append(_("Fællesture: {held} afholdt, {seats} pladser, {taken} tilmeldt, {attended} deltog ({rate}), transport {transport}.").format(  # noqa: E501
            held=format_int(o.held), seats=format_int(o.seats), taken=format_int(o.taken),
            attended=format_int(o.attended), rate=format_share(o.attendance_rate),
            transport=format_kroner(o.transport_dkk)))
    lines.append(_("Pr. distrikt:"))
    for g in ev.districts:
        w = g.measures["who5"]
        lines.append(_("  {district}: {n} deltagere, {joined} startet, {ended} afsluttet, {clips} klip, egne idéer {own}, WHO-5 {change} ({n5} fulgt op)").format(  # noqa: E501
            district=g.district, n=format_int(g.participants), joined=format_int(g.joined),
            ended=format_int(g.ended), clips=format_int(g.clips), own=format_share(g.own_idea_share),
            change=format_mean(w.change, signed=True), n5=format_int(w.count)))
    return lines
