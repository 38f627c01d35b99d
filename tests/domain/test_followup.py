"""Follow-up on use (issue #13, item 6): idle cards, long-open cards, no contact since the last
reassessment, and per district the share of the year's clips used against the share of the year gone.
Today is 20-11-2026 (frozen): six weeks back is 09-10-2026, four months back 20-07-2026."""
from __future__ import annotations

import datetime as dt

import pytest

from models.admission import pause
from models.base import DomainError
from models.cards import issue_card, punch, reverse_punch
from models.dashboard import dashboard
from models.entities import AccessLog, Budget, District, Pool, Staff
from models.events import sign_up
from models.followup import DistrictUse, count_idle_cards, followup, months_back, year_share
from models.reassessment import reassess
from models.settings import set_setting
from tests.domain.test_events import _event, _person
from tests.domain.test_events import town as town_fixture

D = dt.date
FOLLOWUP = dict(network_size=4, who5="33333", ucla="211")
town = town_fixture  # Hedensted with a pool of 1000 clips for 2026 (a fixture)


@pytest.fixture
def cards(admin, town):
    """Named participants, each with one open card (issued 05-01-2026 unless said)."""
    made = {}
    made["busy"] = _person(admin, town, 1, "Aktiv Anna")
    punch(admin, made["busy"], 1, "Kaffe", on=D(2026, 11, 10))
    made["quiet"] = _person(admin, town, 2, "Stille Svend")
    punch(admin, made["quiet"], 2, "Frisør", on=D(2026, 8, 15))
    made["fresh"] = _person(admin, town, 3, "Ny Nanna", card=False)
    issue_card(admin, made["fresh"], on=D(2026, 11, 1))
    made["unused"] = _person(admin, town, 4, "Ubrugt Ulla", card=False)
    issue_card(admin, made["unused"], on=D(2026, 9, 1))
    made["reversed"] = _person(admin, town, 5, "Rettet Rasmus")
    punch(admin, made["reversed"], 1, "Banko", on=D(2026, 8, 1))
    wrong = punch(admin, made["reversed"], 1, "Banko", on=D(2026, 8, 2))
    reverse_punch(admin, wrong.punch.id, "forkert borger")  # dated today, but not a clip
    made["paused"] = _person(admin, town, 6, "Pause Poul")
    pause(admin, made["paused"], "indlagt")
    return made


def _names(lines):
    return [line.name for line in lines]


def test_idle_cards_are_open_cards_without_a_clip_for_n_weeks_longest_quiet_first(admin, cards, frozen_day):
    result = followup(admin)
    assert result.weeks == 6
    # Rasmus quiet since 01-08 (a reversal is not a clip), Svend since 15-08, Ulla's card unused since 01-09;
    # not Anna (a clip on 10-11), not Nanna (card from 01-11), not Poul (paused).
    assert _names(result.idle) == ["Rettet Rasmus", "Stille Svend", "Ubrugt Ulla"]
    assert [line.quiet_since for line in result.idle] == [D(2026, 8, 1), D(2026, 8, 15), D(2026, 9, 1)]
    assert result.idle[2].last_punch is None and result.idle[2].used == 0
    assert result.idle_total == 3 == count_idle_cards()
    assert _names(followup(admin, weeks=12).idle) == ["Rettet Rasmus", "Stille Svend"]  # cutoff 28-08
    # a week (cutoff 13-11): Anna's last clip of 10-11 and Nanna's unused card of 01-11 too
    assert _names(followup(admin, weeks=1).idle)[-2:] == ["Ny Nanna", "Aktiv Anna"]  # quiet since 01-11, 10-11


def test_the_weeks_are_a_setting_and_the_lists_have_a_limit(admin, cards):
    set_setting(admin, "followup.idle_weeks", "12")
    assert followup(admin).weeks == 12 and followup(admin).idle_total == 2
    with pytest.raises(DomainError) as err:
        set_setting(admin, "followup.idle_weeks", "0")
    assert err.value.field == "weeks"
    with pytest.raises(DomainError):
        followup(admin, weeks=53)
    limited = followup(admin, limit=1)
    assert len(limited.idle) == 1 and limited.idle_total == 2


def test_long_open_cards_are_open_longer_than_m_months(admin, cards, frozen_day):
    result = followup(admin)
    assert result.months == 4
    assert _names(result.long_open) == ["Aktiv Anna", "Stille Svend", "Rettet Rasmus"]  # issued 05-01
    set_setting(admin, "followup.open_months", "2")  # cutoff 20-09: Ulla's card of 01-09 too
    assert "Ubrugt Ulla" in _names(followup(admin).long_open)
    assert months_back(D(2026, 3, 31), 1) == D(2026, 2, 28)


def test_no_contact_since_the_last_reassessment(admin, town, frozen_day):
    people = [_person(admin, town, n, name) for n, name in
              enumerate(["Glemt Grete", "Klip Karl", "Tur Tove", "Nylig Niels"], start=10)]
    grete, karl, tove, niels = people
    for person in (grete, karl, tove):
        reassess(admin, person, decision="continue", on=D(2026, 8, 1), **FOLLOWUP)
    reassess(admin, niels, decision="continue", on=D(2026, 11, 1), **FOLLOWUP)  # too recent to follow up
    punch(admin, karl, 1, "Kaffe", on=D(2026, 9, 1))
    sign_up(admin, _event(admin, day="27-11-2026"), tove)
    result = followup(admin)
    assert [(line.name, line.reassessed_on) for line in result.no_contact] == [("Glemt Grete", D(2026, 8, 1))]
    assert result.no_contact_total == 1


def test_per_district_use_against_the_year_gone_marks_who_is_behind(admin, cards, frozen_day):
    from models.entities import Punch

    behind = DistrictUse(1, "A", 1000, 700, year_share(frozen_day), 0.8)  # 70 % used, 89 % of the year gone
    on_track = DistrictUse(2, "B", 1000, 720, year_share(frozen_day), 0.8)
    assert round(year_share(frozen_day), 3) == round(324 / 365, 3)
    assert behind.behind and not on_track.behind  # 0.8 × 0.888 = 0.710
    assert on_track.expected == round(1000 * 324 / 365)
    assert not DistrictUse(3, "C", 0, 0, 0.5, 0.8).behind  # no pool: nothing to be behind on

    district = District.create(name="Juelsminde", home_help_count=1)
    Pool.create(budget=Budget.get(), district=district, allocated=0)
    [hedensted, juelsminde] = followup(admin).districts
    assert (hedensted.district, hedensted.allocated) == ("Hedensted", 1000)
    assert hedensted.punched == sum(p.clips for p in Punch.select())
    assert hedensted.behind and not juelsminde.behind


def test_only_a_leader_and_the_read_is_logged(admin, cards, town):
    therapist = Staff.create(login="anne", name="Anne", role="terapeut", district=town)
    with pytest.raises(DomainError, match="Kun leder"):
        followup(therapist)
    followup(admin)
    log = AccessLog.select().order_by(AccessLog.id.desc()).first()
    assert (log.action, log.criterion) == ("list", "opfølgning (6 uger, 4 mdr.)")


def test_the_dashboard_counts_the_idle_cards(admin, cards):
    assert dashboard().idle_cards == 3
