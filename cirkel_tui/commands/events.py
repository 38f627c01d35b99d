"""``cirkel events list`` and ``cirkel events participants`` (the driver's list)."""
from __future__ import annotations

from models.i18n import _

from ..argtypes import whole
from . import file_written, shown_path


def register(sub) -> None:
    events = sub.add_parser("events", help=_("fællesture: oversigt og deltagerliste"))
    esub = events.add_subparsers(dest="events_command", metavar="ACTION", required=True)

    p = esub.add_parser("list", help=_("kommende fællesture (med --past også de tidligere)"))
    p.add_argument("--past", action="store_true", help=_("vis også afholdte og tidligere ture"))
    p.set_defaults(handler=cmd_list)

    p = esub.add_parser("participants", help=_("deltagerliste til chauffør og ledsager"))
    p.add_argument("event_id", type=whole(_("Turens nummer"), 1, 1_000_000_000), metavar="ID",
                   help=_("turens nummer (se: cirkel events list)"))
    p.add_argument("--out", metavar="PATH",
                   help=_("gem som .xlsx i denne mappe (eller fil); - skriver til standard output"))
    p.add_argument("--force", action="store_true", help=_("overskriv en eksisterende fil"))
    p.add_argument("--pdf", action="store_true", help=_("som PDF til udskrift (også når --out ender på .pdf)"))
    p.set_defaults(handler=cmd_participants)


def _line(row) -> str:
    status = {"planned": _("planlagt"), "held": _("afholdt"), "cancelled": _("aflyst")}.get(row.status, row.status)
    return (f"{row.id:>5}  {row.starts_at.strftime('%d-%m-%Y %H:%M')}  {row.title}  ·  {row.district}  ·  "
            f"{row.taken}/{row.seats}, " + _("venteliste {n}").format(n=row.waitlisted) + f"  ·  {status}")


def cmd_list(ctx) -> int:
    from models.events import events_overview

    overview = events_overview()
    ctx.out(_("Kommende fællesture:"))
    for row in overview.coming:
        ctx.out(_line(row))
    if not overview.coming:
        ctx.out("  " + _("ingen"))
    if ctx.args.past:
        ctx.out(_("Afholdte og tidligere:"))
        for row in overview.past:
            ctx.out(_line(row))
    return 0


def cmd_participants(ctx) -> int:
    from models.events import event_row, participant_list

    row = event_row(ctx.args.event_id)
    if ctx.args.pdf or (ctx.args.out or "").lower().endswith(".pdf"):  # issue 16: the list on paper
        from exports.pdf import write_participant_list_pdf

        path = write_participant_list_pdf(ctx.actor, row.id, ctx.args.out, force=ctx.args.force)
        file_written(ctx, _("Deltagerlisten er gemt: {path}").format(path=shown_path(path)), path)
        return 0
    if ctx.args.out:
        from exports.participant_list import write_participant_list

        path = write_participant_list(ctx.actor, row.id, ctx.args.out, force=ctx.args.force)
        file_written(ctx, _("Deltagerlisten er gemt: {path}").format(path=shown_path(path)), path)
        return 0
    ctx.out(f"{row.title} {row.starts_at.strftime('%d-%m-%Y %H:%M')} · {row.meeting_place}")
    for i, line in enumerate(participant_list(ctx.actor, row.id), start=1):
        ctx.out(f"{i:>3}  {line.name}  ·  {line.phone}  ·  {line.pickup}")
    return 0
