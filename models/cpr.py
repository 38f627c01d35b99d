"""CPR numbers: validated with python-stdnum, stored as ten digits, shown masked."""
from __future__ import annotations

import datetime as _dt

from .base import DomainError
from .i18n import _


def _stdnum():
    """python-stdnum's CPR module and its error, imported when a number is first checked: its import
    (with ssl and pydoc) is 5-9 ms of every start otherwise, and a start checks none (issue #17)."""
    from stdnum.dk import cpr
    from stdnum.exceptions import ValidationError

    return cpr, ValidationError


def normalise(text: str) -> str:
    """Validate a CPR number typed with or without the dash; return its ten digits.

    The date must be real and not in the future. The modulus-11 check is never
    applied: numbers without it have been issued since 2007.
    """
    raw = (text or "").strip()
    if not raw:
        raise DomainError(_("CPR-nummer mangler."), field="cpr")
    _cpr, ValidationError = _stdnum()
    compact = _cpr.compact(raw)
    if not compact.isdigit():
        raise DomainError(_("CPR-nummeret må kun indeholde cifre (DDMMÅÅ-XXXX)."), field="cpr")
    if len(compact) != 10:
        raise DomainError(_("CPR-nummeret skal have 10 cifre (DDMMÅÅ-XXXX)."), field="cpr")
    try:
        _cpr.validate(compact)
    except ValidationError:
        try:
            born = _cpr.get_birth_date(compact)
        except ValidationError:
            raise DomainError(_("CPR-nummeret indeholder ikke en gyldig dato."), field="cpr") from None
        if born > _dt.date.today():
            raise DomainError(_("CPR-nummerets fødselsdato ligger i fremtiden."), field="cpr") from None
        raise DomainError(_("CPR-nummeret er ugyldigt."), field="cpr") from None
    return compact


def looks_like_cpr(text: str) -> bool:
    compact = (text or "").replace("-", "").replace(" ", "")
    return len(compact) == 10 and compact.isdigit()


def birth_date(cpr: str) -> _dt.date:
    return _stdnum()[0].get_birth_date(cpr)


def formatted(cpr: str) -> str:
    return f"{cpr[:6]}-{cpr[6:]}"


def masked(cpr: str) -> str:
    """DDMMYY-XXXX: what lists show."""
    return f"{cpr[:6]}-XXXX"
