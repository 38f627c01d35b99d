"""Excel export: time and peak memory, write-only (what Cirkel uses) beside openpyxl's normal mode.

    python -m benchmarks.excel_export                       # 100,000 punches; flatness at 25k/50k/100k
    python -m benchmarks.excel_export --sizes 10000,100000 --normal 10000,100000
    python -m benchmarks.excel_export --json                # one JSON object per measurement

Each size gets its own SQLite file with a year of realistic rows (cards of 10
clips, punches of 1-3 clips spread over the year). Each measurement runs in a
fresh subprocess, so one cannot inherit another's memory: it opens the
database, imports openpyxl, notes its resident memory (the baseline), exports
the year and reports the wall time, the peak resident memory (``ru_maxrss``)
and the growth over the baseline; with ``--tracemalloc`` also the peak of
Python allocations during the export (slower, but independent of the
interpreter and SQLite). The goal (issue 7): a year with 100,000 punches in
under 15 s and under 150 MB, flat as rows grow.

The write-only run is Cirkel's real ``exports.excel.export``; the normal-mode
run writes the very same rows (the same generators, styles and formats) into a
normal openpyxl ``Workbook``.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2025
FIRST = ("Karen", "Inge", "Birthe", "Åse", "Jørgen", "Søren", "Ærtebjørn", "Else", "Poul", "Grethe")
LAST = ("Jensen", "Nielsen", "Sørensen", "Østergaard", "Bæk", "Møller", "Kjær", "Holm", "Dahl", "Lund")
ACTIVITIES = ("Lægebesøg", "Tur i det grønne", "Ekstra rengøring", "Banko", "Kaffe på havnen", "Frisør",
              "Pudsning af sølvtøj", "Tur til vandet", "=Købe garn", "Bustur til Bilka Vejle")


def _rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        return _rss_mb()


def build(db_path: str, punches: int, seed: int = 1) -> dict:
    """A database with ``punches`` punches dated in YEAR (about 25 per citizen)."""
    sys.path.insert(0, str(ROOT))
    from models.base import db
    from models.entities import (
        CARD_OPEN,
        CARD_USED_UP,
        PUNCH,
        STATE_ACTIVE,
        Budget,
        Card,
        Citizen,
        District,
        Pool,
        Punch,
        Staff,
    )
    from models.store import close_database, open_database

    rng = random.Random(seed)
    open_database(db_path)
    citizens = max(1, punches // 25)
    with db.atomic("IMMEDIATE"):
        admin = Staff.create(login="bench", name="Benchmark Leder", role="admin")
        budget = Budget.create(year=YEAR, budget_dkk=10_000_000, price_per_clip_dkk=187, created_by=admin)
        districts = [District.create(name=n, home_help_count=h)
                     for n, h in (("Hedensted", 212), ("Juelsminde", 118), ("Tørring", 145))]
        pools = {d.id: Pool.create(budget=budget, district=d, allocated=20_000) for d in districts}
        citizen_rows, card_rows, punch_rows = [], [], []
        card_id = 0
        made = 0
        for cid in range(1, citizens + 1):
            district = districts[cid % 3]
            # unique CPR: the birth day and the serial both come from the citizen id
            born = _dt.date(1925, 1, 1) + _dt.timedelta(days=cid % 10950)
            cpr = born.strftime("%d%m%y") + f"{cid // 10950:04d}"
            citizen_rows.append((cid, cpr, f"{rng.choice(FIRST)} {rng.choice(LAST)} {cid}",
                                 district.id, STATE_ACTIVE, _dt.date(YEAR, 1, 1)))
            want = punches // citizens + (1 if cid <= punches % citizens else 0)
            day = _dt.date(YEAR, 1, 1)
            step = max(1, 360 // max(1, want))
            card = None
            for _ in range(want):
                if card is None or card[2] + 1 > 10:
                    if card is not None:
                        card_rows.append((card[0], card[1], cid, pools[district.id].id, 10, card[2],
                                          CARD_USED_UP, card[3], card[4]))
                    card_id += 1
                    card = [card_id, 1000 + card_id, 0, day, None]
                clips = min(10 - card[2], rng.choice((1, 2, 2, 3)))
                card[2] += clips
                card[4] = day
                punch_rows.append((str(uuid.UUID(int=rng.getrandbits(128))), card[0], cid, PUNCH, clips,
                                   rng.choice(ACTIVITIES), day, admin.id,
                                   _dt.datetime.combine(day, _dt.time(9, 0))))
                made += 1
                day = min(_dt.date(YEAR, 12, 31), day + _dt.timedelta(days=step))
            if card is not None:
                status = CARD_USED_UP if card[2] == 10 else CARD_OPEN
                card_rows.append((card[0], card[1], cid, pools[district.id].id, 10, card[2], status, card[3],
                                  card[4] if status == CARD_USED_UP else None))
        fixed = citizen_rows
        for start in range(0, len(fixed), 500):
            Citizen.insert_many(fixed[start:start + 500],
                                fields=[Citizen.id, Citizen.cpr, Citizen.name, Citizen.district,
                                        Citizen.state, Citizen.state_since]).execute()
        for start in range(0, len(card_rows), 500):
            Card.insert_many(card_rows[start:start + 500],
                             fields=[Card.id, Card.number, Card.citizen, Card.pool, Card.clips, Card.used,
                                     Card.status, Card.issued_on, Card.ended_on]).execute()
        for start in range(0, len(punch_rows), 500):
            Punch.insert_many(punch_rows[start:start + 500],
                              fields=[Punch.id, Punch.card, Punch.citizen, Punch.kind, Punch.clips,
                                      Punch.activity, Punch.punched_on, Punch.registered_by,
                                      Punch.registered_at]).execute()
    close_database()
    return {"citizens": citizens, "cards": len(card_rows), "punches": made}


def write_normal(path: str, period) -> tuple[int, int]:
    """The same rows, styles and formats as exports.excel, in openpyxl's normal (in-memory) mode."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from exports import excel

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)

    def sheet(title, headers, widths, rows, dates, texts):
        ws = wb.create_sheet(title)
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font = bold
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        n = 0
        for row in rows:
            r = n + 2  # not ws.max_row: that scans every cell, which would make this quadratic
            for i, value in enumerate(row):
                if value is None:
                    continue
                cell = ws.cell(r, i + 1, excel.clean_text(value) if i in texts else value)
                if i in dates:
                    cell.number_format = excel.DATE_FORMAT
                elif i in texts:
                    cell.data_type = "s"
                    if cell.value.startswith(excel.FORMULA_STARTS):
                        cell.quotePrefix = True
            n += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n + 1}"
        return n

    cards = sheet(excel.SHEET_CARDS, excel.CARD_HEADERS, excel.CARD_WIDTHS, excel.card_rows(period),
                  (4, 6), (0, 1, 2))
    punches = sheet(excel.SHEET_PUNCHES, excel.PUNCH_HEADERS, excel.PUNCH_WIDTHS, excel.punch_rows(period),
                    (0,), (1, 2, 5, 6))
    sheet(excel.SHEET_POOLS, excel.POOL_HEADERS, excel.POOL_WIDTHS, excel.pool_rows(period.year), (), (0,))
    wb.save(path)
    return cards, punches


