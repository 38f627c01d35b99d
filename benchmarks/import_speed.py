"""Import: time, peak memory and write-lock hold, beside a floor measured in the same run (issue #17, goal 2).

    python benchmarks/import_speed.py                        # 20,000 and 200,000 rows, a punching process beside
    python benchmarks/import_speed.py --sizes 20000 --no-punch --no-trace   # quicker

For each size a spreadsheet of realistic rows is written (export format; most
citizens one open card, some an ended card before it). Each measurement runs
in a fresh subprocess on a fresh database (``init`` + the districts), so none
inherits another's memory:

* **cirkel**: ``exports.importer.import_file`` as ``cirkel import`` runs it:
  wall time, the process's peak resident memory (``ru_maxrss``: the honest
  figure, everything the process held — Python, openpyxl, SQLite's caches),
  and how long the one write transaction held the write lock: inside the
  operation (``lock s``, the figure printed before) and from its first
  statement to the end of its COMMIT (``+commit s``).
* **traced**: the same import once more in a fresh process under
  ``tracemalloc``: the peak of Python's own allocations (``tracemalloc MB``;
  SQLite's memory is not in it, and tracing slows the run, so the time and
  ``ru_maxrss`` above come from the untraced run). ``--no-trace`` skips it.
* **floor**: the least any import of that file can cost here: openpyxl
  read-only iteration of the same file (values only), plus raw ``sqlite3``
  ``executemany`` of the same citizen, card and ledger rows in one transaction.
* **punch** (unless ``--no-punch``): a second process registers a punch every
  50 ms during the import and reports its longest wait (the goal: ≤ 1 s at
  20,000 rows) and how many it made (a refusal "Databasen er optaget" is counted
  as such, never hidden).

Goals: 20,000 rows ≤ 8 s, 200,000 rows ≤ 80 s, peak ≤ 150 MB, lock ≤ 1 s at 20,000.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script (python benchmarks/import_speed.py) as well as with -m
    sys.path.insert(0, str(ROOT))
DISTRICTS = ("Hedensted", "Juelsminde", "Tørring")
FIRST = ("Karen", "Inge", "Birthe", "Åse", "Jørgen", "Søren", "Else", "Poul", "Grethe", "Bent")
LAST = ("Jensen", "Nielsen", "Sørensen", "Østergaard", "Bæk", "Møller", "Kjær", "Holm", "Dahl", "Lund")


def _cpr(i: int) -> str:
    day = _dt.date(1930, 1, 1) + _dt.timedelta(days=i % 9000)
    return f"{day:%d%m%y}{1000 + (i // 9000) % 3000:04d}"  # 7th digit 1-3: born in the 1900s


def write_file(path: Path, rows: int, seed: int = 1) -> None:
    from openpyxl import Workbook

    from exports.excel import CARD_HEADERS

    rnd = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Klippekort")
    ws.append(list(CARD_HEADERS))
    number, i, written = 100_000, 0, 0
    while written < rows:
        cpr = _cpr(i)
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        district = rnd.choice(DISTRICTS)
        start = _dt.date(2024, 1, 1) + _dt.timedelta(days=rnd.randrange(300))
        if rnd.random() < 0.3 and written + 1 < rows:  # an ended card, then an open one
            end = start + _dt.timedelta(days=60)
            ws.append([f"{cpr[:6]}-{cpr[6:]}", name, district, number, start, 10, end])
            number, written, start = number + 1, written + 1, end + _dt.timedelta(days=3)
        ws.append([f"{cpr[:6]}-{cpr[6:]}", name, district, number, start, rnd.randrange(10), None])
        number, written, i = number + 1, written + 1, i + 1
    wb.save(path)


def _fresh_database(path: Path) -> None:
    from models.entities import District
    from models.staff import init_database
    from models.store import close_database, open_database

    open_database(str(path))
    init_database(_login(), "Benchmark")
    for name in DISTRICTS:
        District.create(name=name, home_help_count=100)
    close_database()


def _login() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_cirkel(xlsx: str, db: str, traced: bool = False) -> dict:
    from exports.importer import import_file
    from models import imports
    from models.staff import require_staff
    from models.store import open_database

    open_database(db)
    held = {}
    real_write = imports._write.__wrapped__

    def timed_write(*args, **kwargs):  # inside the write transaction: the lock hold (less BEGIN/COMMIT)
        start = held["begun"] = time.perf_counter()
        try:
            return real_write(*args, **kwargs)
        finally:
            held["s"] = time.perf_counter() - start

    operation = imports.operation(timed_write)

    def write_and_commit(*args, **kwargs):  # from the first statement to the end of COMMIT
        try:
            return operation(*args, **kwargs)
        finally:
            held["with_commit"] = time.perf_counter() - held.get("begun", time.perf_counter())

    imports._write = write_and_commit
    if traced:
        import tracemalloc

        tracemalloc.start()
    start = time.perf_counter()
    report = import_file(require_staff(_login()), xlsx)
    took = time.perf_counter() - start
    result = {"seconds": round(took, 2), "peak_mb": round(_peak_mb(), 1), "lock_s": round(held.get("s", 0), 3),
              "lock_commit_s": round(held.get("with_commit", 0), 3),
              "cards": len(report.new_cards), "citizens": len(report.new_citizens)}
    if traced:
        result["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    return result


def measure_floor(xlsx: str, db: str) -> dict:
    """openpyxl read-only iteration + raw sqlite3 executemany of the same rows."""
    import sqlite3

    from openpyxl import load_workbook

    start = time.perf_counter()
    wb = load_workbook(xlsx, read_only=True, data_only=True)
    rows = list(wb["Klippekort"].iter_rows(values_only=True))[1:]
    wb.close()
    read = time.perf_counter() - start
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=normal")
    stamp = "2026-01-01 00:00:00"
    citizens, cards, punches, ids = [], [], [], {}
    for cpr, name, _district, number, start_day, used, *_end in rows:
        cid = ids.get(cpr)
        if cid is None:
            cid = ids[cpr] = len(ids) + 1
            citizens.append((cid, cpr.replace("-", ""), name, "", "", "", "", 1, 0, "active", stamp, stamp, 1))
        cards.append((len(cards) + 1, number, cid, 10, used, "open", start_day.date().isoformat(), "", stamp))
        if used:
            punches.append((f"p{len(punches)}", len(cards), cid, "import", used, "importeret",
                            start_day.date().isoformat(), "", 1, stamp))
    begin = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.executemany('INSERT INTO citizen (id, cpr, name, address, postcode, city, phone, district_id, '
                    'receives_home_help, state, state_since, created_at, created_by_id) '
                    'VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', citizens)
    con.executemany("INSERT INTO card (id, number, citizen_id, clips, used, status, issued_on, end_reason, created_at) "
                    "VALUES (?,?,?,?,?,?,?,?,?)", cards)
    con.executemany('INSERT INTO punch (id, card_id, citizen_id, kind, clips, activity, punched_on, reason, '
                    'registered_by_id, registered_at) VALUES (?,?,?,?,?,?,?,?,?,?)', punches)
    con.execute("COMMIT")
    write = time.perf_counter() - begin
    return {"seconds": round(time.perf_counter() - start, 2), "read_s": round(read, 2), "write_s": round(write, 3),
            "peak_mb": round(_peak_mb(), 1)}


PUNCHER = """
import json, sys, time, uuid
from models.base import DomainError
from models.store import open_database
from models.staff import require_staff
from models.entities import Citizen
from models.cards import punch, reverse_punch
import pwd, os
open_database(sys.argv[1])
me = require_staff(pwd.getpwuid(os.getuid()).pw_name)
citizen = Citizen.get_by_id(1)
waits, busy = [], 0
stop = sys.argv[2]  # the parent creates this file when the import is done
deadline = time.time() + 600
while time.time() < deadline and not os.path.exists(stop):
    pid = str(uuid.uuid4())
    t = time.perf_counter()
    try:
        punch(me, citizen, 1, "Benchmark", punch_id=pid)
    except DomainError:  # the write gate gave up (15 s): counted, and the wait is still a wait
        busy += 1
        waits.append(time.perf_counter() - t)
        continue
    waits.append(time.perf_counter() - t)
    reverse_punch(me, pid, "benchmark")  # so the card never runs out
    time.sleep(0.05)
