"""CLI subcommands, one module per capability; each has ``register(subparsers)``."""
from __future__ import annotations

import sys

from models.i18n import _


def shown_path(path) -> str:
    from models.files import STDOUT

    return _("standard output") if str(path) == STDOUT else str(path)


def file_written(ctx, line: str, path, *more: str) -> None:
    """The closing lines: on stderr when the file itself went to standard output; then how to fetch it."""
    from models.files import STDOUT, fetch_hint

    if str(path) == STDOUT:
        for text in (line, *more):
            print(text, file=sys.stderr)
        return
    for text in (line, *more):
        ctx.out(text)
    hint = fetch_hint(path)
    if hint:
        ctx.out(hint)

