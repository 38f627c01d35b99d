"""How long the follow-up (Opfølgning, ``cirkel followup``) and the dashboard's idle count take
on a large demo database (issue #13: computed in the database, fast at 100,000 citizens).

Run: python benchmarks/followup.py [CITIZENS]   (default 100000; the database is made once
under $CIRKEL_DATA_DIR or the temp directory and reused). Prints figures; asserts nothing.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pools_overview import DAY, timed  # noqa: E402
from models import base  # noqa: E402
from models.demo import open_demo_database  # noqa: E402


def main() -> None:
    citizens = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    folder = Path(os.environ.get("CIRKEL_DATA_DIR") or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"cirkel-bench-followup-{citizens}.db"
    fresh = not path.exists()
    base.freeze_today(DAY)
    start = time.perf_counter()
    open_demo_database(str(path), "bench", citizens=citizens, seed=1)  # made and filled on first use
    if fresh:
        print(f"demo with {citizens} citizens made in {time.perf_counter() - start:.1f} s: {path}")
    from models.entities import Card, Punch, Staff
    from models.followup import count_idle_cards, followup

    actor = Staff.get(Staff.login == "bench")
    result = followup(actor)
    print(f"open cards {Card.select().where(Card.status == 'open').count()}, punches {Punch.select().count()}")
    print(f"idle {result.idle_total}, long open {result.long_open_total}, no contact {result.no_contact_total}, "
          f"districts behind {sum(d.behind for d in result.districts)} of {len(result.districts)}")
    print(f"followup(): {timed(lambda: followup(actor))}")
    print(f"count_idle_cards() (dashboard): {timed(count_idle_cards)}")


if __name__ == "__main__":
    main()
