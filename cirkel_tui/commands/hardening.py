"""``cirkel check``: SQLite's integrity check of the database (issue #10, item 10)."""
from __future__ import annotations

import sys

from models.i18n import _


def register(sub) -> None:
    p = sub.add_parser("check", help=_("kontrollér at databasen er hel (leder)"))
    p.set_defaults(handler=cmd_check)


def cmd_check(ctx) -> int:
    from models.backup import check_database

    problems = check_database(ctx.actor)
    if not problems:
        ctx.out(_("Databasen {path} er hel (SQLite integrity_check: ok).").format(path=ctx.db_path))
        return 0
    for line in problems:
        ctx.out(line)
    print(_("cirkel: databasen er beskadiget: {count} fejl fundet (vist ovenfor). Stop arbejdet i den, og læg den seneste hele kopi tilbage (cirkel backup laver kopier).").format(count=len(problems)),  # noqa: E501
          file=sys.stderr)
    return 1
