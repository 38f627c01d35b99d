"""The evaluation workbook (issue #19): the period's figures for the steering group.

Five sheets, headers fixed by the issue; numbers are numbers, dates are dates
(``dd-mm-yyyy``; the month of ``Deltagere`` is its first day shown ``mm-yyyy``),
every text a text cell that can never become a formula, every sheet set up for
print (:func:`exports.workbook.print_setup`). The figures are those of
:func:`models.evaluation.evaluation`; no citizen is named, but the file is
recorded in the audit and the access log like every export.

``Deltagere``     per month and district, and ``I alt``
``Aktiviteter``   per catalogue offer, and each own idea by its text; adds up to
                  the period's net clips (the ``Klip`` sheet of ``cirkel export``)
``Resultater``    per measure and district: citizens compared, mean at baseline
                  and now, the change, and how many improved / unchanged / worse
                  beyond the threshold named in ``Mål``; then the WHO-5 ≤ 28 and
                  UCLA-3 ≥ 7 counts at baseline (Før) and now (Nu)
``Afslutninger``  the participants' endings by reason
``Fællesture``    each joint outing held in the period
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.base import audit, log_access, operation
from models.entities import Staff
from models.evaluation import (
    CATEGORY_OWN,
    FLAG_LABELS,
    THRESHOLD_LABELS,
    TOTAL,
    Evaluation,
    EvaluationPeriod,
    evaluation,
    own_idea_texts,
)
from models.files import write_private
from models.permissions import require
from models.results import MEASURE_LABELS, MEASURES
from models.store import read_transaction

from .excel import _date, _finish, _header, _text

SHEET_PARTICIPANTS = "Deltagere"
SHEET_ACTIVITIES = "Aktiviteter"
SHEET_RESULTS = "Resultater"
SHEET_ENDINGS = "Afslutninger"
SHEET_OUTINGS = "Fællesture"
PARTICIPANT_HEADERS = ("Måned", "Distrikt", "Aktive", "På pause", "Venteliste", "Startet", "Afsluttet")
ACTIVITY_HEADERS = ("Kategori", "Aktivitet", "Egen idé", "Registreringer", "Klip")
RESULT_HEADERS = ("Mål", "Distrikt", "Antal", "Før", "Nu", "Ændring", "Bedre", "Uændret", "Dårligere")
ENDING_HEADERS = ("Årsag", "Antal")
OUTING_HEADERS = ("Dato", "Tur", "Pladser", "Tilmeldt", "Deltog", "Transport kr")
PARTICIPANT_WIDTHS = (10, 18, 9, 10, 11, 9, 10)
ACTIVITY_WIDTHS = (14, 36, 10, 15, 9)
RESULT_WIDTHS = (26, 18, 8, 8, 8, 9, 8, 9, 10)
ENDING_WIDTHS = (24, 9)
OUTING_WIDTHS = (12, 34, 9, 9, 9, 13)
MONTH_FORMAT = "mm-yyyy"
MEAN_FORMAT = "0.0"
KRONER_FORMAT = "#,##0.00"


def measure_label(measure: str) -> str:
    return f"{MEASURE_LABELS[measure]} ({THRESHOLD_LABELS[measure]})"


def participant_rows(ev: Evaluation) -> list[tuple]:
    rows = []
    for i, month in enumerate(ev.months):
        for g in ev.groups:
            m = g.months[i]
            rows.append((month.month_start, g.district, m.active, m.paused, m.waitlisted, m.joined, m.ended))
    return rows


def activity_rows(ev: Evaluation, ideas) -> list[tuple]:
    """Catalogue offers by category, the other kinds, then the own ideas by text."""
    lines = sorted((a for a in ev.total.activities.values() if not a.own_idea),
                   key=lambda a: (a.category, a.activity.casefold()))
    rows = [(a.category, a.activity, "nej", a.registrations, a.clips) for a in lines]
    rows += [(CATEGORY_OWN, a.activity, "ja", a.registrations, a.clips) for a in ideas]
    return rows


def result_rows(ev: Evaluation) -> list[tuple]:
    rows = []
    for measure in MEASURES:
        for g in ev.groups:
            line = g.measures[measure]
            rows.append((measure_label(measure), g.district, line.count, _round(line.before), _round(line.now),
                         _round(line.change), line.better, line.same, line.worse))
    for flag, label in FLAG_LABELS.items():
        for g in ev.groups:
            f = g.flags[flag]
            rows.append((f"{label} (antal borgere)", g.district, f.count, f.before, f.now, f.now - f.before,
                         None, None, None))
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def ending_rows(ev: Evaluation) -> list[tuple]:
    return sorted(ev.total.reasons.items(), key=lambda e: (-e[1], e[0]))


def outing_rows(ev: Evaluation) -> list[tuple]:
    return [(row.held_on or row.starts_at.date(), row.title, row.seats, row.taken, row.attended,
             row.transport_cost_dkk) for row in ev.outings]


@dataclass
class EvaluationFile:
    path: Path
    period: EvaluationPeriod
    rows: dict[str, int]


def write_workbook(path: Path, period: EvaluationPeriod) -> dict[str, int]:
    """Write the five sheets to ``path`` (no checks, no logging); the rows per sheet."""
    from openpyxl import Workbook

    ev = evaluation(period)
    ideas = own_idea_texts(period)
    wb = Workbook(write_only=True)
    counts: dict[str, int] = {}
    title = f"Cirkel — evaluering {period.label}"

    def sheet(name, headers, widths, rows, cells, landscape=False):
        ws = wb.create_sheet(name)
        _header(ws, headers, widths, f"{title} — {name}", landscape=landscape)  # with exports.workbook.print_setup
        for row in rows:
            ws.append(cells(ws, row))
        _finish(ws, len(headers), len(rows))
        counts[name] = len(rows)

    def month_cell(ws, value):
        cell = _date(ws, value)
        cell.number_format = MONTH_FORMAT
        return cell

    def number(ws, value, fmt):
        from openpyxl.cell import WriteOnlyCell

        if value is None:
            return None
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = fmt
        return cell

    sheet(SHEET_PARTICIPANTS, PARTICIPANT_HEADERS, PARTICIPANT_WIDTHS, participant_rows(ev),
          lambda ws, r: [month_cell(ws, r[0]), _text(ws, r[1]), *r[2:]])
    sheet(SHEET_ACTIVITIES, ACTIVITY_HEADERS, ACTIVITY_WIDTHS, activity_rows(ev, ideas),
          lambda ws, r: [_text(ws, r[0]), _text(ws, r[1]), _text(ws, r[2]), r[3], r[4]])
    sheet(SHEET_RESULTS, RESULT_HEADERS, RESULT_WIDTHS, result_rows(ev),
          lambda ws, r: [_text(ws, r[0]), _text(ws, r[1]), r[2],
                         *(number(ws, v, MEAN_FORMAT) if isinstance(v, float) else v for v in r[3:6]), *r[6:]],
          landscape=True)
    sheet(SHEET_ENDINGS, ENDING_HEADERS, ENDING_WIDTHS, ending_rows(ev),
          lambda ws, r: [_text(ws, r[0]), r[1]])
    sheet(SHEET_OUTINGS, OUTING_HEADERS, OUTING_WIDTHS, outing_rows(ev),
          lambda ws, r: [_date(ws, r[0]), _text(ws, r[1]), r[2], r[3], r[4], number(ws, float(r[5]), KRONER_FORMAT)])
    wb.save(str(path))
    return counts


def default_path(period: EvaluationPeriod, directory: str | Path | None = None) -> Path:
    return Path(directory or Path.cwd()) / period.default_filename()


def export_evaluation(actor: Staff, period: EvaluationPeriod, path: str | Path | None = None,
                      force: bool = False) -> EvaluationFile:
    """The evaluation workbook, for a leader: one read snapshot, written through
    :func:`models.files.write_private`, recorded in the audit and the access log."""
    require(actor, "evaluation")
    holder: list[dict[str, int]] = []

    def write(temp: Path) -> None:
        with read_transaction():
            holder.append(write_workbook(temp, period))

    target = write_private(path or default_path(period), write, force=force, suffix=".xlsx")
    result = EvaluationFile(target, period, holder[0])
    _record(actor, result)
    return result


@operation
def _record(actor: Staff, result: EvaluationFile) -> None:
    figures = {"period": result.period.label, "file": str(result.path), "rows": result.rows}
    audit(actor, "evaluation.export", "evaluation", result.period.label, None, figures)
    log_access(actor, "export", criterion=f"evaluering {result.period.label} → {result.path}")


__all__ = ["TOTAL", "export_evaluation", "write_workbook"]
