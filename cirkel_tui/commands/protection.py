"""Data protection (issue #12): ``cirkel log``, ``log sample``, ``log review``, ``retention``,
``insight`` and ``setting``."""
from __future__ import annotations

import argparse
import datetime as _dt

from models.i18n import _

PAGE = 500  # rows fetched per database round trip when printing a log


def user_date(text: str) -> _dt.date:
    from models.base import DomainError
    from models.inputs import parse_date

    try:
        return parse_date(text)
    except DomainError as err:
        raise argparse.ArgumentTypeError(err.message) from None


def register(sub) -> None:
    p = sub.add_parser("log", help=_("læs adgangsloggen (eller revisionsloggen med --audit); nyeste først"))
    p.add_argument("--citizen", metavar="CPR", help=_("kun opslag om denne borger (CPR vises fuldt)"))
    p.add_argument("--staff", metavar="LOGIN", help=_("kun denne medarbejders opslag"))
    p.add_argument("--since", type=user_date, metavar="YYYY-MM-DD", help=_("fra og med denne dag"))
    p.add_argument("--until", type=user_date, metavar="YYYY-MM-DD", help=_("til og med denne dag"))
    p.add_argument("--action", metavar="A", help=_("kun denne handling (fx open_citizen, search, export)"))
    p.add_argument("--audit", action="store_true", help=_("revisionsloggen (alle ændringer) i stedet"))
    p.add_argument("--limit", type=int, metavar="N", help=_("højst N linjer"))
    p.set_defaults(handler=cmd_log)
    lsub = p.add_subparsers(dest="log_command", metavar="ACTION", parser_class=type(p))
    s = lsub.add_parser("sample", help=_("træk en tilfældig stikprøve af adgangsloggen til opfølgning"))
    s.add_argument("--n", type=int, default=20, metavar="N", help=_("antal opslag (standard 20)"))
    s.add_argument("--days", type=int, default=30, metavar="D", help=_("fra de sidste D dage (standard 30)"))
    s.set_defaults(handler=cmd_log_sample)
    r = lsub.add_parser("review", help=_("markér en linje i en stikprøve: ok eller følges op"))
    r.add_argument("line", type=int, metavar="LINE", help=_("linjens nummer (fra cirkel log sample)"))
    r.add_argument("verdict", choices=["ok", "follow-up"], help=_("ok, eller follow-up (følges op)"))
    r.add_argument("--note", default="", metavar="TEXT", help=_("note (skal med ved follow-up)"))
    r.set_defaults(handler=cmd_log_review)

    p = sub.add_parser("retention", help=_("slet gammel adgangslog og borgere efter slettefristen (tørkørsel)"))
    p.add_argument("--apply", action="store_true", help=_("slet for alvor (leder/admin)"))
    p.set_defaults(handler=cmd_retention)

    p = sub.add_parser("insight", help=_("indsigt (GDPR art. 15): alt om en borger i én .xlsx-fil"))
    p.add_argument("cpr", metavar="CPR")
    p.add_argument("--out", metavar="FILE",
                   help=_("filnavn, eller - for standard output (standard: indsigt-DATO.xlsx)"))
    p.add_argument("--with-staff", action="store_true", help=_("medarbejdernes navne i adgangsloggen"))
    p.add_argument("--force", action="store_true", help=_("overskriv en eksisterende fil"))
    p.set_defaults(handler=cmd_insight)

    p = sub.add_parser("setting", help=_("vis indstillingerne, eller sæt én (leder)"))
    p.add_argument("key", nargs="?", metavar="KEY")
    p.add_argument("value", nargs="?", metavar="VALUE")
    p.set_defaults(handler=cmd_setting)


def _stamp(value) -> str:
    from models.inputs import format_datetime

    return format_datetime(value)


def cmd_log(ctx) -> int:
    from models.logs import LogFilter, access_page, audit_page, describe_json

    a = ctx.args
    flt = LogFilter(citizen=a.citizen, staff=a.staff, since=a.since, until=a.until, action=a.action)
    left = a.limit if a.limit is not None else None
    if left is not None and left < 1:
        from cirkel_tui.cli import UsageError

        raise UsageError(_("--limit skal være mindst 1."))
    before = None
    shown = 0
    while left is None or left > 0:
        size = PAGE if left is None else min(PAGE, left)
        if a.audit:
            page = audit_page(ctx.actor, flt, limit=size, before_id=before)
            for e in page:
                who = f"{e.login} ({e.staff_name})" if e.login else _("(system)")
                change = describe_json(e.after) or describe_json(e.before)
                ctx.out(f"{_stamp(e.at)}  {who}  {e.operation}  {e.entity} {e.entity_id}  {change}".rstrip())
        else:
            page = access_page(ctx.actor, flt, limit=size, before_id=before)
            for e in page:
                who = f"{e.login} ({e.staff_name})" if e.login else _("(system)")
                whom = f"{e.cpr} {e.citizen_name}" if e.cpr else "-"
                ctx.out(f"{_stamp(e.at)}  {who}  {e.action}  {e.purpose}  {whom}  {e.criterion}".rstrip())
        shown += len(page)
        if left is not None:
            left -= len(page)
        if len(page) < size:
            break
        before = page[-1].id
    if not shown:
        ctx.out(_("Ingen linjer i loggen passer."))
    return 0


