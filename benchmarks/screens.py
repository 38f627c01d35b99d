"""Every screen's time to open with its figures, headless (Textual's Pilot), at 100,000 citizens.

Run from the repository root:

    python benchmarks/screens.py [--citizens 100000] [--runs 3] [--dir DIR]

For each destination of the navigation registry (``cirkel_tui.navigation``) it
switches to the screen with its key's action (a fresh screen each run: the
mode is removed first), waits until every worker has finished and the screen
has drawn, and prints the median and the worst time. The floor, measured in the
same run and the same app, is switching to an empty screen with a header and a
footer. The goal (issue #17): every screen ≤ 200 ms. It asserts nothing.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def settle(app) -> None:
    """Wait until every worker has ended (a cancelled one — from a removed screen — counts as ended)."""
    from textual.worker import WorkerCancelled

    for _ in range(50):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


async def measure(db_path: str, actor_id: int, runs: int) -> dict[str, list[float]]:
    from textual.screen import Screen
    from textual.widgets import Footer, Header

    from cirkel_tui.app import CirkelApp
    from cirkel_tui.navigation import DESTINATIONS

    class Empty(Screen):
        def compose(self):
            yield Header()
            yield Footer()

    app = CirkelApp(actor_id=actor_id, db_path=db_path)
    times: dict[str, list[float]] = {"(floor: empty screen)": []}
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app)
        await pilot.pause()
        for _ in range(runs):
            t = time.perf_counter()
            await app.push_screen(Empty())
            await pilot.pause()
            times["(floor: empty screen)"].append((time.perf_counter() - t) * 1000)
            await app.pop_screen()
            await pilot.pause()
        for dest in DESTINATIONS:
            if dest.roles and app.actor.role not in dest.roles and app.actor.role != "admin":
                continue
            times[dest.id] = []
            for _ in range(runs):
                await app.switch_mode("overblik" if dest.id != "overblik" else "borgere")
                await settle(app)
                await pilot.pause()
                factory = app._modes[dest.id]
                await app.remove_mode(dest.id)  # a fresh screen each run: nothing cached
                app.add_mode(dest.id, factory)
                t = time.perf_counter()
                await app.switch_mode(dest.id)
                await settle(app)
                await pilot.pause()
                times[dest.id].append((time.perf_counter() - t) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", help="keep the database here (re-used when it exists)")
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
    times = asyncio.run(measure(db_path, actor_id, args.runs))
    for name, values in times.items():
        flag = "  <-- over 200 ms" if statistics.median(values) > 200 else ""
        print(f"  {name:<24} median {statistics.median(values):7.1f} ms   max {max(values):7.1f} ms{flag}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
