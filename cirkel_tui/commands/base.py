"""``cirkel init``, ``cirkel demo`` and ``cirkel staff add``."""
from __future__ import annotations

import pwd

from models.i18n import _

from ..argtypes import text, whole
from . import file_written, shown_path


def register(sub) -> None:
    p = sub.add_parser("init", help=_("opret en ny database; du bliver administrator"))
    p.set_defaults(handler=cmd_init, needs_staff=False, creates_database=True)

    p = sub.add_parser("demo", help=_("fyld en tom database med realistiske demodata"))
    p.add_argument("--citizens", type=whole("--citizens", 1, 1_000_000), default=2000, metavar="N",
                   help=_("antal borgere (standard 2000)"))
    p.add_argument("--seed", type=whole("--seed", 0, 2**31 - 1), default=1, metavar="S",
                   help=_("startværdi; samme værdi giver samme data"))
    p.set_defaults(handler=cmd_demo, needs_staff=False, opens_database=False, demo_command=True)

    p = sub.add_parser("backup", help=_("tag en konsistent kopi af databasen, mens andre arbejder videre"))
    p.add_argument("dest", metavar="DEST", help=_("filen; - skriver kopien til standard output"))
    p.add_argument("--force", action="store_true", help=_("overskriv en eksisterende fil (aldrig en database)"))
    p.set_defaults(handler=cmd_backup)

    staff = sub.add_parser("staff", help=_("medarbejdere"))
    ssub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    p = ssub.add_parser("add", help=_("tilføj en medarbejder (admin)"))
    p.add_argument("login", metavar="LOGIN", type=text("login", _("Brugernavnet")))
    p.add_argument("--name", required=True, metavar="N", type=text("name", _("Navnet")))
    p.add_argument("--role", required=True, choices=["terapeut", "leder", "admin"])
    p.add_argument("--district", metavar="D", type=text("district", _("Distriktet")))
    p.set_defaults(handler=cmd_staff_add)
    # issue #12: staff management (and #20: language, colours)
    p = ssub.add_parser("list", help=_("vis medarbejderne (admin: alle, ellers dig selv)"))
    p.set_defaults(handler=cmd_staff_list)
    p = ssub.add_parser("set", help=_("ret en medarbejder (admin): navn, rolle, distrikter, sprog"))
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("--name", metavar="N")
    p.add_argument("--role", choices=["terapeut", "leder", "admin"])
    p.add_argument("--district", action="append", metavar="D",
                   help=_("et distrikt medarbejderen arbejder i (gentag for flere; erstatter de tidligere)"))
    p.add_argument("--no-district", action="store_true", help=_("fjern alle distrikter"))
    p.add_argument("--language", choices=["da", "en"], help=_("sproget Cirkel taler til medarbejderen"))
    p.add_argument("--colors", choices=["standard", "256", "truecolor", "auto"],
                   help=_("farvedybde i terminalen (auto: det terminalen siger)"))
    p.set_defaults(handler=cmd_staff_set)
    p = ssub.add_parser("deactivate", help=_("deaktivér en medarbejder (admin); historikken beholder navnet"))
    p.add_argument("login", metavar="LOGIN")
    p.set_defaults(handler=cmd_staff_deactivate)


def _full_name(login: str) -> str:
    try:
        gecos = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except KeyError:
        gecos = ""
    return gecos or login


def cmd_init(ctx) -> int:
    from models.staff import init_database

    staff = init_database(ctx.login, _full_name(ctx.login))
    ctx.out(_("Database oprettet: {path}").format(path=ctx.db_path))
    ctx.out(_("{login} er administrator.").format(login=staff.login))
    return 0


def cmd_demo(ctx) -> int:
    from models.base import DomainError
    from models.demo import fill_demo, open_demo_database

    if not 1 <= ctx.args.citizens <= 1_000_000:
        raise DomainError(_("--citizens skal være mellem 1 og 1.000.000."))
    if not ctx.args.demo:  # with --demo the run already opened (created) the demo database
        open_demo_database(ctx.db_path, ctx.login, fill=False)
    summary = fill_demo(ctx.login, citizens=ctx.args.citizens, seed=ctx.args.seed)
    ctx.out(_("Demodata oprettet: {summary}").format(summary=summary))
    return 0


def cmd_staff_add(ctx) -> int:
    from models.staff import add_staff

    a = ctx.args
    staff = add_staff(ctx.actor, a.login, a.name, a.role, a.district)
    ctx.out(_("{login} tilføjet som {role}.").format(login=staff.login, role=staff.role))
    return 0


def cmd_backup(ctx) -> int:
    from models.backup import backup_database

    dest = backup_database(ctx.actor, ctx.args.dest, force=ctx.args.force)
    file_written(ctx, _("Kopi gemt: {path}").format(path=shown_path(dest)), dest)
    return 0


# --- issue #12: staff management --------------------------------------------------------

def cmd_staff_list(ctx) -> int:
    from models.staff import staff_lines

    for line in staff_lines(ctx.actor):
        state = "" if line.active else _("deaktiveret")
        extras = " ".join(part for part in (line.language, line.color_system, state) if part)
        ctx.out(f"{line.login:<12} {line.name:<28} {line.role:<9} {', '.join(line.districts) or '-':<24} "
                f"{extras}".rstrip())
    return 0


def cmd_staff_set(ctx) -> int:
    from models.staff import set_staff

    a = ctx.args
    districts = [] if a.no_district else a.district
    staff = set_staff(ctx.actor, a.login, name=a.name, role=a.role, districts=districts, language=a.language,
                      color_system=a.colors)
    ctx.out(_("{login} opdateret.").format(login=staff.login))
    return 0


def cmd_staff_deactivate(ctx) -> int:
    from models.staff import deactivate_staff

    staff = deactivate_staff(ctx.actor, ctx.args.login)
    ctx.out(_("{name} ({login}) er deaktiveret; historikken beholder navnet.").format(
        name=staff.name, login=staff.login))
    return 0
