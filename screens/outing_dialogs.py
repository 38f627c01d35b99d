"""The base of the catalogue's and the outings' form dialogs.

Every dialog can be left without Esc (a button, and ``n``/F12), since Esc is
slow over SSH. Fields are the form kit's (screens/forms.py): the Danish
message right under the field.
"""
from __future__ import annotations

from textual import on
from textual.widgets import Button

from .base import CirkelDialog
from .forms import Form


class OutingDialog(Form, CirkelDialog):
    """A form dialog of the outings screens: Esc, F12 or the #cancel button closes it with None."""

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)
