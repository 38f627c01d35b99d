"""Paper from Cirkel (issue #16): the printed klippekort, the driver's participant list, a citizen's history.

All A4 PDFs, drawn with ReportLab (Code 128 built in; TrueType fonts embedded
as subsets). ReportLab is imported only inside the functions that print, so
starting Cirkel never pays for it. The font is DejaVu Sans, shipped in
``exports/fonts`` with its licence, so æ, ø and å come out right on every
machine.

* Cards: four A6-like cards (92 × 134 mm) per sheet with cut marks. Each has
  the scheme's name, the citizen's name, card number, district and its phone,
  issue date, 10 numbered ½-hour boxes with room for date and initials (boxes
  already used are struck, e.g. on a replacement card), the rules, and a
  Code 128 barcode of the card number for the quick-punch scanner. No CPR.
* Lists: the header on every page, the table's header row repeated, page
  "n af m", dates dd-mm-yyyy.

Every file is written through :func:`models.files.write_private` (0600, never
through a symlink, no overwrite without ``force``). File names hold no
personal data. Each print is in the access log (``models.printing.log_print``)
and a card print marks the cards printed (``models.printing.record_print``),
after the file is written.
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from models.base import DomainError, today
from models.entities import CLIPS_PER_CARD, Staff
from models.files import STDOUT, check_target, default_directory, write_private
from models.i18n import _
from models.inputs import format_date
from models.printing import (
    CARD_RULES,
    CARDS_PER_SHEET,
    CardFace,
    CardSheet,
    CitizenHistory,
    card_faces,
    card_sheet,
    citizen_history,
    pending_faces,
    record_print,
)

FONT_DIR = Path(__file__).with_name("fonts")
FONT, FONT_BOLD = "CirkelSans", "CirkelSans-Bold"

MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 210 * MM, 297 * MM
CARD_W, CARD_H = 92 * MM, 134 * MM
GUTTER = 10 * MM
CARD_PAD = 5 * MM


def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def fmt_date(day: _dt.date | _dt.datetime | None) -> str:
    return format_date(day) if day else ""


def stamp_name(kind: str, at: _dt.datetime | None = None) -> str:
    """A file name with no personal data: ``<kind>-<yyyy-mm-dd>-<hhmmss>.pdf``."""
    at = at or _dt.datetime.now()
    return f"{kind}-{at.strftime('%Y-%m-%d-%H%M%S')}.pdf"


def target_path(destination: str | os.PathLike | None, default_name: str) -> Path:
    """``destination`` as a file (ending in .pdf), or a folder to put ``default_name`` in (default: here)."""
    if destination is None or str(destination).strip() == "":
        return default_directory() / default_name  # under the service account: the staff member's outbox
    if str(destination) == STDOUT:
        return Path(STDOUT)
    path = Path(destination).expanduser()
    if path.suffix.lower() == ".pdf":
        return path
    if path.is_dir():
        return path / default_name
    raise DomainError(_("{destination} er hverken en mappe eller et filnavn, der ender på .pdf.").format(destination=destination), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def _fit(canvas, text: str, font: str, size: float, width: float, smallest: float = 6) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


# --- the card -----------------------------------------------------------------

def card_positions() -> list[tuple[float, float]]:
    """Lower-left corners of the four cards on a sheet: top row first, left to right."""
    left = (PAGE_W - 2 * CARD_W - GUTTER) / 2
    bottom = (PAGE_H - 2 * CARD_H - GUTTER) / 2
    xs = (left, left + CARD_W + GUTTER)
    ys = (bottom + CARD_H + GUTTER, bottom)
    return [(x, y) for y in ys for x in xs]


def _cut_marks(c, x: float, y: float) -> None:
    """Short lines just outside each corner of a card, where the scissors go."""
    gap, length = 1 * MM, 4 * MM
    c.setLineWidth(0.3)
    c.setStrokeGray(0.3)
    for cx in (x, x + CARD_W):
        for cy in (y, y + CARD_H):
            dx = -1 if cx == x else 1
            dy = -1 if cy == y else 1
            c.line(cx + dx * gap, cy, cx + dx * (gap + length), cy)
            c.line(cx, cy + dy * gap, cx, cy + dy * (gap + length))


def draw_card(c, x: float, y: float, face: CardFace, scheme_name: str) -> None:
    """One card with its lower-left corner at (x, y)."""
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.utils import simpleSplit

    inner = CARD_W - 2 * CARD_PAD
    left = x + CARD_PAD
    right = x + CARD_W - CARD_PAD
    centre = x + CARD_W / 2
    top = y + CARD_H - CARD_PAD

    c.setStrokeGray(0.6)
    c.setLineWidth(0.4)
    c.roundRect(x, y, CARD_W, CARD_H, 3 * MM)
    c.setFillGray(0)

    size = _fit(c, scheme_name, FONT_BOLD, 12, inner)
    line = top - size
    c.setFont(FONT_BOLD, size)
    c.drawCentredString(centre, line, scheme_name)
    line -= 4 * MM
    c.setFont(FONT, 8)
    c.drawCentredString(centre, line, f"Klippekort · {CLIPS_PER_CARD} klip à ½ time")
    line -= 2.5 * MM
    c.setStrokeGray(0.6)
    c.line(left, line, right, line)

    line -= 6 * MM
    size = _fit(c, face.citizen_name, FONT_BOLD, 13, inner)
    c.setFont(FONT_BOLD, size)
    c.drawString(left, line, face.citizen_name)
    line -= 5.5 * MM
    c.setFont(FONT_BOLD, 10)
    c.drawString(left, line, f"Kort nr. {face.number}")
    c.setFont(FONT, 9)
    c.drawRightString(right, line, f"Udstedt {fmt_date(face.issued_on)}")
    line -= 4.5 * MM
    district = f"Distrikt {face.district}" if face.district else "Distrikt"
    phone = f"Tlf. {face.district_phone}" if face.district_phone else "Tlf. ______________"
    c.setFont(FONT, _fit(c, district, FONT, 9, inner - 35 * MM))
    c.drawString(left, line, district)
    c.setFont(FONT, 9)
    c.drawRightString(right, line, phone)
    note = ""
    if face.replaces is not None:
        note = f"Erstatter kort {face.replaces} (spærret). {face.struck} klip var brugt; {face.left} tilbage."
    elif face.struck:
        note = f"Ny udskrift: {face.struck} klip er allerede brugt; {face.left} tilbage."
    if note:
        line -= 4 * MM
        c.setFont(FONT, 7)
        c.drawString(left, line, note)

    # ten boxes of ½ hour, two rows of five
    gap = 1.8 * MM
    box_w = (inner - 4 * gap) / 5
    box_h = 20 * MM
    row_top = line - 3 * MM
    for i in range(CLIPS_PER_CARD):
        row, col = divmod(i, 5)
        bx = left + col * (box_w + gap)
        by = row_top - (row + 1) * box_h - row * gap
        used = i < face.struck
        c.setStrokeGray(0)
        c.setLineWidth(0.6)
        c.setFillGray(0.85 if used else 1)
        c.rect(bx, by, box_w, box_h, fill=1)
        c.setFillGray(0)
        if used:  # struck under the labels, so the number stays readable
            c.setStrokeGray(0.45)
            c.setLineWidth(0.8)
            c.line(bx, by, bx + box_w, by + box_h)
            c.line(bx, by + box_h, bx + box_w, by)
        c.setFont(FONT_BOLD, 9)
        c.drawString(bx + 1.2 * MM, by + box_h - 3.8 * MM, str(i + 1))
        c.setFont(FONT, 5.5)
        c.drawRightString(bx + box_w - 1 * MM, by + box_h - 3.2 * MM, "brugt" if used else "½ time")
        c.setLineWidth(0.3)
        c.setStrokeGray(0.5)
        for label, ly in (("Dato", by + 8 * MM), ("Init.", by + 2.5 * MM)):
            c.setFont(FONT, 5)
            c.drawString(bx + 1 * MM, ly + 0.6 * MM, label)
            c.line(bx + 1 * MM, ly, bx + box_w - 1 * MM, ly)
    line = row_top - 2 * box_h - gap - 4.5 * MM

    c.setFont(FONT, 7)
    for rule in CARD_RULES:
        lines = simpleSplit(rule, FONT, 7, inner - 3 * MM)
        for n, text in enumerate(lines):
            if n == 0:
                c.drawString(left, line, "•")
            c.drawString(left + 3 * MM, line, text)
            line -= 3.1 * MM
        line -= 0.6 * MM

    barcode = Code128(str(face.number), barWidth=0.38 * MM, barHeight=11 * MM, humanReadable=False,
                      quiet=True, lquiet=4 * MM, rquiet=4 * MM)
    bottom = y + CARD_PAD + 3.5 * MM
    barcode.drawOn(c, centre - barcode.width / 2, bottom)
    c.setFont(FONT, 8)
    c.drawCentredString(centre, y + CARD_PAD, str(face.number))


def render_cards(path: Path, sheet: CardSheet) -> int:
    """Draw the sheet's cards, four to an A4 page; returns the number of pages."""
    from reportlab.pdfgen import canvas as pdfcanvas

    _fonts()
    c = pdfcanvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    c.setTitle("Klippekort")
    c.setAuthor("Cirkel")
    c.setCreator("Cirkel")
    positions = card_positions()
    pages = 0
    for start in range(0, len(sheet.faces), CARDS_PER_SHEET):
        for face, (x, y) in zip(sheet.faces[start:start + CARDS_PER_SHEET], positions, strict=False):
            _cut_marks(c, x, y)
            draw_card(c, x, y, face, sheet.scheme_name)
        c.showPage()
        pages += 1
    c.save()
    return pages


