"""How long `cirkel demo --citizens N` takes (issue: 100,000 citizens in under 60 s).

Run: python benchmarks/demo_fill.py [N]   — prints the figures; asserts nothing.
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CIRKEL_DATA_DIR"] = tmp
        from models.demo import fill_demo, mark_new_database_as_demo
        from models.store import open_database

        open_database(os.path.join(tmp, "bench.db"))
        mark_new_database_as_demo()
        start = time.perf_counter()
        summary = fill_demo("bench", citizens=n, seed=1)
        elapsed = time.perf_counter() - start
        size = os.path.getsize(os.path.join(tmp, "bench.db")) + os.path.getsize(os.path.join(tmp, "bench.db-wal"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"demo fill: {n} citizens in {elapsed:.1f} s ({summary})")
    print(f"peak memory {peak:.0f} MB, database {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
