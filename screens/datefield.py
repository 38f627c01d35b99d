"""Reading a date typed by a user: dd-mm-yyyy (the users' way), also yyyy-mm-dd."""
from __future__ import annotations

import datetime as _dt

from models.i18n import _


def parse_user_date(text: str) -> _dt.date:
    """``20-11-2026``, ``20.11.2026``, ``20/11/2026`` or ``2026-11-20``; ValueError with a Danish message."""
    raw = (text or "").strip()
    for fmt in ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return _dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("Ugyldig dato '{text}'; skriv DD-MM-ÅÅÅÅ.").format(text=raw))
