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
    p.add_argument("login", metavar="LOGIN", type=text("login", "Brugernavnet"))
    p.add_argument("--name", required=True, metavar="N", type=text("name", "Navnet"))
    p.add_argument("--role", required=True, choices=["terapeut", "leder", "admin"])
    p.add_argument("--district", metavar="D", type=text("district", "Distriktet"))
    p.set_defaults(handler=cmd_staff_add)


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
