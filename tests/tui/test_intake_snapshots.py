"""SVG snapshots of the screening form: empty at 80x24, filled in at 120x36."""
from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input, Select

from tests.intake_helpers import district_with_pool


@pytest.fixture
def one_district(admin, frozen_day):
    return district_with_pool(admin, capacity=2)


def test_screening_form_snapshot_80x24(one_district, make_app, snap_compare):
    async def open_form(pilot):
        await pilot.press("f6")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_form)


def test_screening_form_filled_snapshot(one_district, make_app, snap_compare):
    async def fill(pilot):
        app = pilot.app
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        screen = app.screen
        screen.query_one("#cpr", Input).value = "010145-1235"
        await app.workers.wait_for_complete()
        screen.query_one("#name", Input).value = "Karen Jensen"
        screen.query_one("#address", Input).value = "Østergade 4, 8722 Hedensted"
        screen.query_one("#district", Select).value = "Hedensted"
        for key in ("receives_home_help", "lives_alone", "limited_network"):
            screen.query_one(f"#{key}", Checkbox).value = True
        screen.query_one("#baseline-network", Input).value = "1"
        for i, v in enumerate([1, 1, 1, 2, 2]):
            screen.query_one(f"#baseline-who5-{i}", Select).value = v
        screen.query_one("#cpr", Input).focus()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=fill)
