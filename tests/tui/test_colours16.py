"""16 colours (issue #15, item 1): on TERM=xterm every text can be read and every field can be seen.

The app runs with Textual's colour system 'standard' (what TEXTUAL_COLOR_SYSTEM=standard and a
TERM of plain xterm give); the cells are read back as the terminal shows them (tests/tui/colours.py).
"""
from __future__ import annotations

import pytest
import textual.constants
from rich.color import Color as RichColor
from rich.style import Style
from textual.widgets import Input, Select

from cirkel_tui.app import DARK, LIGHT
from cirkel_tui.colours import DARK16, LIGHT16, Readable, contrast, readable_style, standard_number
from tests.tui.colours import NAMES, cells, palette_hex, svg_colours, unreadable
from tests.tui.conftest import tables_measured

from .test_snapshots import settle as dashboard_loaded


@pytest.fixture
def sixteen(monkeypatch):
    """The colour system of a 16-colour terminal (read by Textual when the App is made)."""
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")


def cell(app, text: str):
    """The first run of text on the screen that contains ``text``."""
    for found in cells(app):
        if text in found.text:
            return found
    raise AssertionError(f"{text!r} is not on the screen")


def readable(found) -> bool:
    return contrast(found.fg, found.bg) >= 3.0


def field_colours(widget) -> tuple[int, int]:
    """The standard colours of what is around a field and of the field itself."""
    around, own = widget.background_colors
    return standard_number(around.rich_color), standard_number(own.rich_color)


