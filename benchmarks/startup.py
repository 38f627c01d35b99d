"""Start-up: from launch to the dashboard showing its figures, beside a bare Textual app.

Run from the repository root:

    python benchmarks/startup.py [--citizens 100000] [--runs 7] [--dir DIR]

Both programs are started the way a user starts them — a new process in a real
pseudo-terminal of 120×36 — and timed from ``fork`` to the moment a marker
appears in what they draw:

* **floor**: a bare Textual app with a header, one line and a footer, to its
  first frame (the marker is its one line);
* **cirkel**: ``python -m cirkel_tui --db DB`` on a demo database of N citizens,
  to the dashboard's figures (the marker is the first district's name in the
  pools table, which is drawn only when the figures have arrived).

It also times the dashboard's read (``models.dashboard.dashboard``) in this
process, the query part of the start: on one connection, read after read (its
pages in SQLite's cache: the goal's figure), and each on a fresh connection in
a new thread (its cache empty), as at a start, where the read runs in a thread
of its own while Textual is imported (``cirkel_tui/read_ahead.py``) — with the
CPU time of each beside the wall time (on a loaded machine the wall time
includes waiting for a core). The goal (issue #17): start ≤ 0.45 s at 100,000
citizens and ≤ 2× the bare app; the dashboard's queries ≤ 50 ms. It prints
figures with the load average; it asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import pty
import select
import signal
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_APP = textwrap.dedent("""
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("BARE-READY")
            yield Footer()

    Bare().run()
""")


def time_to_marker(argv: list[str], marker: bytes, env: dict, timeout: float = 30.0) -> float:
    """Seconds from fork to ``marker`` in the program's terminal output (then it is killed)."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a real terminal of 120×36
        os.environ.clear()
        os.environ.update(env)
        os.execvpe(argv[0], argv, env)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    seen = b""
    elapsed = float("nan")
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = (seen + chunk)[-200_000:]
            if marker in seen:
                elapsed = time.perf_counter() - start
                break
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return elapsed


def build(path: str, citizens: int) -> None:
    from models.demo import open_demo_database

    start = time.perf_counter()
    open_demo_database(path, "benchmark", citizens=citizens, seed=1)
    print(f"demo database with {citizens:,} citizens built in {time.perf_counter() - start:.1f} s: {path}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dir", help="keep the database here (re-used when it exists)")
    args = parser.parse_args()

    workdir = args.dir or tempfile.mkdtemp(prefix="cirkel-bench-start-")
    os.makedirs(workdir, exist_ok=True)
    db_path = os.path.join(workdir, f"start-{args.citizens}.db")
    data_dir = os.path.join(workdir, "data")
    os.makedirs(data_dir, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/root"), "TERM": "xterm-256color",
           "CIRKEL_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
    os.environ["CIRKEL_DATA_DIR"] = data_dir
    if not os.path.exists(db_path):
        build(db_path, args.citizens)
    from models.entities import District, Staff
    from models.store import close_database, open_database

    open_database(db_path)
    me = __import__("pwd").getpwuid(os.getuid()).pw_name
    if Staff.get_or_none(Staff.login == me) is None:
        from models.base import db

        with db.atomic():
            Staff.create(login=me, name="Benchmark", role="leder")
    first_district = District.select().order_by(District.name).first().name

    import threading

    from models.base import db
    from models.dashboard import dashboard

    def timed_read(into: list) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        dashboard()
        into.append(((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000))

    def on_a_fresh_connection(into: list) -> None:
        timed_read(into)
        db.close()  # this thread's connection

    reads, fresh = [], []
    for _ in range(args.runs):
        timed_read(reads)
        thread = threading.Thread(target=on_a_fresh_connection, args=(fresh,))
        thread.start()
        thread.join()
    close_database()

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    bare_file = os.path.join(workdir, "bare_app.py")
    Path(bare_file).write_text(BARE_APP)
    floor, cirkel = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine
        floor.append(time_to_marker([sys.executable, bare_file], b"BARE-READY", env))
        cirkel.append(time_to_marker([sys.executable, "-m", "cirkel_tui", "--db", db_path],
                                     first_district.encode(), env))
    med_floor, med_cirkel = statistics.median(floor), statistics.median(cirkel)
    print(f"floor  (bare Textual app, first frame):     median {med_floor * 1000:6.0f} ms  "
          f"min {min(floor) * 1000:6.0f} ms  ({args.runs} runs)")
    print(f"cirkel (launch -> dashboard with figures):  median {med_cirkel * 1000:6.0f} ms  "
          f"min {min(cirkel) * 1000:6.0f} ms  = {med_cirkel / med_floor:.2f}x the floor  "
          f"(goal <= 450 ms and <= 2x)")
    for label, figures in (("dashboard() read", reads), ("on a fresh connection (as at start)", fresh)):
        walls, cpus = [w for w, _ in figures], [c for _, c in figures]
        print(f"{label:36s} at {args.citizens:,} citizens: median {statistics.median(walls):5.1f} ms  "
              f"max {max(walls):5.1f} ms  (cpu median {statistics.median(cpus):5.1f} ms)"
              + ("  (goal <= 50 ms)" if figures is reads else ""))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
