"""The one module for reading what a user typed and showing figures back (issue #11, item 3).

Used by the TUI, the CLI and the import alike, so a date, an amount, a whole
number or a text is accepted or refused the same way everywhere. Every parser
raises :class:`DomainError` with a Danish message and the ``field`` it belongs
to; nothing here imports Textual.

Rules:

* **Dates**: ``dd-mm-yyyy`` (also with ``.`` or ``/``), ``yyyy-mm-dd`` (ISO),
  and ``d-m-yy`` with a two-digit year, read as 2000–2099 when that is not
  more than 10 years ahead of today, else 1900–1999 (so ``20-11-26`` is
  2026 and ``03-04-45`` is 1945 — never the year 26). Years outside
  1900–2100 are refused.
* **Kroner**: Danish writing — ``.`` or space groups thousands, ``,`` is the
  decimal comma (``1.225.000``, ``1225000``, ``1225000,50``, ``1 850 kr``);
  at most two decimals; an optional ``kr``/``DKK``. A decimal point (``187.5``)
  is refused, not guessed: in Danish a dot groups thousands.
* **Whole numbers**: ASCII digits only (no ``¹⁰``, no ``1e309``), within a
  stated range.
* **Text**: stripped; control characters (also DEL and zero-width ones) are
  refused, not silently removed; a maximum length per kind of field.
"""
from __future__ import annotations

import datetime as _dt
import decimal
import re
import unicodedata

from .base import DomainError, today
from .i18n import _

# One set of field limits (characters), used by every form, command and the import.
LIMITS = {
    "name": 100,  # a citizen's or staff member's name
    "login": 32,
    "address": 200,
    "phone": 30,
    "district": 60,
    "activity": 120,
    "reason": 500,
    "note": 1000,
    "title": 120,
    "text": 255,
}

MIN_YEAR, MAX_YEAR = 1900, 2100
TWO_DIGIT_YEAR_AHEAD = 10  # d-m-yy: 20yy when at most this many years ahead, else 19yy

_DATE_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


def _century(two_digits: int) -> int:
    this_year = today().year
    candidate = 2000 + two_digits
    return candidate if candidate <= this_year + TWO_DIGIT_YEAR_AHEAD else 1900 + two_digits


def parse_date(value, field: str = "date", *, default_today: bool = False) -> _dt.date:
    """A date typed by a user (see the module's rules); ``None``/empty is today only if allowed."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    raw = "" if value is None else str(value).strip()
    if not raw:
        if default_today:
            return today()
        raise DomainError(_("Skriv en dato (DD-MM-ÅÅÅÅ)."), field=field)
    match = _DATE_ISO.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DATE_DMY.match(raw)
        if not match:
            raise DomainError(_("Ugyldig dato '{raw}'; skriv DD-MM-ÅÅÅÅ.").format(raw=_shown(raw)), field=field)
        day, month = int(match.group(1)), int(match.group(2))
        year_text = match.group(3)
        year = _century(int(year_text)) if len(year_text) == 2 else int(year_text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(_("Ugyldig dato '{raw}': året skal ligge mellem {MIN_YEAR} og {MAX_YEAR}.").format(raw=_shown(raw), MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field=field)
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise DomainError(_("Datoen '{raw}' findes ikke.").format(raw=_shown(raw)), field=field) from None


def format_date(value: _dt.date | _dt.datetime | None) -> str:
    """dd-mm-yyyy, the users' way; empty for no date."""
    if value is None:
        return ""
    return value.strftime("%d-%m-%Y")