print(json.dumps({"max": max(waits) if waits else 0, "punches": len(waits), "busy": busy}))
"""


def _child(kind: str, xlsx: str, db: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.import_speed", "--child", kind, xlsx, db],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(sizes: list[int], with_punch: bool, traced: bool = True) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="cirkel-import-bench-") as tmp:
        for size in sizes:
            xlsx = Path(tmp) / f"rows-{size}.xlsx"
            write_file(xlsx, size)
            floor_db, cirkel_db = Path(tmp) / f"floor-{size}.db", Path(tmp) / f"cirkel-{size}.db"
            for db in (floor_db, cirkel_db):
                subprocess.run([sys.executable, "-m", "benchmarks.import_speed", "--child", "fresh", "-", str(db)],
                               cwd=ROOT, check=True)
            floor = _child("floor", str(xlsx), str(floor_db))
            punch_wait = None
            if with_punch:
                _seed_punchable(cirkel_db)
                stop = Path(tmp) / f"stop-{size}"
                puncher = subprocess.Popen([sys.executable, "-c", PUNCHER, str(cirkel_db), str(stop)], cwd=ROOT,
                                           stdout=subprocess.PIPE, text=True)
                time.sleep(1.0)
            cirkel = _child("cirkel", str(xlsx), str(cirkel_db))
            punches = None
            if with_punch:
                stop.touch()
                try:
                    out, _err = puncher.communicate(timeout=60)
                    punches = json.loads(out.strip().splitlines()[-1]) if out.strip() else None
                    punch_wait = punches["max"] if punches else None
                except subprocess.TimeoutExpired:
                    puncher.kill()
            if traced:
                traced_db = Path(tmp) / f"traced-{size}.db"
                subprocess.run([sys.executable, "-m", "benchmarks.import_speed", "--child", "fresh", "-",
                                str(traced_db)], cwd=ROOT, check=True)
                cirkel["traced_peak_mb"] = _child("traced", str(xlsx), str(traced_db))["traced_peak_mb"]
            results.append({"rows": size, "cirkel": cirkel, "floor": floor, "punch_max_wait_s": punch_wait,
                            "punches": punches})
    return results


def _seed_punchable(db: Path) -> None:
    subprocess.run([sys.executable, "-m", "benchmarks.import_speed", "--child", "seed", "-", str(db)], cwd=ROOT,
                   check=True)


def _seed(db: str) -> None:
    """One active citizen with an open card, to punch during the import."""
    import decimal

    from models.entities import Budget, Card, Citizen, District, Pool
    from models.staff import require_staff
    from models.store import open_database

    open_database(db)
    me = require_staff(_login())
    district = District.get(District.name == DISTRICTS[0])
    budget = Budget.create(year=_dt.date.today().year, budget_dkk=decimal.Decimal(100000),
                           price_per_clip_dkk=decimal.Decimal(100), created_by=me)
    pool = Pool.create(budget=budget, district=district, allocated=1000)
    citizen = Citizen.create(cpr="0101300001", name="Punch Prøve", district=district, state="active",
                             state_since=_dt.date.today(), created_by=me)
    Card.create(number=1000, citizen=citizen, pool=pool, issued_on=_dt.date.today(), issued_by=me)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--punch", action="store_true", default=True, help=argparse.SUPPRESS)  # the default now
    parser.add_argument("--no-punch", dest="punch", action="store_false", help="no punching process beside")
    parser.add_argument("--no-trace", dest="trace", action="store_false",
                        help="no second, tracemalloc'ed run (its Python peak)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "XLSX", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, xlsx, db = args.child
        if kind == "fresh":
            _fresh_database(Path(db))
        elif kind == "seed":
            _seed(db)
        elif kind in ("cirkel", "traced"):
            print(json.dumps(measure_cirkel(xlsx, db, traced=kind == "traced")))
        else:
            print(json.dumps(measure_floor(xlsx, db)))
        return
    before = os.getloadavg()
    results = run([int(s) for s in args.sizes.split(",")], args.punch, args.trace)
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"load_before": before, "load": load, "results": results}))
        return
    print(f"load average before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, after {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}, {os.cpu_count()} cores")
    print(f"{'rows':>8} {'cirkel s':>9} {'floor s':>8} {'×floor':>7} {'peak MB':>8} {'tracemalloc MB':>14} "
          f"{'floor MB':>9} {'lock s':>7} {'+commit s':>9} {'floor write s':>13} {'punch wait s':>12} {'punches':>8}")
    for r in results:
        c, f = r["cirkel"], r["floor"]
        wait = f"{r['punch_max_wait_s']:.3f}" if r["punch_max_wait_s"] is not None else "-"
        made = r.get("punches") or {}
        punches = f"{made['punches']}" + (f" ({made['busy']} busy)" if made.get("busy") else "") if made else "-"
        traced = f"{c['traced_peak_mb']:.1f}" if "traced_peak_mb" in c else "-"
        print(f"{r['rows']:>8} {c['seconds']:>9.2f} {f['seconds']:>8.2f} {c['seconds'] / f['seconds']:>7.1f} "
              f"{c['peak_mb']:>8.1f} {traced:>14} {f['peak_mb']:>9.1f} {c['lock_s']:>7.3f} "
              f"{c['lock_commit_s']:>9.3f} {f['write_s']:>13.3f} {wait:>12} {punches:>8}")
    print("peak MB: the process's ru_maxrss (all of it); tracemalloc MB: Python's own allocations at their peak, "
          "in a second, traced run; lock s: inside the write operation; +commit s: to the end of its COMMIT")


if __name__ == "__main__":
    main()