def child(mode: str, db_path: str, out: str, trace: bool) -> dict:
    """One measurement, in this (fresh) process."""
    sys.path.insert(0, str(ROOT))
    import openpyxl  # noqa: F401  (part of the baseline: both modes need it)

    from exports.excel import export, year_period
    from models.entities import Staff
    from models.store import open_database

    open_database(db_path)
    actor = Staff.get(Staff.login == "bench")
    period = year_period(YEAR)
    base = _current_rss_mb()
    if trace:
        import tracemalloc

        tracemalloc.start()
    started = time.perf_counter()
    if mode == "write-only":
        result = export(actor, period, out)
        cards, punches = result.cards, result.punches
    else:
        cards, punches = write_normal(out, period)
    seconds = time.perf_counter() - started
    figures = {"mode": mode, "cards": cards, "punches": punches, "seconds": round(seconds, 2),
               "baseline_rss_mb": round(base, 1), "peak_rss_mb": round(_rss_mb(), 1),
               "growth_mb": round(_rss_mb() - base, 1)}
    if trace:
        figures["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
    figures["file_mb"] = round(os.path.getsize(out) / 2**20, 2)
    return figures


def measure(mode: str, db_path: str, out: str, trace: bool = False) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "benchmarks.excel_export", "--child", mode, "--db", db_path, "--out", out]
    if trace:
        cmd.append("--tracemalloc")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT))
    if done.returncode != 0:
        raise RuntimeError(f"{mode} child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="25000,50000,100000,200000", help="punches per write-only run")
    parser.add_argument("--normal", default="100000", help="punches per normal-mode run ('' for none)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per measurement")
    parser.add_argument("--keep", metavar="DIR", help="build the databases in DIR and keep them")
    parser.add_argument("--child", choices=("write-only", "normal"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.db, args.out, args.tracemalloc)))
        return 0

    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    normal = sorted({int(s) for s in args.normal.split(",") if s.strip()})
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cirkel-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    if not args.json:
        print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; each figure from a fresh process")
    for n in sorted(set(sizes) | set(normal)):
        db_path = str(workdir / f"bench-{n}.db")
        if not Path(db_path).exists():
            started = time.perf_counter()
            shape = subprocess.run(
                [sys.executable, "-c",
                 f"import json,sys; sys.path.insert(0,{str(ROOT)!r}); from benchmarks.excel_export import build; "
                 f"print(json.dumps(build({db_path!r}, {n})))"],
                capture_output=True, text=True, cwd=str(ROOT), check=True).stdout
            if not args.json:
                print(f"built {n:,} punches ({json.loads(shape)}) in {time.perf_counter() - started:.1f} s")
        for mode, wanted in (("write-only", sizes), ("normal", normal)):
            if n in wanted:
                figures = measure(mode, db_path, str(workdir / f"out-{mode}-{n}.xlsx"), args.tracemalloc)
                figures["size"] = n
                results.append(figures)
                if args.json:
                    print(json.dumps(figures))
                else:
                    traced = (f", traced peak {figures['tracemalloc_peak_mb']:6.1f} MB"
                              if "tracemalloc_peak_mb" in figures else "")
                    print(f"{mode:10s} {n:>8,} punches ({figures['cards']:,} cards): {figures['seconds']:6.2f} s, "
                          f"peak RSS {figures['peak_rss_mb']:7.1f} MB (baseline {figures['baseline_rss_mb']:.1f}, "
                          f"growth {figures['growth_mb']:6.1f} MB){traced}, file {figures['file_mb']} MB")
    if not args.json:
        wo = [r for r in results if r["mode"] == "write-only"]
        if len(wo) > 1:
            print(f"write-only growth from {wo[0]['size']:,} to {wo[-1]['size']:,} punches: "
                  f"{' → '.join(str(r['growth_mb']) for r in wo)} MB. What grows at first is SQLite's page "
                  "cache, capped at 16 MB (cache_size in models/store.py); after that it is flat, and "
                  "openpyxl's share stays flat throughout (--tracemalloc shows Python's heap).")
        goal = [r for r in wo if r["size"] == 100_000]
        if goal:
            r = goal[0]
            slower = " (timed under tracemalloc, which slows it several times)" if args.tracemalloc else ""
            print(f"goal (100,000 punches < 15 s, < 150 MB): {r['seconds']} s, {r['peak_rss_mb']} MB peak RSS{slower}")
        if not args.keep:
            print(f"(scratch files in {workdir}; remove with rm -r {workdir})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
