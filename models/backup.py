"""A consistent copy of the whole database while others keep working."""
from __future__ import annotations

import os
from pathlib import Path

from .base import DomainError, audit, db, operation
from .staff import require_role


@operation
def _record_backup(actor, dest: str) -> None:
    audit(actor, "backup", "database", None, None, {"file": dest})


def backup_database(actor, dest: str) -> str:
    """Write an online-backup copy to ``dest`` (leder/admin); refuses to overwrite."""
    require_role(actor, "leder")
    target = Path(dest).expanduser()
    if target.is_dir():
        raise DomainError(f"{dest} er en mappe; angiv et filnavn.")
    if target.exists():
        raise DomainError(f"{dest} findes allerede; vælg et nyt filnavn.")
    if not target.parent.exists():
        raise DomainError(f"Mappen {target.parent} findes ikke.")
    from cirkel_tui.db import backup

    tmp = target.with_name(target.name + ".part")
    try:
        backup(db.obj, str(tmp))
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    _record_backup(actor, str(target))
    return str(target)
