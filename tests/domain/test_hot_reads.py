"""Issue #17: the punch's hot reads (``models.base.first_of``) make their instances without peewee's
per-query column resolution; they must be the very instances peewee makes."""
from __future__ import annotations

import datetime as dt

import pytest

from models.base import first_of
from models.cards import citizen_by_id, open_card
from models.entities import Card, Citizen
from models.punching import resolve_citizen
from tests.domain import test_punch_rules as rules

district, citizen, card = rules.district, rules.citizen, rules.card


def _same_as_peewees(made, model):
    expected = model.get_by_id(made.id)
    assert type(made) is model
    assert made.__data__ == expected.__data__  # every column, converted the same way (dates, booleans, keys)
    assert {k: type(v) for k, v in made.__data__.items()} == {k: type(v) for k, v in expected.__data__.items()}
    assert not made.is_dirty() and made._dirty == set()


def test_the_card_and_the_citizen_read_by_the_punch_are_peewees_instances(card):
    (Card.update(print_state="printed", printed_at=dt.datetime(2026, 1, 2, 9, 30), handed_out_on=dt.date(2026, 1, 3))
     .where(Card.id == card.id).execute())
    found_citizen, found_card = resolve_citizen(str(card.number))
    _same_as_peewees(found_card, Card)
    _same_as_peewees(found_citizen, Citizen)
    _same_as_peewees(open_card(found_citizen), Card)
    assert found_card.citizen.name == "Karen Jensen"  # a foreign key still leads to its row
    assert found_card.issued_on == card.issued_on and isinstance(found_card.issued_on, dt.date)


def test_an_instance_saves_only_what_was_changed(card):
    found = open_card(card.citizen_id)
    found.used = 4
    assert found.dirty_fields == [Card.used]
    found.save()
    assert Card.get_by_id(card.id).used == 4 and Card.get_by_id(card.id).number == card.number


def test_no_row_is_none_and_a_query_of_other_columns_goes_through_peewee(card):
    assert citizen_by_id(card.citizen_id + 999) is None
    numbers_only = first_of(Card, "test_number_only", lambda: Card.select(Card.id, Card.number)
                            .where(Card.id == 0).limit(1), card.id, 1)
    assert (numbers_only.id, numbers_only.number) == (card.id, card.number)
    assert first_of(Card, "test_number_only", None, card.id + 999, 1) is None


def test_a_terapeuts_districts_are_read_afresh_on_every_punch(admin, card):
    from models.access import NeedsReason
    from models.entities import District, Staff, StaffDistrict
    from models.punching import register_punch

    elsewhere = District.create(name="Tørring", home_help_count=5)
    anne = Staff.create(login="anne", name="Anne Sørensen", role="terapeut", district=elsewhere)
    with pytest.raises(NeedsReason):
        register_punch(anne, card.citizen_id, 1, "Kaffe", card_number=card.number)
    link = StaffDistrict.create(staff=anne, district=card.citizen.district_id)  # she now works there too
    assert register_punch(anne, card.citizen_id, 1, "Kaffe", card_number=card.number).left == 9
    link.delete_instance()
    with pytest.raises(NeedsReason):
        register_punch(anne, card.citizen_id, 1, "Kaffe", card_number=card.number)


# Another process changes the card and the citizen between two punches of this one (whose statements and
# row makers are built by then): this process reads the change, nothing it made is a copy of the data.
OTHER_PROCESS = """
import sys
from models.base import freeze_today, write_transaction
from models.cards import punch
from models.citizens import change_state
from models.entities import Citizen, Staff
from models.store import open_database
import datetime
open_database(sys.argv[1], migrate=False)
freeze_today(datetime.date.fromisoformat(sys.argv[2]))
admin = Staff.get(Staff.login == sys.argv[3])
person = Citizen.get_by_id(int(sys.argv[4]))
punch(admin, person, 8, "Udflugt")
with write_transaction():
    change_state(admin, person, "paused")
"""


def test_what_another_process_wrote_is_read_by_the_next_punch(db_path, admin, card, frozen_day):
    import subprocess
    import sys
    from pathlib import Path

    from models.base import DomainError
    from models.punching import register_punch

    assert register_punch(admin, card.citizen_id, 1, "Kaffe", card_number=card.number).left == 9
    citizen, found = resolve_citizen(str(card.number))
    assert found.used == 1 and citizen.state == "active"
    done = subprocess.run([sys.executable, "-c", OTHER_PROCESS, db_path, frozen_day.isoformat(), admin.login,
                           str(card.citizen_id)], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    citizen, found = resolve_citizen(str(card.number))
    assert found.used == 9 and citizen.state == "paused" and open_card(citizen).used == 9
    with pytest.raises(DomainError, match="på pause"):
        register_punch(admin, citizen, 1, "Kaffe", card_number=card.number)
    assert Card.get_by_id(card.id).used == 9
