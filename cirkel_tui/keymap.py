"""The ``[keys]`` table: moving the global keys (issue #15, item 7).

Every App binding has a stable id (``goto-<destination>``, ``help``, ``quick-punch``, …: see
:func:`default_keys` and docs/keys.md). A ``[keys]`` table maps an id to a Textual key list::

    [keys]
    goto-overblik = "f4"          # o no longer opens Overblik
    quick-punch-letter = "plus"   # + instead of k for the quick punch

It is read from ``/etc/cirkel.toml`` (the municipality's keys, for everybody) and then from the
user's own ``~/.config/cirkel/cirkel.toml`` (``$XDG_CONFIG_HOME``), whose entries win; under the
shared service account only ``/etc/cirkel.toml`` counts (that account's home is everybody's).
The App hands the result to Textual's ``App.set_keymap``. A bad entry (an unknown id, a key
Textual does not know, a value that is not text) or an unreadable file is left out and told in
one Danish line at start; the binding keeps its own key. Nothing here ever stops Cirkel.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from textual.keys import REPLACED_KEYS, Keys, _normalize_key_list, key_to_character

from models.i18n import _

from . import config
from .navigation import DESTINATIONS, GLOBAL_ACTIONS

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = frozenset(k.value for k in Keys)


def _fkey(key: str) -> bool:
    return key.startswith("f") and key[1:].isdigit()


def default_keys() -> dict[str, str]:
    """Every App binding id and its own keys, in the registry's order (the help's order)."""
    keys: dict[str, str] = {}
    for dest in DESTINATIONS:
        keys[dest.binding_id] = dest.keys
    for action in GLOBAL_ACTIONS:
        if action.id == "quick_punch":
            # two bindings: the F-key works in a text field too; the letter is typed there instead
            parts = action.keys.split(",")
            keys[action.binding_id] = ",".join(k for k in parts if _fkey(k))
            keys[f"{action.binding_id}-letter"] = ",".join(k for k in parts if not _fkey(k))
        else:
            keys[action.binding_id] = action.keys
    keys.update(TABLE_EDGE_KEYS)
    return keys


# flows (issue #15): Home/End to the first/last row of any table (the App's bindings, remappable too)
TABLE_EDGE_KEYS = {"table-home": "home", "table-end": "end"}


def valid_key(key: str) -> bool:
    """A key Textual can bind: modifiers, then one character or one of Textual's key names."""
    *mods, base = key.split("+")  # normalised: "+" is "plus", "?" is "question_mark"
    if any(m not in MODIFIERS for m in mods) or not base:
        return False
    return len(base) == 1 and base.isprintable() or base in NAMED_KEYS or base in REPLACED_KEYS or (
        base.isascii() and len(key_to_character(base) or "") == 1)


def normalise(key: str) -> str:
    """Textual's spelling of one key: "F9" is f9 and "Ctrl+K" ctrl+k (a single letter alone keeps its
    case: "M" is Shift+m), "?" is question_mark."""
    *mods, base = key.strip().split("+") if key.strip() != "+" else ["+"]
    base = base if len(base) <= 1 and not mods else base.lower()
    return "+".join([m.lower() for m in mods] + [_normalize_key_list(base) if base else base])


def user_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(config.APP_NAME, appauthor=False)) / "cirkel.toml"


def _read(path: Path) -> tuple[dict, str | None]:
    if not path.exists():
        return {}, None
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh), None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {}, _("Kan ikke læse {path} ({error}); tasterne er de sædvanlige.").format(path=path, error=exc)


def parse_keys(table, path: Path, known: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The valid entries of one ``[keys]`` table, and one Danish line per bad entry."""
    if not isinstance(table, dict):
        return {}, [_("[keys] i {path} skal være en tabel af id = tast; den bruges ikke.").format(path=path)]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, value in table.items():
        if binding_id not in known:
            problems.append(_("Ukendt id '{id}' i [keys] i {path}; se docs/keys.md for listen.").format(
                id=binding_id, path=path))
            continue
        keys = [k.strip() for k in value.split(",")] if isinstance(value, str) else []
        keys = [normalise(k) for k in keys] if all(keys) else []
        bad = [k for k in keys if not valid_key(k)]
        if not keys or bad:
            problems.append(_("'{value}' for {id} i [keys] i {path} er ikke en tast; {id} beholder {default}.").format(
                value=value if isinstance(value, str) else repr(value), id=binding_id, path=path,
                default=known[binding_id]))
            continue
        keymap[binding_id] = ",".join(keys)
    return keymap, problems


def clashes(keymap: dict[str, str], known: dict[str, str]) -> list[str]:
    """One line per key that two App bindings now share (the moved one wins; the other loses it)."""
    owner: dict[str, str] = {}
    lines = []
    for binding_id, default in known.items():
        for key in keymap.get(binding_id, default).split(","):
            other = owner.setdefault(key, binding_id)
            if other != binding_id:
                moved = binding_id if binding_id in keymap else other
                lost = other if moved == binding_id else binding_id
                lines.append(_("Tasten {key} er flyttet til {moved} i [keys]; {lost} har den ikke længere.").format(
                    key=key, moved=moved, lost=lost))
    return lines


def load_keymap(system: Path | None = None, user: Path | None = None,
                include_user: bool = True) -> tuple[dict[str, str], list[str]]:
    """The keymap from the system config, then the user's; and the lines to tell at start."""
    known = default_keys()
    keymap: dict[str, str] = {}
    problems: list[str] = []
    paths = [system or config.SYSTEM_CONFIG]
    if include_user:
        paths.append(user or user_config_path())
    for path in paths:
        data, problem = _read(path)
        if problem:
            problems.append(problem)
        if "keys" in data:
            entries, bad = parse_keys(data["keys"], path, known)
            keymap.update(entries)
            problems.extend(bad)
    return keymap, problems + clashes(keymap, known)
