"""A match in the citizen picker is one line in both languages (the quick-punch dialog at 80 columns)."""
from __future__ import annotations

import pytest

from models.entities import STATE_ACTIVE, STATE_ELIGIBLE, STATE_ENDED, STATE_PAUSED, STATE_SCREENED, STATE_WAITLISTED
from models.i18n import current_language, set_language
from models.search import OTHER, CitizenMatch


def _match(state: str, card: int | None = None, left: int | None = None, agreement: int = 0,
           used_up: bool = False) -> CitizenMatch:
    return CitizenMatch(citizen_id=1, name="Margrethe Christiansen Østergaard", cpr_masked="010145-XXXX",
                        district="Juelsminde-Nord", state=state, card_number=card, clips_left=left,
                        agreement_left=agreement, used_up=used_up, group=OTHER)


MATCHES = [
    _match(STATE_ACTIVE, card=12345678, left=10),
    _match(STATE_ACTIVE, agreement=100),
    _match(STATE_ACTIVE, used_up=True),
    _match(STATE_ACTIVE),
    *(_match(state) for state in (STATE_SCREENED, STATE_ELIGIBLE, STATE_PAUSED, STATE_ENDED, STATE_WAITLISTED)),
]


@pytest.fixture
def language():
    before = current_language()
    yield set_language
    set_language(before)


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("width", [58, 70, 100])  # 58: the quick-punch dialog at 80 columns
def test_every_kind_of_match_fits_the_lists_width(language, lang, width):
    """Each tail (clips left, an agreement, used up, no card, a state) fits: wider, the list wrapped the
    line in two (English "not a participant" did at 80 columns)."""
    from screens.citizen_picker import match_prompt

    language(lang)
    for match in MATCHES:
        line = match_prompt(match, width).plain
        assert len(line) <= width, (lang, line)
