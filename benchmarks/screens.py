"""Every screen's time to open with its figures, headless (Textual's Pilot), at 100,000 citizens.

Run from the repository root:

    python benchmarks/screens.py [--citizens 100000] [--runs 3] [--dir DIR] [--screens a,b]

For each destination of the navigation registry (``cirkel_tui.navigation``) it
switches to the screen as its key's action does (``App.action_goto`` calls
``switch_mode``; a fresh screen each run: the mode is removed first) and prints
three figures per screen, each the median and the worst of the runs:

* **idle** (the figure printed since issue #17 began): until every worker has
  finished and Pilot's "CPU idle" wait has returned (a frame drawn after it).
  Pilot's idle detection alone costs ~100 ms, so its floor is ~100 ms;
* **shown**: until the first frame drawn with the screen's figures — the
  compositor hands it to ``App._display`` (headless: the terminal write itself is
  not counted), as ``benchmarks/evaluation.py`` does. What "its figures are shown"
  means for each screen is the table ``SHOWN`` below: for a screen that reads
  its figures when it opens, the screen's own first read (``run_read`` on the
  screen) delivered and handed to the screen (its ``on_done`` has returned), so
  the frame drawn next holds them; for a screen without a read at open, its
  first frame;
* **done**: until the last frame the screen draws of itself — every read it
  starts as it opens (the later ones too: Puljer's weekly series, Evaluering's
  other tabs; Screening's baseline, mounted after the frame with the districts) delivered and
  drawn: the last frame before Pilot's idle wait returns and flushes what is
  left (and not before "shown"). It is "idle" without the ~100 ms that Pilot's
  idle detection alone costs.

Beside them ("frame") the first frame of the screen at all, figures or not, and ("cpu") the
process's CPU time (all threads: the screen, its reads, Pilot's waiting) from the key to idle,
which other work on a shared machine inflates far less than the wall-clock figures, and ("gc")
the time Python's garbage collector ran inside those figures (``gc.callbacks``).

To open a screen afresh each run the benchmark closes the last one (``remove_mode``), which the
program never does (a destination's screen lives as long as the session): the ~250 widgets of a
closed screen are garbage the program does not make. They are collected (``gc.collect()``)
before the next run's clock starts, so a full collection of the benchmark's own garbage does not
land in a random run (it did: 100-150 ms in one run of five); collections during a run are still
in its figures, and the "gc" column shows them.
The floors, measured in the same run and the same app, are pushing an empty
screen with a header and a footer: to Pilot's idle (the old floor) and to its
first frame. The goal (issue #17): every screen opens with its figures in ≤ 200 ms — "shown"; a
screen over it is flagged, and one whose "done" is over it is marked (a part that follows the
figures: a weekly series, another tab, the form's lower half). "idle" is printed beside them, with
its floor. It asserts nothing.
"""
from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# What "its figures are shown" means per screen (the "shown" figure): READ — the screen's own first read
# (run_read on the screen itself, not on a widget inside it) delivered and handed to it; FRAME — the
# screen reads nothing when it opens, so its first frame is its figures.
READ, FRAME = "first read shown", "first frame (nothing to read)"
SHOWN: dict[str, tuple[str, str]] = {
    "overblik": (READ, "the districts' pools, participants and waitlists, the coming outings"),
    "borgere": (FRAME, "the search field and an empty list: it reads as you type"),
    "aftaler": (READ, "the agreements table"),
    "screening": (READ, "the district list filled: the form can be filled in and saved"),
    "venteliste": (READ, "the districts and the first district's waitlist (one read)"),
    "revurdering": (READ, "the districts and the participants due (one read)"),
    "resultater": (READ, "the districts' outcomes and the first district's citizens"),
    "puljer": (READ, "the year's pools per district with their bars (the weekly sparklines follow)"),
    "distrikter": (READ, "the districts table"),
    "faellesture": (READ, "the coming and past outings"),
    "katalog": (READ, "the offers and the own ideas"),
    "eksport": (FRAME, "the period form (the period filled in without a read)"),
    "import": (FRAME, "the form and the spreadsheets in the folder (listed without a worker)"),
    "opfoelgning": (READ, "the shown tab's list, all four counts and the district figures"),
    "projekter": (READ, "the programmes' figures"),
    "udskrivning": (READ, "the print queue"),
    "evaluering": (READ, "the first tab's figures (its first of two reads, as benchmarks/evaluation.py)"),
    "log": (READ, "the access log's first page"),
    "medarbejdere": (READ, "the staff table"),
}


