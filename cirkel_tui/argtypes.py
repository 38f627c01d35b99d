"""Argument types for the CLI: every typed value goes through ``models.inputs`` (issue #10, item 6).

So a number, a date or a text is accepted or refused on the command line exactly
as in the TUI and the import, and a bad one is a usage error (exit 2) with one
Danish line naming the problem — never "uventet fejl".
"""
from __future__ import annotations

import argparse
from typing import Callable

from models.base import DomainError


def _wrap(parse: Callable[[str], object]) -> Callable[[str], object]:
    def convert(text: str):
        try:
            return parse(text)
        except DomainError as err:
            raise argparse.ArgumentTypeError(err.message) from None

    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


SANE = 1_000_000_000  # beyond this no count in Cirkel makes sense; the rule's own range is the domain's


def whole(label: str, minimum: int = -SANE, maximum: int = SANE) -> Callable[[str], int]:
    """A whole number of ASCII digits within [minimum, maximum] (the rule's narrower range: the operation's)."""
    from models.inputs import parse_whole

    return _wrap(lambda text: parse_whole(text, "number", minimum=minimum, maximum=maximum, label=label))


def text(kind: str, label: str, required: bool = False) -> Callable[[str], str]:
    """A text within the kind's limit of ``models.inputs.LIMITS``; no control characters, valid UTF-8.

    Empty passes (the operation says what is missing, as for the TUI).
    """
    from models.inputs import clean_text

    return _wrap(lambda value: clean_text(value, kind, kind=kind, label=label, required=required))
