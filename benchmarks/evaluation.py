"""How long the Evaluering screen takes to open on a large demo database (issue #19: ≤ 300 ms
at 100,000 citizens), beside floors measured in the same run on the same machine:

* the raw SQL of the same aggregates, run straight on the connection (what the database
  itself needs; the rest is Python and Textual);
* a bare Textual screen (one Static) pushed in the same app: the first frame without data.

"screen open" is from the key press (E) until the screen shows the year's figures of the
tab it opens on (participants per month, and the status line: the first read handled and a
frame drawn), in a headless app of 120×36; "all tabs" until the second read (clips,
activities, outcomes, endings, outings) is shown too.

Run: python benchmarks/evaluation.py [CITIZENS] [DB]   (default 100000; the database is made
once under the temp directory, as of 20-11-2026, and reused; or give its path). Prints figures
and the load average; asserts nothing.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import base  # noqa: E402
from models.store import open_database  # noqa: E402

DAY = dt.date(2026, 11, 20)
ROUNDS = 5


def ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples):.0f} ms, max {max(samples):.0f} ms"


def timed(fn, rounds: int = ROUNDS) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def screen_open(db_path: str, actor_id: int) -> tuple[float, float, float, float]:
    """(ms from E to the first tab's figures on screen — the app idle after —, ms to every tab's,
    ms to push a bare screen's first frame, ms from E to the first frame drawn with the first
    tab's figures) in one app.

    The first figure waits for Pilot's "CPU idle" after the figures are set, so it also waits for
    the second read (the other tabs), which runs while the first tab is already on screen; the
    last figure is the moment the compositor hands the first frame with the figures to the
    display (``App._display``; headless, so the terminal write itself is not counted)."""
    from textual.screen import Screen
    from textual.widgets import Static

    from cirkel_tui.app import CirkelApp
    from screens.evaluation import EvaluationScreen

    class Bare(Screen):
        def compose(self):
            yield Static("Cirkel")

    import gc

    # as the program does (cirkel_tui/start.py): the collector paused until the first frame, when the app
    # freezes what its start made and turns it on (else every full collection walks those objects too)
    gc.disable()
    app = CirkelApp(actor_id=actor_id, db_path=db_path)
    drawn: list[float] = []
    display = app._display

    def display_and_note(screen, renderable) -> None:
        display(screen, renderable)
        if not drawn and renderable is not None and isinstance(screen, EvaluationScreen) and (
                screen.evaluation is not None):
            drawn.append(time.perf_counter())

    app._display = display_and_note
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        start = time.perf_counter()
        await app.push_screen(Bare())
        await pilot.pause()
        bare = (time.perf_counter() - start) * 1000
        app.pop_screen()
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press("E")
        while True:
            screen = app.screen
            if isinstance(screen, EvaluationScreen) and screen.evaluation is not None:
                break
            await asyncio.sleep(0.002)
        await pilot.pause()
        opened = (time.perf_counter() - start) * 1000
        while not screen.evaluation.complete:
            await asyncio.sleep(0.002)
        await pilot.pause()
        complete = (time.perf_counter() - start) * 1000
    return opened, complete, bare, (drawn[0] - start) * 1000 if drawn else float("nan")


def main() -> None:
    citizens = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    path = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.gettempdir()) / f"cirkel-bench-eval-{citizens}.db"
    fresh = not path.exists()
    open_database(str(path))
    base.freeze_today(DAY)
    if fresh:
        from models.demo import DEMO_MARK, fill_demo
        from models.entities import Setting
        from models.staff import init_database

        init_database("bench", "Bench")
        Setting.create(key=DEMO_MARK, value="1")
        start = time.perf_counter()
        fill_demo("bench", citizens=citizens, seed=1)
        print(f"demo with {citizens} citizens made in {time.perf_counter() - start:.1f} s: {path}")
    from models.base import db
    from models.entities import Citizen, Punch, Staff, StateChange
    from models.evaluation import aggregate_queries, evaluation, load_district_ledger, year_period

    period = year_period(2026)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{Citizen.select().count()} citizens, {StateChange.select().count()} state changes, "
          f"{Punch.select().count()} punches in the ledger")
    evaluation(period)  # warm the page cache once, as a leader's second look would be
    sqls = [q.sql() for q in aggregate_queries(period)]
    print(f"raw SQL of the aggregates (floor): {ms(timed(lambda: [db.execute_sql(s, p).fetchall() for s, p in sqls]))}")
    print(f"evaluation(2026), the screen's read: {ms(timed(lambda: evaluation(period)))}")
    ev = evaluation(period)
    district = ev.districts[0]

    def one_district():
        district.ledger_loaded = False
        district.activities.clear()
        for m in district.months:
            m.clips = 0
        load_district_ledger(ev, district)

    print(f"a district's clips on demand (key n): {ms(timed(one_district))}")
    actor = Staff.get(Staff.login == "bench").id
    opened, complete, bare, drawn = [], [], [], []
    for _ in range(3):
        o, c, b, d = asyncio.run(screen_open(str(path), actor))
        opened.append(o)
        complete.append(c)
        bare.append(b)
        drawn.append(d)
    print(f"bare Textual screen, first frame (floor): {ms(bare)}")
    print(f"Evaluering screen open, E to the first frame drawn with the first tab's figures: {ms(drawn)}"
          "  (target ≤ 300 ms)")
    print(f"Evaluering, E to the first tab's figures and the app idle (the other tabs' read done too): {ms(opened)}")
    print(f"Evaluering, E to every tab's figures read and shown: {ms(complete)}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
