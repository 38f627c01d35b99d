"""Words that occur in only one of Cirkel's two languages, built from the English catalogue.

Danish words: those of the msgids (the Danish source texts) that no English msgstr uses; English
words: those of the msgstrs that no msgid uses, and Textual's and argparse's own. Taken out: the
few words below that either language uses on purpose, and — from the Danish words — the words
stored in the database that is shown (names, streets, districts, activities, outing titles, the
access log's purposes: data stays as it was written, in either language). A screen in English that
shows a Danish-only word, or a Danish screen that shows an English-only word, speaks the other language.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from models.i18n import LOCALE_DIR, parse_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[sdr]|%[sdr]")
WORD = re.compile(r"[^\W\d_]{2,}(?:-[^\W\d_]+)*")  # "re-screening", "CPR-nummer": one word

# Textual's and argparse's own English (not in the catalogue: they must not show in Danish).
TEXTUAL_AND_ARGPARSE = {
    "commands", "maximize", "minimize", "dismiss", "menu", "palette", "matches", "screenshot",
    "usage", "positional", "arguments", "optional", "options", "required", "unrecognized", "expected",
    "invalid", "choice", "choose", "exit", "message", "quit", "application", "theme", "keys", "press",
}
# Shown in both languages on purpose.
BOTH = {
    "cirkel", "cpr", "who", "ucla", "excel", "xlsx", "pdf", "csv", "ctrl", "enter", "esc", "tab", "delete",
    "home", "end", "shift", "admin", "leder", "terapeut", "ok", "id", "uuid", "sqlite", "postgresql", "ssh",
    "kr", "xxxx", "ddmmyy-xxxx", "search", "da", "en", "dansk", "english", "sudo", "log", "demo", "mb", "acl", "utf",
    "pg_dump", "winscp", "scp", "fx", "nr", "tt", "mm", "del",  # del: Textual's name of the Delete key
    # the CLI's values and Excel's sheet names, shown as they are typed (a fixed contract)
    "klippekort", "klip", "puljer", "aftaler", "andet", "ledsagelse", "hjemme", "fællestur",
}


def words(text: str) -> set[str]:
    text = " ".join(part for part in text.split() if "/" not in part)  # file paths are not words
    return {w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", text))}


def stored_words(models: tuple[str, ...] | None = None) -> tuple[set[str], set[str]]:
    """The words of the open database's text columns (its data): (all of them, those written with a
    capital, i.e. names and places). ``models``: only these tables; else all but the audit
    snapshots, the settings and the access log (whose words count only where the log is shown)."""
    from peewee import CharField, TextField

    from models.entities import ALL_MODELS

    found: set[str] = set()
    names: set[str] = set()
    for model in ALL_MODELS:
        if (model.__name__ not in models) if models else model.__name__ in ("AuditLog", "Setting", "AccessLog"):
            continue
        for field in model._meta.sorted_fields:
            if isinstance(field, (CharField, TextField)):
                for (value,) in model.select(field).distinct().tuples():
                    if value:
                        found |= words(str(value))
                        names |= {w.lower() for w in WORD.findall(str(value)) if w[0].isupper()}
    return found, names


@lru_cache(maxsize=1)
def _catalogue_words() -> tuple[frozenset[str], frozenset[str]]:
    catalogue = parse_po(LOCALE_DIR / "en" / "LC_MESSAGES" / "cirkel.po")
    danish = set().union(*(words(m) for m in catalogue))
    english = set().union(*(words(m) for m in catalogue.values()))
    return frozenset(danish - english - BOTH), frozenset((english - danish - BOTH) | TEXTUAL_AND_ARGPARSE)


def word_lists(data: set[str] = frozenset(), names: set[str] = frozenset()) -> tuple[frozenset[str], frozenset[str]]:
    """(Danish-only words, English-only words); ``data``: the words of the data shown, ``names``: its names."""
    danish_only, english_only = _catalogue_words()
    return danish_only - data, english_only - names


def foreign(text: str, lang: str, data: set[str] = frozenset(), names: set[str] = frozenset()) -> list[str]:
    """The words of ``text`` that belong only to the other language."""
    danish_only, english_only = word_lists(data, names)
    other = danish_only if lang == "en" else english_only
    return sorted(words(text) & other)