async def settle(app) -> None:
    """Wait until every worker has ended (a cancelled one — from a removed screen — counts as ended)."""
    from textual.worker import WorkerCancelled

    for _ in range(50):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


Times = dict[str, dict[str, list[float]]]


async def measure(db_path: str, actor_id: int, runs: int, only: set[str] | None = None) -> Times:
    from textual.screen import Screen
    from textual.widgets import Footer, Header

    from cirkel_tui.app import CirkelApp
    from cirkel_tui.navigation import DESTINATIONS
    from screens.base import RunsOperations

    class Empty(Screen):
        def compose(self):
            yield Header()
            yield Footer()

    # a screen whose own read has been delivered (its on_done returned) is marked
    deliver = RunsOperations._deliver

    async def deliver_and_note(node, outcome, *args):
        await deliver(node, outcome, *args)
        if outcome[0] == "done" and isinstance(node, Screen) and node.is_attached:
            node._bench_read_shown = True

    RunsOperations._deliver = deliver_and_note  # type: ignore[method-assign]

    import gc

    def collections(phase: str, info: dict) -> None:
        """The collector's time inside a timed run (watch["gc"], ms)."""
        if "screen" not in watch:
            return
        if phase == "start":
            watch["gc_start"] = time.perf_counter()
        elif "gc_start" in watch:
            watch["gc"] = watch.get("gc", 0.0) + (time.perf_counter() - watch.pop("gc_start")) * 1000

    gc.callbacks.append(collections)
    # as the program does (cirkel_tui/start.py): the collector paused until the first frame, when the app
    # freezes what its start made and turns it on (else every full collection walks those objects too)
    gc.disable()
    app = CirkelApp(actor_id=actor_id, db_path=db_path)
    watch: dict = {}  # "screen": the class (or instance) to watch, "read": whether a read must be shown first
    display = app._display

    def display_and_note(screen, renderable) -> None:
        display(screen, renderable)
        target = watch.get("screen")
        if renderable is None or target is None:
            return
        if not (screen is target or (isinstance(target, type) and type(screen) is target)):
            return
        now = time.perf_counter()
        watch.setdefault("frame", now)
        if "flushed" not in watch:
            watch["done"] = now  # the last frame so far that the screen drew of itself
        if "shown" not in watch and (not watch["read"] or getattr(screen, "_bench_read_shown", False)):
            watch["shown"] = now

    app._display = display_and_note
    floor = "(floor: empty screen)"
    times: Times = {floor: {"idle": [], "frame": [], "shown": [], "done": [], "cpu": [], "gc": []}}
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app)
        await pilot.pause()
        for _ in range(runs):
            empty = Empty()
            watch.clear()
            watch.update(screen=empty, read=False)
            t, cpu = time.perf_counter(), time.process_time()
            await app.push_screen(empty)
            await pause_noting_the_flush(pilot, watch)
            await until_shown(watch)
            note(times[floor], t, cpu, watch)
            await app.pop_screen()
            await pilot.pause()
        for dest in DESTINATIONS:
            if dest.roles and app.actor.role not in dest.roles and app.actor.role != "admin":
                continue
            if only and dest.id not in only:
                continue
            times[dest.id] = {"idle": [], "frame": [], "shown": [], "done": [], "cpu": [], "gc": []}
            kind = SHOWN.get(dest.id, (READ, ""))[0]
            for _ in range(runs):
                await app.switch_mode("overblik" if dest.id != "overblik" else "borgere")
                await settle(app)
                await pilot.pause()
                factory = app._modes[dest.id]
                await app.remove_mode(dest.id)  # a fresh screen each run: nothing cached
                app.add_mode(dest.id, factory)
                gc.collect()  # the closed screen: garbage of the benchmark's, not the program's (see above)
                watch.clear()
                watch.update(screen=dest.factory(), read=kind == READ)
                t, cpu = time.perf_counter(), time.process_time()
                await app.switch_mode(dest.id)
                await settle(app)
                await pause_noting_the_flush(pilot, watch)
                await until_shown(watch)
                note(times[dest.id], t, cpu, watch)
    RunsOperations._deliver = deliver  # type: ignore[method-assign]
    gc.callbacks.remove(collections)
    return times


