"""A consistent copy of the whole database while others keep working."""
from __future__ import annotations

from .base import audit, operation
from .files import write_private
from .staff import require_role
from .store import copy_database


@operation
def _record_backup(actor, dest: str) -> None:
    audit(actor, "backup", "database", None, None, {"file": dest})


def backup_database(actor, dest: str, force: bool = False) -> str:
    """Write a consistent copy to ``dest`` (leder/admin), through :func:`models.files.write_private`.

    SQLite: the online backup (a database file); PostgreSQL: pg_dump's custom
    format (see :func:`models.store.copy_database`).

    An existing file is refused unless ``force``; a database (this one, or any
    backup of it) is never overwritten, and the target is never reached through
    a symlink.
    """
    require_role(actor, "leder")
    target = write_private(dest, copy_database, force=force)
    _record_backup(actor, str(target))
    return str(target)
