"""A TUI whose terminal is gone exits cleanly, within 2 s, without spinning (issue #20, item 5).

Each test starts the real program in a pseudo-terminal (``pty.fork``), waits
until it has drawn its first screen, then takes the terminal away the way a
dropped SSH connection does: the terminal side is closed (with and without
the SIGHUP the kernel sends), or the process gets SIGHUP or SIGTERM.
"""
from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _spawn(argv: list[str], env: dict, ignore_sighup: bool = False) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the program on the terminal side
        try:
            if ignore_sighup:  # as under nohup, or a parent that swallows the hangup
                signal.signal(signal.SIGHUP, signal.SIG_IGN)
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, *argv], env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, __import__("termios").TIOCSWINSZ, b"\x18\x00\x50\x00\x00\x00\x00\x00")  # 24 x 80
    return pid, fd


def _read_until(fd: int, marker: bytes, timeout: float = 30.0) -> bytes:
    seen = b""
    end = time.monotonic() + timeout
    while marker not in seen:
        left = end - time.monotonic()
        assert left > 0, f"{marker!r} never appeared; the terminal showed: {seen[-400:]!r}"
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def _cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_exit(pid: int, timeout: float) -> tuple[int | None, float]:
    """(exit status or None if still running after ``timeout``, total CPU seconds of the child)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage.ru_utime + usage.ru_stime
        time.sleep(0.02)
    return None, _cpu_seconds(pid)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


@pytest.fixture
def tui_env(tmp_path):
    db = str(tmp_path / "cirkel.db")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "TEXTUAL"))}
    env.update(CIRKEL_DATA_DIR=str(tmp_path / "data"), TERM="xterm-256color", CIRKEL_LANG="da")
    env.pop("CIRKEL_DB", None)
    init = subprocess.run([sys.executable, "-m", "cirkel_tui", "--db", db, "init"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert init.returncode == 0, init.stderr
    return db, env


@pytest.mark.parametrize("how, ignore_sighup, expected", [
    ("close", False, 128 + signal.SIGHUP),    # the SSH connection drops: the kernel hangs up the terminal
    ("close", True, 128 + signal.SIGHUP),     # ... and nobody passes the hangup on: input reaches end of file
    ("sighup", False, 128 + signal.SIGHUP),
    ("sigterm", False, 128 + signal.SIGTERM),
])
def test_the_app_exits_within_two_seconds_when_its_terminal_goes(tui_env, tmp_path, how, ignore_sighup, expected):
    db, env = tui_env
    pid, fd = _spawn(["-m", "cirkel_tui", "--db", db], env, ignore_sighup=ignore_sighup)
    try:
        _read_until(fd, b"Overblik")
        time.sleep(0.5)  # let the first screen settle
        before = _cpu_seconds(pid)
        if how == "close":
            os.close(fd)
        else:
            os.kill(pid, signal.SIGHUP if how == "sighup" else signal.SIGTERM)
        status, cpu = _wait_exit(pid, 2.0)
        assert status is not None, f"still running 2 s after the terminal went ({how}); CPU {cpu - before:.2f} s"
        assert os.WIFEXITED(status), f"killed by signal {os.WTERMSIG(status)} instead of exiting"
        assert os.WEXITSTATUS(status) == expected
        assert cpu - before < 1.0, f"{cpu - before:.2f} CPU seconds while leaving: it spun"
        log = (tmp_path / "data" / "cirkel.log").read_text()
        assert "the app exits" in log and "Traceback" not in log
    finally:
        _kill(pid)
        if how != "close":
            os.close(fd)


def test_sigterm_on_a_live_terminal_gives_it_back_as_it_was(tui_env):
    """SIGTERM (an administrator, a shutdown) leaves the alternate screen and shows the cursor again."""
    db, env = tui_env
    pid, fd = _spawn(["-m", "cirkel_tui", "--db", db], env)
    try:
        _read_until(fd, b"Overblik")
        os.kill(pid, signal.SIGTERM)
        tail = _read_until(fd, b"\x1b[?1049l", timeout=2.0)  # alternate screen off
        assert b"\x1b[?1000l" in tail or b"\x1b[?1003l" in tail  # mouse reporting off
        status, _cpu = _wait_exit(pid, 2.0)
        assert status is not None and os.WEXITSTATUS(status) == 128 + signal.SIGTERM
    finally:
        _kill(pid)
        os.close(fd)


WRITER = textwrap.dedent("""
    import pathlib, sys
    from textual import work
    from textual.app import App
    from textual.widgets import Static
    from cirkel_tui.terminal import HangupSafeDriver
    from models.staff import init_database
    from models.store import open_database

    db, started = sys.argv[1], pathlib.Path(sys.argv[2])

    class Writer(App):
        def compose(self):
            yield Static("Overblik")

        def on_mount(self):
            self.write()

        @work(thread=True)
        def write(self):
            started.write_text("waiting for the write gate")
            init_database("skriver", "Skriver")  # waits behind the test's lock, then commits

    open_database(db)
    app = Writer(driver_class=HangupSafeDriver)
    app.run()
    sys.exit(app.return_code or 0)
""")


def test_a_write_in_progress_is_finished_before_the_app_exits(tmp_path):
    """The terminal goes while an operation waits for the write gate: it still commits, then the app exits."""
    db = str(tmp_path / "w.db")
    started = tmp_path / "started"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "TEXTUAL"))}
    env.update(CIRKEL_DATA_DIR=str(tmp_path / "data"), TERM="xterm-256color")
    with open(db + ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another staff member's write, holding the gate
        pid, fd = _spawn(["-c", WRITER, db, str(started)], env)
        try:
            _read_until(fd, b"Overblik")
            end = time.monotonic() + 10
            while not started.exists():
                assert time.monotonic() < end, "the write never started"
                time.sleep(0.02)
            time.sleep(0.3)
            os.close(fd)  # the terminal goes while the write waits
            status, _cpu = _wait_exit(pid, 1.0)
            assert status is None, "the app left before its write was done"
            fcntl.flock(lock, fcntl.LOCK_UN)
            status, _cpu = _wait_exit(pid, 2.0)
            assert status is not None and os.WEXITSTATUS(status) == 128 + signal.SIGHUP
        finally:
            _kill(pid)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("select login from staff").fetchall() == [("skriver",)]
    finally:
        conn.close()