async def open_quick_punch(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await tables_measured(pilot)  # the dashboard's, drawn under the dialog
    await pilot.press("f2")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_screening(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.press("f6")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def in_light_theme(pilot) -> None:
    await pilot.press("ctrl+t")
    await pilot.pause()


async def test_a_16_colour_terminal_gets_the_16_colour_themes_and_ctrl_t_switches_them(demo, make_app, sixteen):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == DARK16.name
        await pilot.press("ctrl+t")
        assert app.theme == LIGHT16.name
        await pilot.press("ctrl+t")
        assert app.theme == DARK16.name


async def test_a_truecolour_terminal_keeps_the_truecolour_themes(demo, make_app, monkeypatch):
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == DARK.name
        await pilot.press("ctrl+t")
        assert app.theme == LIGHT.name
        assert not any(isinstance(f, Readable) for f in app.get_line_filters())


@pytest.mark.parametrize("light", [False, True], ids=["dark", "light"])
async def test_the_quick_punch_dialog_reads_in_16_colours(demo, make_app, sixteen, light):
    """The issue: the activity placeholder was grey on grey, and while the dialog was open the header
    title and every footer key hint were grey on grey (the dialog dimmed the screen below)."""
    for mended in (True, False):
        app = make_app()
        if not mended:
            app._readable.clear()  # the themes alone, without the filter that mends what screens colour themselves
        async with app.run_test(size=(120, 36)) as pilot:
            await dashboard_loaded(pilot)
            if light:
                await in_light_theme(pilot)
            await open_quick_punch(pilot)
            if mended:
                assert unreadable(app) == [], "\n".join(map(str, unreadable(app)))
            for text in ("fra kataloget eller borgerens egen idé", "1–10", "Overblik", "Hjælp", "f1",
                         "Registrér klip", "Annullér", "Borger", "Enter: næste felt"):
                found = cell(app, text)
                assert readable(found), f"{text!r}: {found}"
            for field in ("#qp-citizen", "#qp-clips", "#qp-activity", "#qp-date"):
                around, own = field_colours(app.screen.query_one(field, Input))
                assert around != own, f"{field} is drawn in {NAMES[own]} on {NAMES[around]}"


@pytest.mark.parametrize("light", [False, True], ids=["dark", "light"])
async def test_screening_shows_its_empty_fields_in_16_colours(demo, make_app, sixteen, light):
    """The issue: Screening's empty Navn/Adresse/Telefon looked like labels (no field to see)."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        if light:
            await in_light_theme(pilot)
        await open_screening(pilot)
        form = app.screen
        fields = [*form.query(Input), *(s.query_one("SelectCurrent") for s in form.query(Select))]
        assert len(fields) >= 8
        for field in fields:
            if not field.display or field.region.height == 0:
                continue
            around, own = field_colours(field)
            assert around != own, f"#{field.id or field.parent.id} is drawn in {NAMES[own]} on {NAMES[around]}"
        assert unreadable(app) == [], "\n".join(map(str, unreadable(app)))
        assert readable(cell(app, "MMÅÅ-XXXX"))  # the placeholder (its first letter under the cursor)


@pytest.mark.parametrize("light", [False, True], ids=["dark", "light"])
async def test_every_destination_reads_in_16_colours(demo, make_app, sixteen, light):
    from cirkel_tui.navigation import DESTINATIONS

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        if light:
            await in_light_theme(pilot)
        problems = []
        for dest in DESTINATIONS:
            app.action_goto(dest.id)
            await app.workers.wait_for_complete()
            await tables_measured(pilot)
            problems += [f"{dest.id}: {found}" for found in unreadable(app)]
        for keys in (("f1",), ("ctrl+p",)):
            app.action_goto("overblik")
            await pilot.press(*keys)
            await pilot.pause()
            problems += [f"{keys}: {found}" for found in unreadable(app)]
            await pilot.press("escape")
        assert problems == []


async def test_fields_are_visible_before_they_are_focused_in_truecolour_too(demo, make_app, monkeypatch):
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        for light in (False, True):
            if light:
                await in_light_theme(pilot)
            await open_screening(pilot)
            for field_id in ("#name", "#address", "#phone"):
                around, own = app.screen.query_one(field_id, Input).background_colors
                assert around.rgb != own.rgb, field_id


def test_the_filter_mends_what_cannot_be_read_and_keeps_what_can():
    grey, black, white, bright_white = (RichColor.parse(c) for c in ("#555555", "#000000", "#AAAAAA", "#FFFFFF"))

    def shown(style: Style, background=black) -> tuple[str, str]:
        mended = readable_style(style, background)
        return NAMES[standard_number(mended.color)], NAMES[standard_number(mended.bgcolor or background)]

    # grey on grey: a grey that can be read (the nearest in lightness)
    assert shown(Style(color=grey, bgcolor=grey)) == ("white", "bright black")
    # readable colours are kept
    assert shown(Style(color=white, bgcolor=black)) == ("white", "black")
    assert shown(Style(color=RichColor.parse("green"))) == ("green", "black")
    # green on white never becomes red (the colours say ok / not ok): it becomes blue
    assert shown(Style(color=RichColor.parse("green"), bgcolor=bright_white)) == ("blue", "bright white")
    # a reversed style: the text is drawn in the background colour, and that is what is mended
    mended = readable_style(Style(color=grey, bgcolor=grey, reverse=True), black)
    assert contrast(standard_number(mended.bgcolor), standard_number(mended.color)) >= 3.0


def _snap16(snap_compare, app, **kwargs):
    from tests.tui.colours import svg_in_16_colours

    svgs = []

    def export(title=None, simplify=True):
        svgs.append(svg_in_16_colours(app, title=title, simplify=simplify))
        return svgs[-1]

    app.export_screenshot = export
    result = snap_compare(app, **kwargs)
    # the snapshot is drawn in the 16 colours only (PuTTY's palette)
    assert svgs and svg_colours(svgs[-1]) <= palette_hex(), svg_colours(svgs[-1]) - palette_hex()
    return result


def test_dashboard_snapshot_16_colours(demo, make_app, sixteen, snap_compare):
    assert _snap16(snap_compare, make_app(), terminal_size=(80, 24), run_before=dashboard_loaded)


def test_quick_punch_dialog_snapshot_16_colours(demo, make_app, sixteen, snap_compare):
    async def open_dialog(pilot):
        await dashboard_loaded(pilot)
        await open_quick_punch(pilot)

    assert _snap16(snap_compare, make_app(), terminal_size=(80, 24), run_before=open_dialog)


def test_quick_punch_dialog_snapshot_16_colours_light(demo, make_app, sixteen, snap_compare):
    async def open_dialog(pilot):
        await dashboard_loaded(pilot)
        await in_light_theme(pilot)
        await open_quick_punch(pilot)

    assert _snap16(snap_compare, make_app(), terminal_size=(80, 24), run_before=open_dialog)


def test_screening_snapshot_16_colours(demo, make_app, sixteen, snap_compare):
    assert _snap16(snap_compare, make_app(), terminal_size=(80, 24), run_before=open_screening)