@dataclass(frozen=True)
class PrintResult:
    path: Path
    numbers: list[int]
    pages: int


def print_cards(actor: Staff, numbers=(), *, pending: bool = False, destination=None,
                force: bool = False) -> PrintResult:
    """Print the named cards (or every card waiting to be printed) into one PDF; mark them printed.

    The file is written first; only then are the cards marked printed (one
    audited transaction), so a failed write leaves the queue as it was.
    """
    faces = pending_faces() if pending else card_faces(numbers)
    if not faces:
        raise DomainError(_("Der er ingen kort til udskrivning."), field="card")
    sheet = card_sheet(actor, faces)
    target = target_path(destination, stamp_name("klippekort", sheet.printed_at))
    check_target(target, force=force, suffix=".pdf")
    pages = []
    path = write_private(target, lambda temp: pages.append(render_cards(temp, sheet)), force=force,
                         suffix=".pdf")
    record_print(actor, [f.card_id for f in faces])
    return PrintResult(path, [f.number for f in faces], pages[0])


# --- lists ----------------------------------------------------------------------

def _styles():
    from reportlab.lib.styles import ParagraphStyle

    _fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5)
    return {
        "body": body,
        "bold": ParagraphStyle("bold", parent=body, fontName=FONT_BOLD),
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=14, leading=18),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
    }


