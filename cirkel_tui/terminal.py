"""The TUI leaves cleanly when its terminal goes away (issue #20, item 5).

With fifty staff on one server a dropped SSH connection must never leave a
process behind. Textual's Linux driver reads its input in a loop that, once
the terminal is gone, sees end-of-file forever and spins at full CPU; and its
writer thread dies on the first write to the closed terminal. This driver:

* ends the app when input reaches end-of-file or fails (EIO, EBADF: the
  terminal side of the pseudo-terminal was closed);
* ends it on SIGHUP (the terminal hung up) and SIGTERM (shutdown, an
  administrator's ``kill``), with exit status 128 + the signal;
* drops output once the terminal is gone instead of failing on it.

The app then shuts down as after Ctrl+Q: a write running in a worker thread
finishes (or its transaction rolls back) before the process exits, because
asyncio waits for its executor threads. If that takes longer than
``DEADLINE_S`` the process ends anyway; SQLite rolls back whatever was not
committed.
"""
from __future__ import annotations

import errno
import logging
import os
import selectors
import signal
import threading
from codecs import getincrementaldecoder

from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

log = logging.getLogger(__name__)

DEADLINE_S = 20.0
GONE_ERRNOS = {errno.EIO, errno.EBADF, errno.ENXIO, errno.EPIPE, errno.ENOTTY}


class _TerminalFile:
    """The driver's output file; once the terminal is gone every write is dropped."""

    def __init__(self, file, on_gone) -> None:
        self._file = file
        self._on_gone = on_gone
        self.gone = False

    def _guard(self, call, *args):
        if self.gone:
            return None
        try:
            return call(*args)
        except (OSError, ValueError):  # EIO on a hung-up terminal; ValueError on a closed file
            self.gone = True
            self._on_gone("output")
            return None

    def write(self, text: str):
        return self._guard(self._file.write, text)

    def flush(self):
        return self._guard(self._file.flush)

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return not self.gone and self._file.isatty()


class HangupSafeDriver(LinuxDriver):
    """Textual's Linux driver, ending the app when the terminal is gone."""

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self._file = _TerminalFile(self._file, self._terminal_gone)
        self._leaving = threading.Lock()
        self._left = False
        self._old_handlers: dict[int, object] = {}

    # --- the ways a terminal goes

    def start_application_mode(self) -> None:
        for signum in (signal.SIGHUP, signal.SIGTERM):
            self._old_handlers[signum] = signal.signal(signum, self._on_signal)
        super().start_application_mode()

    def close(self) -> None:
        super().close()
        for signum, handler in self._old_handlers.items():
            signal.signal(signum, handler)
        self._old_handlers.clear()

    def _on_signal(self, signum, _frame) -> None:
        if signum == signal.SIGHUP:
            self._file.gone = True
        self._leave(f"signal {signal.Signals(signum).name}", 128 + signum)

    def _terminal_gone(self, how: str) -> None:
        self._file.gone = True
        self._leave(f"terminal closed ({how})", 128 + signal.SIGHUP)

    def _leave(self, reason: str, code: int) -> None:
        """Ask the app to exit (from any thread, once); end the process if that takes too long."""
        with self._leaving:
            if self._left:
                return
            self._left = True
        try:  # never log or exit inside a signal handler: the event loop does both
            self._loop.call_soon_threadsafe(log.info, "%s: the app exits", reason)
            self._loop.call_soon_threadsafe(self._app.exit, None, code)
        except RuntimeError:  # the loop is already closed: the app is on its way out
            pass
        watchdog = threading.Thread(target=self._deadline, args=(code,), name="cirkel-exit-deadline", daemon=True)
        watchdog.start()

    @staticmethod
    def _deadline(code: int) -> None:
        threading.Event().wait(DEADLINE_S)
        log.warning("the app did not finish within %.0f s after its terminal went away; ending it", DEADLINE_S)
        logging.shutdown()
        os._exit(code)

    # --- input: Textual's loop, plus end-of-file and read errors

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not self.exit_event.is_set():
                ready = selector.select(0.1)
                if ready:
                    try:
                        data = os.read(self.fileno, 1024 * 4)
                    except OSError as exc:
                        if exc.errno in (errno.EINTR, errno.EAGAIN):
                            continue
                        if exc.errno not in GONE_ERRNOS:
                            raise
                        data = b""
                    if not data:  # end of file: nobody can type here any more
                        self._terminal_gone("input")
                        return
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
