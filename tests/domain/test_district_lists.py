"""Need-to-know for the lists (issue #12, item 6): a terapeut lists only their own districts'
waitlist, reassessments and results; a leder lists every district."""
from __future__ import annotations

import pytest

from models.base import DomainError
from models.entities import AccessLog, Citizen, District, Staff, StaffDistrict


def _terapeut(login: str, district: str) -> Staff:
    me = Staff.get(Staff.login == login)
    d = District.get(District.name == district)
    Staff.update(role="terapeut", district=d).where(Staff.id == me.id).execute()
    StaffDistrict.create(staff=me, district=d)
    return Staff.get_by_id(me.id)


def test_a_terapeut_lists_only_their_own_districts(demo, me):
    from models.admission import districts, waitlist
    from models.reassessment import participants
    from models.results import district_outcomes

    leder = Staff.get(Staff.login == me)
    every = {name for _id, name in districts(leder)}
    assert every == {"Hedensted", "Juelsminde", "Tørring"}
    all_due = participants(leder, None, only_due=False)
    assert {line.district for line in all_due} >= {"Hedensted", "Tørring"}

    tera = _terapeut(me, "Hedensted")
    hedensted = District.get(District.name == "Hedensted")
    torring = District.get(District.name == "Tørring")
    assert [name for _id, name in districts(tera)] == ["Hedensted"]
    before = AccessLog.select().count()
    for read in (lambda: waitlist(tera, torring.id), lambda: participants(tera, torring.id, only_due=False),
                 lambda: district_outcomes(tera, torring.id)):
        with pytest.raises(DomainError, match="Du arbejder ikke i distrikt Tørring") as refused:
            read()
        assert refused.value.field == "district"
    assert AccessLog.select().count() == before  # a refused list revealed nobody, so no read is logged
    own = participants(tera, None, only_due=False)
    assert own and {line.district for line in own} == {"Hedensted"}
    assert len(own) == Citizen.select().where((Citizen.district == hedensted)
                                              & Citizen.state.in_(["active", "paused"])).count()
    assert waitlist(tera, hedensted.id).entries is not None
    district_outcomes(tera, hedensted.id)


def test_cirkel_waitlist_as_a_terapeut_shows_only_their_district(demo, me, capsys, db_path):
    from cirkel_tui.cli import run
    from models.store import close_database

    _terapeut(me, "Hedensted")
    close_database()
    assert run(["--db", db_path, "waitlist"]) == 0
    shown = capsys.readouterr().out
    assert "Hedensted" in shown and "Tørring" not in shown and "Juelsminde" not in shown
    close_database()
    assert run(["--db", db_path, "waitlist", "--district", "Tørring"]) == 1
    assert "Du arbejder ikke i distrikt Tørring" in capsys.readouterr().err


def test_a_terapeut_sees_the_lists_of_their_own_and_municipality_wide_outings(demo, me):
    from models.entities import Event
    from models.events import event_signups, participant_list

    tera = _terapeut(me, "Hedensted")
    hedensted = District.get(District.name == "Hedensted")
    own = Event.select().where(Event.district == hedensted).first()
    other = Event.select().where(Event.district.is_null(False) & (Event.district != hedensted)).first()
    event_signups(tera, own.id)
    participant_list(tera, own.id)
    for read in (event_signups, participant_list):
        with pytest.raises(DomainError, match="Du arbejder ikke i distrikt"):
            read(tera, other.id)
    Event.update(district=None).where(Event.id == other.id).execute()  # the whole municipality's outing
    event_signups(tera, other.id)