def _para(text, style):
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text or "")), style)


def _numbered_canvas(footer: str):
    """A canvas class that writes "footer · Side n af m" on every page (m known at the end)."""
    from reportlab.pdfgen import canvas as pdfcanvas

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.drawString(18 * MM, 10 * MM, footer)
                self.drawRightString(PAGE_W - 18 * MM, 10 * MM, f"Side {self._pageNumber} af {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _render_list(path: Path, title: str, header_lines: list[str], blocks: list, footer: str) -> None:
    """An A4 document whose header (title and ``header_lines``) is drawn on every page."""
    from reportlab.platypus import SimpleDocTemplate

    _fonts()
    header_h = (12 + 5 * len(header_lines)) * MM

    def header(c, doc):
        c.saveState()
        c.setFont(FONT_BOLD, 13)
        top = PAGE_H - 15 * MM
        c.drawString(18 * MM, top, title)
        c.setFont(FONT, 9)
        for n, text in enumerate(header_lines, start=1):
            c.drawString(18 * MM, top - n * 5 * MM, text)
        c.setStrokeGray(0.5)
        c.line(18 * MM, top - (len(header_lines) + 0.8) * 5 * MM, PAGE_W - 18 * MM,
               top - (len(header_lines) + 0.8) * 5 * MM)
        c.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=(PAGE_W, PAGE_H), leftMargin=18 * MM, rightMargin=18 * MM,
                            topMargin=15 * MM + header_h, bottomMargin=18 * MM, title=title.split(" — ")[0],
                            author="Cirkel", creator="Cirkel")
    doc.build(blocks, onFirstPage=header, onLaterPages=header, canvasmaker=_numbered_canvas(footer))