def format_datetime(value: _dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d-%m-%Y %H:%M")


def parse_whole(value, field: str, *, minimum: int = 0, maximum: int = 1_000_000_000,
                label: str | None = None, message: str | None = None) -> int:
    """A whole number of ASCII digits within [minimum, maximum] (``message``: one refusal for every case)."""
    label = label or _("Tallet")
    if isinstance(value, bool):
        raise DomainError(message or _("{label} skal være et helt tal.").format(label=label), field=field)
    if isinstance(value, int):
        number = value
    else:
        raw = "" if value is None else str(value).strip().replace(".", "").replace(" ", "")
        negative = raw.startswith("-")
        digits = raw[1:] if negative else raw
        if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 18:
            raise DomainError(message or _("{label} skal være et helt tal (fik '{value}').").format(
                label=label, value=_shown(str(value))), field=field)
        number = -int(digits) if negative else int(digits)
    if not minimum <= number <= maximum:
        raise DomainError(message or _("{label} skal være mellem {minimum} og {maximum}.").format(
            label=label, minimum=format_int(minimum), maximum=format_int(maximum)), field=field)
    return number


_KRONER = re.compile(r"^-?([1-9]\d{0,2}([. ]\d{3})+|\d+)(,\d+)?$")  # 0.001: no thousands group


def parse_kroner(value, field: str, *, label: str | None = None, minimum: decimal.Decimal | int = 0,
                 maximum: decimal.Decimal | int = 1_000_000_000) -> decimal.Decimal:
    """An amount in kroner, Danish writing (see the module's rules), as a Decimal with 2 places."""
    label = label or _("Beløbet")
    if isinstance(value, decimal.Decimal):
        amount = value
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = decimal.Decimal(value)
    else:
        raw = "" if value is None else str(value).strip().replace("\u00a0", " ")
        raw = re.sub(r"\s*(kr\.?|dkk)$", "", raw, flags=re.IGNORECASE).strip()
        if not raw:
            raise DomainError(_("Skriv {lower} i kroner.").format(lower=label.lower()), field=field)
        if raw.isascii() and _KRONER.match(raw):
            amount = decimal.Decimal(raw.replace(".", "").replace(" ", "").replace(",", "."))
        else:
            raise DomainError(_("{label} skal være et beløb i kroner, fx 1.225.000 eller 1225000,50 (fik '{value}').").format(label=label, value=_shown(str(value))), field=field)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if not amount.is_finite():
        raise DomainError(_("{label} skal være et beløb i kroner med højst to decimaler (øre).").format(label=label), field=field)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if not decimal.Decimal(minimum) <= amount <= decimal.Decimal(maximum):  # first: a huge figure cannot quantize
        raise DomainError(_("{label} skal være mellem {minimum} og {maximum}.").format(label=label, minimum=format_kroner(minimum), maximum=format_kroner(maximum)),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field=field)
    if amount != amount.quantize(decimal.Decimal("0.01")):
        raise DomainError(_("{label} skal være et beløb i kroner med højst to decimaler (øre).").format(label=label), field=field)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return amount.quantize(decimal.Decimal("0.01"))


def format_int(value: int | None) -> str:
    """Danish thousands: 1.225.000."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")


def format_count(n: int, one: str, many: str) -> str:
    """A count with its word in the singular or the plural: ``format_count(1, _("uge"), _("uger"))`` is
    "1 uge", with 3 "3 uger" (Danish and English both take the singular for exactly one). flows, issue #15."""
    return f"{format_int(n)} {one if n == 1 else many}"


def format_kroner(amount, *, unit: bool = True) -> str:
    """1.225.000 kr, or 1.225.000,50 kr when there are øre."""
    if amount is None:
        return ""
    amount = decimal.Decimal(amount)
    whole = int(amount)
    cents = abs(amount - whole) * 100
    text = format_int(whole)
    if amount < 0 and whole == 0:
        text = "-" + text
    if cents:
        text += f",{int(cents):02d}"
    return f"{text} kr" if unit else text


def clean_text(value, field: str, *, kind: str = "text", required: bool = True, label: str | None = None) -> str:
    """A text field: stripped, no control or zero-width characters, within the kind's limit.

    Returns "" for an empty optional field. Refuses (never silently alters)
    what it cannot accept, so the user sees why.
    """
    label = label or _("Feltet")
    raw = "" if value is None else str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in raw):  # undecodable bytes (surrogateescape)
        raise DomainError(_("{label} indeholder tegn, der ikke er gyldig tekst (UTF-8).").format(label=label), field=field)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    text = raw.strip()
    refuse_control(text, field, label=label)
    if not text:
        if required:
            raise DomainError(_("{label} mangler.").format(label=label), field=field)
        return ""
    limit = LIMITS[kind]
    if len(text) > limit:
        raise DomainError(_("{label} må højst være {limit} tegn (fik {text}).").format(label=label, limit=limit, text=format_int(len(text))), field=field)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return text


def refuse_control(text, field: str, *, label: str | None = None, allow: str = "") -> None:
    """The one control-character rule: no control, format, private-use or zero-width character
    (``allow``: the few a multi-line field may keep, e.g. ``"\n\t"``)."""
    label = label or _("Feltet")
    for ch in str(text or ""):
        if ch in allow:
            continue
        if ch in _ZERO_WIDTH or unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs"):
            raise DomainError(_("{label} indeholder et kontroltegn; skriv kun almindelig tekst.").format(label=label), field=field)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def _shown(raw: str, width: int = 30) -> str:
    """Echo a bad input safely: printable, and never a whole pasted page."""
    text = "".join(ch if ch.isprintable() else "?" for ch in raw)
    return text if len(text) <= width else text[:width] + "…"


# issue 19: shares and means as the evaluation shows them
def format_share(part: float | None) -> str:
    """A share 0–1 as whole per cent, Danish style: ``15 %``; ``–`` for none."""
    return "–" if part is None else f"{round(part * 100)} %"


def format_mean(value: float | None, *, signed: bool = False) -> str:
    """One decimal with a decimal comma (``39,5``; signed ``+14,9``); ``–`` for none."""
    if value is None:
        return "–"
    return (f"{value:+.1f}" if signed else f"{value:.1f}").replace(".", ",")


# slowscreens: a date column of a subquery or an aggregate, read back as a date
def date_of(value) -> _dt.date | None:
    """A date as the database gives it back outside a model field (SQLite: ISO text), or None."""
    if type(value) is str:  # SQLite's ISO text, the common case first (issue #17: thousands per list)
        return _dt.date.fromisoformat(value[:10])
    if value is None or isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])
