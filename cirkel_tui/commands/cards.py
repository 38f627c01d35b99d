"""``cirkel card print|queue|handout|replace|history|scheme|phone``: the printed klippekort (issue #16)."""
from __future__ import annotations

from models.i18n import _

from . import file_written, shown_path


def register(sub) -> None:
    card = sub.add_parser("card", help=_("det trykte klippekort: udskriv, udlevér, erstat et mistet kort"))
    csub = card.add_subparsers(dest="card_command", metavar="ACTION", required=True)

    p = csub.add_parser("print", help=_("udskriv klippekort som PDF (A4, fire pr. ark, med stregkode)"))
    p.add_argument("cards", nargs="*", metavar="CARD", help=_("kortnumre"))
    p.add_argument("--pending", action="store_true", help=_("alle kort der venter på udskrivning"))
    p.add_argument("--out", metavar="FILE.pdf",
                   help=_("filen (eller mappen); standard: klippekort-<tid>.pdf her; - skriver til standard output"))
    p.add_argument("--force", action="store_true", help=_("overskriv en eksisterende fil"))
    p.set_defaults(handler=cmd_print)

    p = csub.add_parser("queue", help=_("kort der venter på udskrivning eller udlevering"))
    p.set_defaults(handler=cmd_queue)

    p = csub.add_parser("handout", help=_("markér udskrevne kort som udleveret til borgeren"))
    p.add_argument("cards", nargs="+", metavar="CARD", help=_("kortnumre"))
    p.set_defaults(handler=cmd_handout)

    p = csub.add_parser("replace", help=_("erstat et mistet kort: nyt nummer, samme klip tilbage; det gamle spærres"))
    p.add_argument("card", metavar="CARD", help=_("det mistede korts nummer"))
    p.add_argument("--reason", required=True, metavar="TEXT", help=_("hvorfor (fx mistet)"))
    p.set_defaults(handler=cmd_replace)

    p = csub.add_parser("history", help=_("en borgers kort og klip som PDF til borgeren (uden CPR-nummer)"))
    p.add_argument("citizen", metavar="CITIZEN", help=_("CPR-nummer eller kortnummer"))
    p.add_argument("--out", metavar="FILE.pdf",
                   help=_("filen (eller mappen); standard: historik-<tid>.pdf her; - skriver til standard output"))
    p.add_argument("--force", action="store_true", help=_("overskriv en eksisterende fil"))
    p.set_defaults(handler=cmd_history)

    p = csub.add_parser("scheme", help=_("ordningens navn øverst på kortet (leder)"))
    p.add_argument("name", nargs="?", metavar="TEXT", help=_("nyt navn; uden: vis det nuværende"))
    p.set_defaults(handler=cmd_scheme)

    p = csub.add_parser("phone", help=_("distriktets telefonnummer på kortet (leder)"))
    p.add_argument("district", metavar="DISTRICT")
    p.add_argument("phone", metavar="PHONE", help=_("telefonnummer; tom tekst fjerner det"))
    p.set_defaults(handler=cmd_phone)


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def cmd_print(ctx) -> int:
    from exports.pdf import print_cards

    from ..cli import UsageError

    a = ctx.args
    if a.pending == bool(a.cards):
        raise UsageError(_("angiv kortnumre eller --pending (ikke begge)"))
    result = print_cards(ctx.actor, a.cards, pending=a.pending, destination=a.out, force=a.force)
    file_written(ctx, _("{n} kort udskrevet på {pages} ark: {path}").format(
        n=len(result.numbers), pages=result.pages, path=shown_path(result.path)), result.path,
        _("Kort: {numbers}. Markér dem udleveret, når borgeren har fået dem: cirkel card handout KORT").format(
            numbers=_numbers(result.numbers)))
    return 0


def cmd_queue(ctx) -> int:
    from models.inputs import format_date
    from models.printing import print_queue

    lines = print_queue(ctx.actor)
    if not lines:
        ctx.out(_("Ingen kort venter på udskrivning eller udlevering."))
        return 0
    width = max(len(line.citizen_name) for line in lines)
    for line in lines:
        note = _("erstatter {card}").format(card=line.replaces) if line.replaces else ""
        ctx.out(f"{line.number:>7}  {line.citizen_name.ljust(width)}  {line.district:<14}  "
                f"{format_date(line.issued_on)}  {line.state_label:<15}  {note}".rstrip())
    return 0


def cmd_handout(ctx) -> int:
    from models.printing import hand_out

    cards = hand_out(ctx.actor, ctx.args.cards)
    ctx.out(_("Udleveret: {numbers}.").format(numbers=_numbers([c.number for c in cards])))
    return 0


def cmd_replace(ctx) -> int:
    from models.cards import card_by_number, replace_card

    old = card_by_number(ctx.args.card)
    new = replace_card(ctx.actor, old, ctx.args.reason)
    done = _("Kort {old} er spærret. Nyt kort {new} med {left} klip venter på udskrivning (cirkel card print {new}).")
    ctx.out(done.format(old=old.number, new=new.number, left=new.clips))
    return 0


def cmd_history(ctx) -> int:
    from exports.pdf import write_history_pdf
    from models.punching import resolve_citizen

    citizen, _card = resolve_citizen(ctx.args.citizen)
    path = write_history_pdf(ctx.actor, citizen.id, ctx.args.out, force=ctx.args.force)
    file_written(ctx, _("Historikken er gemt: {path}").format(path=shown_path(path)), path)
    return 0


def cmd_scheme(ctx) -> int:
    from models.printing import SCHEME_NAME
    from models.settings import get_setting, set_setting

    if ctx.args.name is None:
        ctx.out(get_setting(SCHEME_NAME.key))
        return 0
    value = set_setting(ctx.actor, SCHEME_NAME.key, ctx.args.name)
    ctx.out(_("Ordningens navn på kortet: {name}").format(name=value))
    return 0


def cmd_phone(ctx) -> int:
    from models.printing import set_district_phone

    district = set_district_phone(ctx.actor, ctx.args.district, ctx.args.phone)
    if district.phone:
        ctx.out(_("Distriktet {name}: tlf. {phone} på kortene.").format(name=district.name, phone=district.phone))
    else:
        ctx.out(_("Distriktet {name}: intet telefonnummer på kortene.").format(name=district.name))
    return 0
