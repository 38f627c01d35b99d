"""A screen's first read started while the screen is being composed (issue #17, item 4).

A data-bound screen (Revurdering, Venteliste, Resultater, Puljer, Opfølgning; Screening's districts) used to start its
first read in ``on_mount`` or its first ``on_screen_resume``: after every widget had been built,
styled and mounted. Started from ``compose`` (as Evaluering already did), the database works while
the widgets are built (SQLite runs without Python's lock), so the figures arrive sooner after the
key press.

The result may come back before the screen has mounted its widgets (a small database answers in a
few milliseconds): it is then kept and shown by :meth:`EarlyRead.early_read_ready`, which the
screen calls at the end of its ``on_mount`` — so ``on_done`` always finds the widgets (and their
columns) there, and it is called exactly once either way.
"""
from __future__ import annotations

from typing import Any, Callable


class EarlyRead:
    """Mixin for a :class:`screens.base.CirkelScreen`: ``early_read`` in compose, ``early_read_ready`` in on_mount."""

    _early_ready = False
    _early_result: tuple | None = None

    def early_read(self, fn: Callable[[], Any], *, on_done: Callable[[Any], Any], **runner: Any):
        """``self.run_read(fn, on_done=on_done, **runner)``, where ``on_done`` waits for the mount."""

        def delivered(result):
            if self._early_ready:
                return on_done(result)
            self._early_result = (on_done, result)
            return None

        return self.run_read(fn, on_done=delivered, **runner)  # type: ignore[attr-defined]

    def early_read_ready(self):
        """The widgets are there: show a result that came back before them (returns what ``on_done`` returns)."""
        self._early_ready = True
        if self._early_result is None:
            return None
        on_done, result = self._early_result
        self._early_result = None
        return on_done(result)
