"""Forms that keep up with a fast typist: Enter moves on at once, its checks run in order.

Keys arriving in one burst (a fast typist over SSH, a paste) are forwarded by
the App to whatever field has focus at that moment. If Enter's work (pick the
citizen, check the clips) ran when the field's handler got round to it, the
keys typed after Enter would already have landed in the old field. Here Enter
is a priority binding: it runs while the App reads the keys, moves the focus
to the next field at once, and queues a ``Commit`` behind the keys typed
before it in the old field. Commits are handled strictly in the order of the
Enter presses; when one is refused, the Enter presses typed after it are
dropped, so nothing is registered on the strength of keys the user typed
before seeing the refusal.
"""
from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Button, Input

from models.i18n import _

from .base import CirkelDialog


class TypeAheadForm(CirkelDialog):
    """A modal form of Inputs, ``FIELDS`` in order; ``NEXT`` says where Enter moves the focus."""

    FIELDS: tuple[str, ...] = ()
    NEXT: dict[str, str] = {}

    BINDINGS = [
        Binding("enter", "advance", _("Næste felt"), id="form-next", priority=True, show=False,
                tooltip=_("Gå til næste felt, eller gem i sidste felt.")),
    ]

    class Commit(Message):
        """Enter in a field; queued behind the keys typed before it."""

        def __init__(self, field_id: str, seq: int) -> None:
            super().__init__()
            self.field_id = field_id
            self.seq = seq

    def __init__(self) -> None:
        super().__init__()
        self._enters = 0  # Enter presses so far
        self._handled = 0  # Enter presses handled
        self._waiting: dict[int, str] = {}
        self._drop_upto = 0  # Enter presses typed ahead of a refusal

    def handle_enter(self, field_id: str) -> bool:
        """Enter in ``field_id``, with every key typed before it in place. False: refused."""
        raise NotImplementedError

    def action_advance(self) -> None:
        focused = self.focused
        if isinstance(focused, Button):
            focused.press()
            return
        field = focused.id if isinstance(focused, Input) and focused.id in self.FIELDS else None
        if focused is not None and field is None:
            return
        field = field or self.FIELDS[0]
        self._enters += 1
        if field in self.NEXT:
            self.set_focus(self.query_one(f"#{self.NEXT[field]}", Input))
        (focused or self).post_message(self.Commit(field, self._enters))

    @on(Commit)
    def _commit(self, message: Commit) -> None:
        message.stop()
        self._waiting[message.seq] = message.field_id
        while self._handled + 1 in self._waiting:
            self._handled += 1
            field = self._waiting.pop(self._handled)
            if self._handled <= self._drop_upto:
                continue
            if not self.handle_enter(field):
                self._drop_upto = self._enters
