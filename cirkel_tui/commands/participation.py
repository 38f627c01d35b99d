"""``cirkel pause``, ``cirkel resume`` and ``cirkel end`` (issue #13, item 2).

The same operations as the Revurdering screen's p (pause/resume) and its
"Afslut deltagelsen": ``models.admission.pause``/``resume`` and
``models.reassessment.reassess(decision="end")``. CITIZEN is a CPR number
(with or without the dash) or a card number.
"""
from __future__ import annotations

from models.i18n import _


def register(sub) -> None:
    citizen_help = _("CPR-nummer (med eller uden bindestreg) eller kortnummer")
    p = sub.add_parser("pause", help=_("sæt en deltager på pause (indlagt, ferie); pladsen beholdes"))
    p.add_argument("citizen", metavar="CITIZEN", help=citizen_help)
    p.add_argument("--reason", default="", metavar="TEXT", help=_("hvorfor (fx indlagt, ferie); skal udfyldes"))
    p.add_argument("--until", metavar="DATE",
                   help=_("pausens sidste dag (DD-MM-ÅÅÅÅ); uden: alle kommende fællesture afmeldes"))
    p.set_defaults(handler=cmd_pause)

    p = sub.add_parser("resume", help=_("genoptag en deltager efter en pause"))
    p.add_argument("citizen", metavar="CITIZEN", help=citizen_help)
    p.set_defaults(handler=cmd_resume)

    p = sub.add_parser("end", help=_("afslut en deltagelse; kommende fællesture afmeldes og aftaler lukkes"))
    p.add_argument("citizen", metavar="CITIZEN", help=citizen_help)
    p.add_argument("--reason", required=True, metavar="TEXT",
                   help=_("årsag fra listen (fx flyttet, død); anden tekst gemmes som 'andet' med bemærkning"))
    p.set_defaults(handler=cmd_end)


def cmd_pause(ctx) -> int:
    from models.admission import pause
    from models.punching import resolve_citizen

    citizen, _card = resolve_citizen(ctx.args.citizen)
    ctx.out(pause(ctx.actor, citizen, ctx.args.reason, until=ctx.args.until).message)
    return 0


def cmd_resume(ctx) -> int:
    from models.admission import resume
    from models.punching import resolve_citizen

    citizen, _card = resolve_citizen(ctx.args.citizen)
    person = resume(ctx.actor, citizen)
    ctx.out(_("{name} er aktiv igen.").format(name=person.name))
    return 0


def cmd_end(ctx) -> int:
    from models.punching import resolve_citizen
    from models.reassessment import end_reason_for, reassess

    citizen, _card = resolve_citizen(ctx.args.citizen)
    reason, notes = end_reason_for(ctx.args.reason)
    ctx.out(reassess(ctx.actor, citizen, decision="end", end_reason=reason, notes=notes).message)
    return 0
