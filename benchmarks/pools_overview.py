"""How long the pools screen's read and the budget preview take on a large demo database.

Run: python benchmarks/pools_overview.py [CITIZENS]   (default 100000; the database is
made once under the temp directory and reused). Prints figures; asserts nothing.
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import base  # noqa: E402
from models.store import open_database  # noqa: E402

DAY = dt.date(2026, 11, 20)


def timed(fn, rounds: int = 5) -> str:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms"


def main() -> None:
    citizens = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    path = Path(tempfile.gettempdir()) / f"cirkel-bench-pools-{citizens}.db"
    fresh = not path.exists()
    open_database(str(path))
    base.freeze_today(DAY)
    if fresh:
        from models.demo import fill_demo, mark_new_database_as_demo
        from models.staff import init_database

        mark_new_database_as_demo()
        init_database("bench", "Bench")
        start = time.perf_counter()
        fill_demo("bench", citizens=citizens, seed=1)
        print(f"demo with {citizens} citizens made in {time.perf_counter() - start:.1f} s: {path}")
    from models.budget import preview_budget
    from models.entities import Punch
    from models.pool_overview import pools_overview

    print(f"punches in the ledger: {Punch.select().count()}")
    print(f"pools_overview(2026): {timed(pools_overview)}")
    print(f"preview_budget(2026): {timed(lambda: preview_budget(2026, 60_000_000, 187, 3_000_000))}")


if __name__ == "__main__":
    main()
