"""screens.widgets.ListOnDemand: a Select whose list is made when it first opens, otherwise Textual's Select."""
from __future__ import annotations

from textual.app import App
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

from screens.widgets import ListOnDemand

ANSWERS = [("0 Aldrig", 0), ("1 Sjældent", 1), ("2 Nogle gange", 2)]


class Form(App):
    def __init__(self) -> None:
        super().__init__()
        self.changes: list = []

    def compose(self):
        yield ListOnDemand(ANSWERS, prompt="Vælg svar", id="ours", compact=True)
        yield Select(ANSWERS, prompt="Vælg svar", id="textuals", compact=True)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.changes.append((event.select.id, event.value))


def _shown(select) -> str:
    return str(select.query_one(SelectCurrent).query_one("#label").render())


async def test_it_shows_and_tells_its_value_as_textuals_select_does_without_a_list():
    app = Form()
    async with app.run_test() as pilot:
        ours, textuals = app.query_one("#ours", Select), app.query_one("#textuals", Select)
        assert not ours.query(SelectOverlay) and textuals.query(SelectOverlay)  # no list made yet
        assert _shown(ours) == _shown(textuals) == "Vælg svar"
        for select in (ours, textuals):
            select.value = 2
        await pilot.pause()
        assert ours.value == textuals.value == 2
        assert _shown(ours) == _shown(textuals) == "2 Nogle gange"
        for select in (ours, textuals):
            select.clear()
        await pilot.pause()
        assert ours.is_blank() and _shown(ours) == _shown(textuals) == "Vælg svar"
        for select in (ours, textuals):
            select.set_options([("ja", "ja"), ("nej", "nej")])
            select.value = "nej"
        await pilot.pause()
        assert _shown(ours) == _shown(textuals) == "nej"
        ours_told = [value for who, value in app.changes if who == "ours"]
        assert ours_told == [value for who, value in app.changes if who == "textuals"]
        assert ours_told[-1] == "nej"
        assert not ours.query(SelectOverlay)


async def test_its_list_is_made_when_it_opens_and_picks_as_textuals_does():
    app = Form()
    async with app.run_test() as pilot:
        ours = app.query_one("#ours", Select)
        ours.value = 1
        ours.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        overlay = ours.query_one(SelectOverlay)
        assert ours.expanded and overlay.display and overlay.has_focus
        assert overlay.option_count == len(ANSWERS) + 1  # the blank line (the prompt) first, as Textual's
        assert overlay.highlighted == 2  # the value's line
        await pilot.press("down", "enter")
        await pilot.pause()
        assert ours.value == 2 and not ours.expanded and ours.has_focus
        assert _shown(ours) == "2 Nogle gange"
        assert ("ours", 2) in app.changes
        await pilot.press("enter")  # the second time: the same list
        await pilot.pause()
        assert ours.query_one(SelectOverlay) is overlay and ours.expanded
        await pilot.press("escape")
        await pilot.pause()
        assert not ours.expanded


async def test_a_click_opens_it_too():
    app = Form()
    async with app.run_test() as pilot:
        await pilot.click("#ours")
        await pilot.pause()
        ours = app.query_one("#ours", Select)
        assert ours.expanded and ours.query_one(SelectOverlay).display
