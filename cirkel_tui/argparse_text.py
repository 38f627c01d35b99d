"""argparse's own words ("usage:", "show this help message and exit", "invalid choice", …) in
the user's language (issue #15, item 3).

argparse looks its strings up through the module-level names ``_`` and ``ngettext`` (bound from
gettext when argparse is imported, looked up each time a message is made, Python 3.11–3.13).
``install()`` points them at the Danish catalogue models/locale/da/LC_MESSAGES/argparse.po when
Cirkel speaks Danish, and leaves argparse's English as it is in English. The language is asked
at the moment a message is made, so a language chosen after the parser was built still holds.
tests/cli/test_languages.py checks the result in both languages.
"""
from __future__ import annotations

import argparse
from functools import lru_cache

from models.i18n import LOCALE_DIR, current_language, parse_po


@lru_cache(maxsize=1)
def _danish() -> dict[str, str]:
    return parse_po(LOCALE_DIR / "da" / "LC_MESSAGES" / "argparse.po")


def gettext(message: str) -> str:
    if message is None or current_language() != "da":
        return message
    return _danish().get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
