"""R12 outcome instruments: WHO-5 well-being, UCLA-3 loneliness, network size."""
from __future__ import annotations

from .base import DomainError
from .i18n import _

WHO5_VERSION = "WHO-5 da 1998"
UCLA_VERSION = "T-ILS/UCLA-3 da SUSY"

WHO5_ITEMS = (
    "… har jeg været glad og i godt humør",
    "… har jeg følt mig rolig og afslappet",
    "… har jeg følt mig aktiv og energisk",
    "… er jeg vågnet frisk og udhvilet",
    "… har min dagligdag været fyldt med ting der interesserer mig",
)
WHO5_ANSWERS = ((5, "Hele tiden"), (4, "Det meste af tiden"), (3, "Lidt mere end halvdelen af tiden"),
                (2, "Lidt mindre end halvdelen af tiden"), (1, "Lidt af tiden"), (0, "På intet tidspunkt"))
UCLA_ITEMS = (
    "Hvor ofte føler du, at du savner nogen at være sammen med?",
    "Hvor ofte føler du dig udenfor?",
    "Hvor ofte føler du dig isoleret fra andre?",
)
UCLA_ANSWERS = ((1, "Sjældent eller aldrig"), (2, "En gang imellem"), (3, "Ofte"))



def who5_items() -> tuple[str, ...]:
    """WHO5_ITEMS in the user's language (the Danish wording is the one the citizen answers)."""
    return (_("… har jeg været glad og i godt humør"), _("… har jeg følt mig rolig og afslappet"),
            _("… har jeg følt mig aktiv og energisk"), _("… er jeg vågnet frisk og udhvilet"),
            _("… har min dagligdag været fyldt med ting der interesserer mig"))


def who5_answers() -> tuple[tuple[int, str], ...]:
    return ((5, _("Hele tiden")), (4, _("Det meste af tiden")), (3, _("Lidt mere end halvdelen af tiden")),
            (2, _("Lidt mindre end halvdelen af tiden")), (1, _("Lidt af tiden")), (0, _("På intet tidspunkt")))


def ucla_items() -> tuple[str, ...]:
    """UCLA_ITEMS in the user's language."""
    return (_("Hvor ofte føler du, at du savner nogen at være sammen med?"), _("Hvor ofte føler du dig udenfor?"),
            _("Hvor ofte føler du dig isoleret fra andre?"))


def ucla_answers() -> tuple[tuple[int, str], ...]:
    return ((1, _("Sjældent eller aldrig")), (2, _("En gang imellem")), (3, _("Ofte")))


WHO5_POOR_BELOW = 52  # below: poor well-being
WHO5_DEPRESSION_AT_OR_BELOW = 28  # at or below: flag for the therapist
UCLA_SEVERE_FROM = 7  # 7 or more: severe loneliness (national mark)


def _digits(answers, count: int, low: int, high: int, name: str) -> list[int]:
    values = [int(a) for a in answers]
    if len(values) != count or any(v < low or v > high for v in values):
        raise DomainError(_("{name} skal have {count} svar mellem {low} og {high}.").format(name=name, count=count, low=low, high=high))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return values


def who5_score(answers) -> int:
    """Sum of the five items (0–5 each) × 4: 0–100."""
    return sum(_digits(answers, 5, 0, 5, "WHO-5")) * 4


def ucla_score(answers) -> int:
    """Sum of the three items (1–3 each): 3–9."""
    return sum(_digits(answers, 3, 1, 3, "UCLA-3"))


def who5_flag(score: int) -> str | None:
    if score <= WHO5_DEPRESSION_AT_OR_BELOW:
        return _("Mulig depression (WHO-5 ≤ 28) — tal med borgeren og egen læge.")
    if score < WHO5_POOR_BELOW:
        return _("Lav trivsel (WHO-5 under 52).")
    return None


def ucla_flag(score: int) -> str | None:
    return _("Svær ensomhed (7 eller mere).") if score >= UCLA_SEVERE_FROM else None