def _review_line(line) -> str:
    e = line.entry
    if e is None:
        what = _("(opslaget er slettet efter opbevaringsperioden)")
    else:
        whom = f"{e.cpr} {e.citizen_name}" if e.cpr else (e.criterion or "-")
        what = f"{_stamp(e.at)}  {e.login} ({e.staff_name})  {e.action}  {e.purpose}  {whom}"
    label = _("ok") if line.verdict == "ok" else _("følges op")
    mark = f"  [{label}{': ' + line.note if line.note else ''}]" if line.verdict else ""
    return f"{line.id:>6}  {what}{mark}"


def cmd_log_sample(ctx) -> int:
    from models.logs import draw_sample, sample_lines

    sample_id = draw_sample(ctx.actor, ctx.args.n, ctx.args.days)
    lines = sample_lines(ctx.actor, sample_id)
    ctx.out(_("Stikprøve {id}: {n} opslag fra de sidste {days} dage, valgt tilfældigt.").format(
        id=sample_id, n=len(lines), days=ctx.args.days))
    for line in lines:
        ctx.out(_review_line(line))
    ctx.out(_("Markér hver linje: cirkel log review LINJE ok|follow-up [--note TEKST] (eller i Logopfølgning)."))
    return 0


def cmd_log_review(ctx) -> int:
    from models.logs import mark_review

    verdict = "ok" if ctx.args.verdict == "ok" else "follow_up"
    mark_review(ctx.actor, ctx.args.line, verdict, ctx.args.note)
    ctx.out(_("Linje {line} markeret: {verdict}.").format(
        line=ctx.args.line, verdict=_("ok") if verdict == "ok" else _("følges op")))
    return 0


def cmd_retention(ctx) -> int:
    from models.inputs import format_date
    from models.retention import (
        access_log_cutoff,
        delete_citizens,
        deletion_candidates,
        deletion_cutoff,
        purge_access_log,
    )

    cutoff = access_log_cutoff()
    if ctx.args.apply:
        from models.permissions import require

        require(ctx.actor, "retention.apply")
        deleted = purge_access_log(ctx.actor, force=True)
        ctx.out(_("Adgangsloggen: {n} linjer fra før {day} slettet.").format(n=deleted, day=format_date(cutoff)))
        result = delete_citizens(ctx.actor)
        ctx.out(_("{n} borgere afsluttet før {day} er slettet.").format(
            n=result.citizens, day=format_date(deletion_cutoff())))
        kept = _("{cards} kort, {punches} klip og {agreements} aftaler er beholdt uden personen (tallene passer).")
        ctx.out(kept.format(cards=result.cards, punches=result.punches, agreements=result.agreements))
        return 0
    from models.entities import AccessLog

    old = AccessLog.select().where(AccessLog.at < cutoff).count()
    ctx.out(_("Adgangsloggen: {n} linjer fra før {day} slettes (det sker også automatisk én gang i døgnet).").format(
        n=old, day=format_date(cutoff)))
    candidates = deletion_candidates(ctx.actor)
    ctx.out(_("{n} borgere er afsluttet før {day} og slettes med --apply:").format(
        n=len(candidates), day=format_date(deletion_cutoff())))
    for c in candidates:
        ctx.out(f"  {c.cpr_masked}  {c.name}  {c.district}  {c.state_label} {format_date(c.since)}")
    return 0


def cmd_insight(ctx) -> int:
    from cirkel_tui.commands import file_written, shown_path
    from exports.insight import write_insight

    path = write_insight(ctx.actor, ctx.args.cpr, ctx.args.out, with_staff=ctx.args.with_staff,
                         force=ctx.args.force)
    file_written(ctx, _("Indsigt gemt: {path} (indeholder fuldt CPR-nummer; kun til borgeren).").format(
        path=shown_path(path)), path)
    return 0


def cmd_setting(ctx) -> int:
    import models.logs  # noqa: F401  (declares its settings)
    import models.retention  # noqa: F401
    from models.settings import SETTINGS, get_setting, set_setting

    a = ctx.args
    if a.key is None:
        for key in sorted(SETTINGS):
            ctx.out(f"{key} = {get_setting(key)}  ({SETTINGS[key].label})")
        return 0
    if a.value is None:
        if a.key not in SETTINGS:
            from models.base import DomainError

            raise DomainError(_("Ukendt indstilling '{key}'.").format(key=a.key))
        ctx.out(f"{a.key} = {get_setting(a.key)}")
        return 0
    value = set_setting(ctx.actor, a.key, a.value)
    ctx.out(_("{key} sat til {value}.").format(key=a.key, value=value))
    return 0