async def pause_noting_the_flush(pilot, watch: dict) -> None:
    """``pilot.pause()`` (Textual 8.2.8's: wait for the screen, for CPU idle, then flush the screen's pending
    updates), noting when the flush starts: a frame drawn from then on is Pilot's, not the screen's ("done")."""
    from textual._wait import wait_for_idle

    await pilot._wait_for_screen()
    await wait_for_idle(0)
    watch["flushed"] = time.perf_counter()
    pilot.app.screen._on_timer_update()


async def until_shown(watch: dict, timeout: float = 5.0) -> None:
    """Wait until the frame with the figures has been drawn.

    A read that comes back just after the screen's first frame leaves the refresh it asks for
    pending when Pilot's idle wait returns (the screen redraws on its next tick): without this,
    "idle" ended before the figures were on screen and "shown" was never seen. "idle" is then
    the later of the two moments."""
    deadline = time.perf_counter() + timeout
    while "shown" not in watch and time.perf_counter() < deadline:
        await asyncio.sleep(0.001)


def note(into: dict[str, list[float]], start: float, cpu: float, watch: dict) -> None:
    """The idle figure (now), the CPU time, and the frames noted by the display hook (NaN: never drawn)."""
    into["idle"].append((time.perf_counter() - start) * 1000)
    into["cpu"].append((time.process_time() - cpu) * 1000)
    into["gc"].append(watch.get("gc", 0.0))
    if "shown" in watch:
        watch["done"] = max(watch.get("done", 0.0), watch["shown"])
    for key in ("frame", "shown", "done"):
        into[key].append((watch[key] - start) * 1000 if key in watch else math.nan)
    watch.clear()


def figure(values: list[float]) -> str:
    if any(math.isnan(v) for v in values):
        return "      not shown     "
    return f"{statistics.median(values):6.1f} (max {max(values):6.1f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", help="keep the database here (re-used when it exists)")
    parser.add_argument("--screens", help="only these destinations, comma-separated (e.g. screening,log)")
    args = parser.parse_args()
    workdir = args.dir or tempfile.mkdtemp(prefix="cirkel-bench-screens-")
    os.makedirs(workdir, exist_ok=True)
    os.environ["CIRKEL_DATA_DIR"] = os.path.join(workdir, "data")
    db_path = os.path.join(workdir, f"start-{args.citizens}.db")

    from models.demo import open_demo_database
    from models.entities import Staff

    if not os.path.exists(db_path):
        t = time.perf_counter()
        open_demo_database(db_path, "benchmark", citizens=args.citizens, seed=1)
        print(f"demo database with {args.citizens:,} citizens built in {time.perf_counter() - t:.1f} s")
    else:
        open_demo_database(db_path, "benchmark", fill=False)
    actor_id = Staff.get(Staff.login == "benchmark").id
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    only = set(args.screens.split(",")) if args.screens else None
    times = asyncio.run(measure(db_path, actor_id, args.runs, only))
    print(f"ms, median (max) of {args.runs} runs; idle: every worker done and Pilot's CPU idle; shown: the first"
          " frame drawn with the screen's figures; done: the last frame drawn before idle (every read shown);"
          " frame: its first frame at all; cpu: CPU time to idle; gc: the garbage collector's time within idle")
    columns = ("idle", "shown", "done", "frame", "cpu", "gc")
    print(f"  {'':<22} " + "  ".join(f"{key:^20}" for key in columns))
    for name, figures in times.items():
        over = [key for key in ("shown", "done") if not statistics.median(figures[key]) <= 200]  # NaN: over
        flag = ("  <-- over 200 ms (shown: the goal)" if "shown" in over
                else "  · done over 200 ms (a later part)" if over else "")
        print(f"  {name:<22} " + "  ".join(figure(figures[key]) for key in columns) + flag)
    print("what 'shown' waits for:")
    for name, (kind, what) in SHOWN.items():
        if name in times:
            print(f"  {name:<22} {kind}: {what}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
