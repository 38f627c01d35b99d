"""The municipality's settings: one key/value table (``Setting``), read and written here only.

Each setting is declared once in :data:`SETTINGS` with its default, its parser
and who may change it, so the TUI, the CLI and the rules read the same value.
Issues add their settings to this table (e.g. ``retention.access_log_months``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .base import DomainError, audit, operation
from .entities import Setting
from .i18n import _
from .permissions import require_roles


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    parse: Callable[[str], Any]  # text (as stored or typed) -> value; raises DomainError
    label: str  # Danish, shown in forms and messages
    role: str = "leder"  # who may change it


SETTINGS: dict[str, SettingSpec] = {}


def declare(spec: SettingSpec) -> SettingSpec:
    """Register a setting (each module declares its own at import)."""
    SETTINGS[spec.key] = spec
    return spec


def get_setting(key: str) -> Any:
    spec = SETTINGS[key]
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return spec.default
    try:
        return spec.parse(row.value)
    except DomainError:
        return spec.default


@operation
def set_setting(actor, key: str, text: str) -> Any:
    """Change a setting (audited); the value is parsed and refused at the field when bad."""
    spec = SETTINGS.get(key)
    if spec is None:
        raise DomainError(_("Ukendt indstilling '{key}'.").format(key=key), field="key")
    require_roles(actor, (spec.role,))
    value = spec.parse(text)
    before = get_setting(key)
    Setting.insert(key=key, value=str(value)).on_conflict(  # an upsert on SQLite and PostgreSQL alike
        conflict_target=[Setting.key], update={Setting.value: str(value)}).execute()
    audit(actor, "setting.set", "setting", key, {"value": str(before)}, {"value": str(value)})
    return value