def _table(rows: list[list], widths: list[float], styles: dict):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    head = [_para(h, styles["bold"]) for h in rows[0]]
    body = [[cell if not isinstance(cell, str) else _para(cell, styles["body"]) for cell in row] for row in rows[1:]]
    table = Table([head] + body, colWidths=[w * MM for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _tick_box():
    """An empty square to tick by hand."""
    from reportlab.graphics.shapes import Drawing, Rect

    box = Drawing(5 * MM, 5 * MM)
    box.add(Rect(0.5 * MM, 0, 4.5 * MM, 4.5 * MM, strokeWidth=0.7, fillColor=None))
    return box


def write_participant_list_pdf(actor: Staff, event_id: int, destination=None, force: bool = False) -> Path:
    """The driver's and the escort's list of an outing: name, phone, pickup address and a tick column. No CPR."""
    from models.events import event_row, participant_list

    from .participant_list import file_name

    row = event_row(event_id)
    target = target_path(destination, file_name(row.id, row.starts_at).replace(".xlsx", ".pdf"))
    check_target(target, force=force, suffix=".pdf")
    lines = participant_list(actor, event_id, action="print")
    styles = _styles()
    rows: list[list] = [["Nr.", "Navn", "Telefon", "Afhentningsadresse", "Med"]]
    for i, line in enumerate(lines, start=1):
        rows.append([str(i), line.name, line.phone, line.pickup, _tick_box()])
    head = [f"Dato {fmt_date(row.starts_at)} kl. {row.starts_at.strftime('%H:%M')}"
            + (f" · Mødested: {row.meeting_place}" if row.meeting_place else ""),
            f"Distrikt: {row.district} · {len(lines)} deltagere"]
    blocks = [_table(rows, [11, 50, 28, 71, 14], styles)]
    if not lines:
        blocks = [_para("Ingen tilmeldte deltagere.", styles["body"])]
    footer = f"Deltagerliste · udskrevet {fmt_date(today())} af {actor.name}"
    return write_private(target, lambda temp: _render_list(temp, f"Deltagerliste — {row.title}", head, blocks,
                                                           footer), force=force, suffix=".pdf")


def render_history(path: Path, history: CitizenHistory) -> None:
    from reportlab.platypus import Spacer

    styles = _styles()
    address = ", ".join(p for p in (history.address, history.postcode_city) if p)
    district = f"Distrikt {history.district}" if history.district else ""
    if history.district_phone:
        district += f" · tlf. {history.district_phone}"
    head = [line for line in (address, district) if line]
    blocks: list = [_para("Dine klippekort", styles["title"]), Spacer(1, 2 * MM)]
    if history.cards:
        rows: list[list] = [["Kort", "Udstedt", "Slut", "Brugt", "Status", "Note"]]
        for card in history.cards:
            rows.append([str(card.number), fmt_date(card.issued_on), fmt_date(card.ended_on),
                         f"{card.used} af {card.clips}", card.status_label, card.note])
        blocks.append(_table(rows, [17, 24, 24, 19, 20, 70], styles))
    else:
        blocks.append(_para("Ingen klippekort.", styles["body"]))
    blocks += [Spacer(1, 6 * MM), _para("Dine klip", styles["title"]), Spacer(1, 2 * MM)]
    if history.punches:
        rows = [["Dato", "Kort", "Klip", "Aktivitet", "Note"]]
        for p in history.punches:
            rows.append([fmt_date(p.punched_on), str(p.card_number or "aftale"), str(p.clips), p.activity, p.note])
        blocks.append(_table(rows, [24, 17, 12, 77, 44], styles))
    else:
        blocks.append(_para("Ingen klip endnu.", styles["body"]))
    footer = f"{history.scheme_name} · udskrevet {fmt_date(history.printed_at)} af {history.printed_by}"
    _render_list(path, f"Klippekort — {history.name}", head, blocks, footer)


def write_history_pdf(actor: Staff, citizen_id: int, destination=None, force: bool = False) -> Path:
    """A citizen's cards and punches on paper, to hand to the citizen. No CPR."""
    target = target_path(destination, stamp_name("historik"))
    check_target(target, force=force, suffix=".pdf")
    history = citizen_history(actor, citizen_id)
    return write_private(target, lambda temp: render_history(temp, history), force=force, suffix=".pdf")
