"""The shared yes/no dialog: keys and buttons, and never only Esc."""
from __future__ import annotations

import pytest
from textual.app import App

from screens.dialogs import ConfirmDialog


class _Host(App):
    def __init__(self):
        super().__init__()
        self.answers = []

    def on_mount(self):
        self.push_screen(ConfirmDialog("Optag Karen?", "Første kort får nr. 1002", yes="Optag"), self.answers.append)


@pytest.mark.parametrize("keys,expected", [
    (["j"], True), (["y"], True), (["enter"], True),  # Enter presses the focused yes-button
    (["n"], False), (["escape"], False), (["f12"], False), (["tab", "enter"], False),
])
async def test_confirm_dialog_answers(keys, expected):
    app = _Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press(*keys)
        await pilot.pause()
        assert app.answers == [expected]
        assert not isinstance(app.screen, ConfirmDialog)


async def test_buttons_show_their_keys():
    from textual.widgets import Button

    app = _Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert labels == ["Optag (j)", "Nej (n)"]
