"""``cirkel followup [--weeks N]`` (issue #13, item 6) as a real process on a prepared database."""
from __future__ import annotations

import decimal

from models.cpr import masked
from models.entities import AccessLog, Budget, Card, District, Pool
from tests.domain.test_events import _person
from tests.helpers import run_cli


def test_followup_lists_the_idle_card_masked_and_marks_the_district_behind(admin, db_path):
    district = District.create(name="Hedensted", home_help_count=10)
    budget = Budget.create(year=2026, budget_dkk=decimal.Decimal(100000), price_per_clip_dkk=decimal.Decimal(100),
                           created_by=admin)
    Pool.create(budget=budget, district=district, allocated=1000)
    karen = _person(admin, district, 1, "Karen Jensen")  # a card from 05-01-2026, never punched
    number = Card.get(Card.citizen == karen).number
    done = run_cli("followup", db=db_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Stille kort (åbne, uden klip i 6 uger): 1" in out
    assert "Længe åbne kort (over 4 mdr.): 1" in out
    line = next(row for row in out.splitlines() if row.strip().startswith(str(number)))
    assert masked(karen.cpr) in line and "Karen Jensen" in line and "05-01-2026" in line
    assert karen.cpr not in out
    assert any(row.split()[:1] == ["Hedensted"] and row.endswith("bagud") for row in out.splitlines())
    assert AccessLog.select().where(AccessLog.criterion.startswith("opfølgning")).count() == 1

    assert "uden klip i 52 uger" in run_cli("followup", "--weeks", "52", db=db_path).stdout
    refused = run_cli("followup", "--weeks", "0", db=db_path)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "mellem 1 og 52" in refused.stderr
    assert run_cli("followup", "--weeks", "seks", db=db_path).returncode == 2
