"""A consistent copy of the whole database while others keep working."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .base import audit, db, operation
from .files import write_private
from .permissions import require


@operation
def _record_backup(actor, dest: str) -> None:
    audit(actor, "backup", "database", None, None, {"file": dest})


def _online_copy(dest: Path) -> None:
    """SQLite's online backup into ``dest`` (an empty private file); no journal beside it."""
    target = sqlite3.connect(str(dest))
    try:
        target.execute("PRAGMA journal_mode=OFF")
        db.obj.connection().backup(target, pages=1024, sleep=0.005)
    finally:
        target.close()


def backup_database(actor, dest: str, force: bool = False) -> str:
    """Write an online-backup copy to ``dest`` (leder/admin), through :func:`models.files.write_private`.

    An existing file is refused unless ``force``; a database (this one, or any
    backup of it) is never overwritten, and the target is never reached through
    a symlink.
    """
    require(actor, "backup")
    target = write_private(dest, _online_copy, force=force)
    _record_backup(actor, str(target))
    return str(target)
