"""The first screen's read, started as soon as the database is open (issue #17, the start).

Between opening the database and the dashboard's first frame, Cirkel imports Textual and its
screens, builds the App and parses its CSS: some 200 ms of Python on one core. The dashboard's
read (``models.dashboard.dashboard``, 35-60 ms at 100,000 citizens) is mostly SQLite, which runs
without Python's lock: started in a thread of its own the moment the database is open, it runs on
the other core meanwhile, instead of after the first frame, where it competed with the screen's
own drawing (which also drew the screen twice: without the figures, then with them).

The dashboard takes it on its first load only, in one of two ways:

* already read (:meth:`ReadAhead.take_finished`): the figures are shown as the screen is mounted,
  so its first frame has them;
* still running (:meth:`ReadAhead.take`): the screen reads through the runner as always
  (``screens/base.py``), with a function that waits for the read (in the runner's worker thread,
  never on the event loop) and hands over its result, or raises its error there, so a failure is
  told exactly as a failed read is.

A read ahead that has failed already is logged and read again through the runner. Every later
load (``g``/F5, coming back to the screen) reads afresh. The read runs on the thread's own
connection (peewee keeps one per thread), closed when it is done.
"""
from __future__ import annotations

import functools
import logging
import threading
from typing import Any, Callable

log = logging.getLogger(__name__)


class ReadAhead:
    """``fn(*args)`` running in its own thread from now on; :meth:`take` hands it over once."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn = fn
        self._args = args
        self._finished = threading.Event()
        self._result: Any = None
        self._error: BaseException | None = None
        self._taken = False
        self._lock = threading.Lock()
        threading.Thread(target=self._run, name=f"read-ahead-{fn.__name__}", daemon=True).start()

    def _run(self) -> None:
        from models.base import db

        try:
            self._result = self.fn(*self._args)
        except BaseException as err:  # noqa: BLE001 - raised again in the worker that takes it
            self._error = err
        finally:
            self._finished.set()
            try:
                db.close()  # this thread's own connection (peewee keeps one per thread)
            except Exception:  # noqa: BLE001 - nothing to tell: the read is done either way
                pass

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the read has ended (succeeded or failed); False if ``timeout`` came first."""
        return self._finished.wait(timeout)

    def take_finished(self, fn: Callable[..., Any]) -> tuple[bool, Any]:
        """``(True, result)`` for the first caller asking for ``fn`` once the read has succeeded;
        else ``(False, None)`` (still running, failed, or taken) and nothing is taken."""
        with self._lock:
            if self._taken or fn is not self.fn or not self._finished.is_set() or self._error is not None:
                return False, None
            self._taken = True
            return True, self._result

    def take(self, fn: Callable[..., Any]) -> Callable[[], Any] | None:
        """For the first caller asking for ``fn``: a function returning the read's result (waiting for
        it if need be) or raising its error; None for anybody else, who reads afresh — and when the
        read has failed already (logged here; the fresh read tells the user if it fails too)."""
        with self._lock:
            if self._taken or fn is not self.fn:
                return None
            self._taken = True
            if self._finished.is_set() and self._error is not None:
                log.warning("the read ahead of %s failed; read again", self.fn.__name__, exc_info=self._error)
                return None

        @functools.wraps(fn)  # the runner names the read (and its exclusive group) after ``fn``
        def result() -> Any:
            self._finished.wait()
            if self._error is not None:
                raise self._error
            return self._result

        return result
