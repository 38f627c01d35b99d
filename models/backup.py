"""A consistent copy of the whole database while others keep working."""
from __future__ import annotations

from pathlib import Path

from .base import DomainError, audit, db, operation
from .files import write_private
from .i18n import _
from .permissions import require
from .store import copy_database


@operation
def _record_backup(actor, dest: str) -> None:
    audit(actor, "backup", "database", None, None, {"file": dest})


def _online_copy(dest: Path) -> None:
    """The store's consistent copy into ``dest`` (an empty private file); SQLite's then checked (issue #10)."""
    from .store import integrity_problems, is_postgresql_database

    copy_database(dest)
    if is_postgresql_database(db.obj):  # a pg_dump archive: checking the server's pages is the DBA's
        return
    problems = integrity_problems(str(dest))
    if problems:  # the copy is page for page the source: the source is damaged
        raise DomainError(_("Databasen er beskadiget ({problems}); kopien er ikke gemt. Kør 'cirkel check' og gem den seneste hele kopi.").format(problems=problems[0]))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def backup_database(actor, dest: str, force: bool = False) -> str:
    """Write a consistent copy to ``dest`` (leder/admin), through :func:`models.files.write_private`.

    SQLite: the online backup (a database file); PostgreSQL: pg_dump's custom
    format (see :func:`models.store.copy_database`).

    An existing file is refused unless ``force``; a database (this one, or any
    backup of it) is never overwritten, and the target is never reached through
    a symlink.
    """
    require(actor, "backup")
    target = write_private(dest, _online_copy, force=force)
    _record_backup(actor, str(target))
    return str(target)


def check_database(actor) -> list[str]:
    """SQLite's integrity check of the open database (leder/admin): what it found, [] when whole."""
    from .permissions import require
    from .store import integrity_problems

    require(actor, "database.check")
    return integrity_problems()
