"""UI text: Danish in the source, an English catalogue with ``CIRKEL_LANG=en``.

The catalogue is a plain gettext ``.po`` file read at start (no compiled
``.mo`` to keep in step); ``_()`` is a gettext translation's ``gettext``.
"""
from __future__ import annotations

import ast
import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "cirkel"


CONTEXT = "\x04"  # gettext's separator of msgctxt and msgid in a catalogue key


def parse_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (single-form entries; empty msgstr is skipped). An entry with a
    ``msgctxt`` is keyed ``context + CONTEXT + msgid``, as gettext does."""
    catalogue: dict[str, str] = {}
    msgctxt: list[str] | None = None
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush():
        if msgid is not None and msgstr is not None:
            key, value = "".join(msgid), "".join(msgstr)
            if msgctxt is not None:
                key = "".join(msgctxt) + CONTEXT + key
            if key and value:
                catalogue[key] = value

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgctxt "):
            flush()
            msgctxt, msgid, msgstr = [ast.literal_eval(line[8:])], None, None
            current = msgctxt
        elif line.startswith("msgid "):
            if msgstr is not None:  # a new entry without a context
                flush()
                msgctxt = None
            msgid, msgstr = [ast.literal_eval(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [ast.literal_eval(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
    flush()
    return catalogue


class POTranslations(gettext.NullTranslations):
    def __init__(self, catalogue: dict[str, str]):
        super().__init__()
        self._catalogue = catalogue

    def gettext(self, message: str) -> str:
        return self._catalogue.get(message, message)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalogue.get(context + CONTEXT + message, message)


def language() -> str:
    return (os.environ.get("CIRKEL_LANG") or "da").split(".")[0].split("_")[0].lower()


def translation(lang: str | None = None) -> gettext.NullTranslations:
    lang = lang or language()
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang != "da" and po.exists():
        return POTranslations(parse_po(po))
    return gettext.NullTranslations()


_translation = translation()
_language = language()


def _(message: str) -> str:
    return _translation.gettext(message)


def pgettext(context: str, message: str) -> str:
    """``_()`` for a word that means two things in Danish (e.g. "Tilbage": back / left), told apart by ``context``."""
    return _translation.pgettext(context, message)


def current_language() -> str:
    """The language ``_()`` speaks now ("da" or "en")."""
    return _language


def set_language(lang: str) -> None:
    """Switch the catalogue (used by tests and at start)."""
    global _translation, _language
    _translation = translation(lang)
    _language = (lang or "da").split(".")[0].split("_")[0].lower()
