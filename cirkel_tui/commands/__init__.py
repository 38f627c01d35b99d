"""CLI subcommands, one module per capability; each has ``register(subparsers)``."""
from __future__ import annotations

import sys

from models.i18n import _


def shown_path(path) -> str:
    from models.files import STDOUT

    return _("standard output") if str(path) == STDOUT else str(path)


def file_written(ctx, line: str, path) -> None:
    """The closing line: on stderr when the file itself went to standard output; then how to fetch it."""
    from models.files import STDOUT, fetch_hint

    if str(path) == STDOUT:
        print(line, file=sys.stderr)
        return
    ctx.out(line)
    hint = fetch_hint(path)
    if hint:
        ctx.out(hint)

