"""The quick-punch dialog: find the citizen, the clips, the activity, Enter.

The key sequence is part of the product (staff learn it once):
``k`` (or F2), ``4471``, Enter, ``2``, Enter, ``Lægebesøg``, Enter registers
2 clips on card 4471, closes the dialog and notifies the clips left. A refusal
keeps the dialog open with the Danish reason beside the field it concerns.
Esc, or the Annullér button, leaves at any step.

The punch id is made when the dialog opens, so a retry after an error can
never register the same clips twice.

A USB barcode scanner types the card number and Enter like a keyboard, a few
milliseconds apart (issue #16). The App shows the dialog every key before it
reaches a field (``observe_key``); four or more digits and Enter arriving that
fast are a scan, whichever field has focus: the digits are taken back out of
that field, the scanned card is picked at once and the focus goes to the
clips. A blocked (lost) card's number says so.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Static

from models.base import DomainError, today
from models.cards import agreement_for_punch, clips_refusal
from models.entities import CARD_USED_UP, CLIPS_PER_CARD
from models.i18n import _
from models.inputs import format_date as fmt_date
from models.inputs import parse_date
from models.punching import activity_suggestions, register_punch

from .citizen_picker import CitizenPicker
from .forms import FieldMessage, FieldRow
from .typeahead import TypeAheadForm

SCAN_GAP = 0.035  # seconds between keys: a scanner types faster than any person (issue 16)
SCAN_MIN_DIGITS = 4  # card numbers start at 1001


@dataclass(frozen=True)
class PunchOutcome:
    punch_id: str
    citizen_name: str
    card_number: int | None
    agreement_id: int | None
    clips: int
    left: int
    used_up: bool


class CatalogueSuggester(SuggestFromList):
    """Completes the activity from the active catalogue offers and the free texts used before
    (case-insensitive; which free texts: models.punching.activity_suggestions)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(names, case_sensitive=False)


class QuickPunchDialog(TypeAheadForm):
    """Register clips in a few keystrokes."""

    BINDINGS = [
        Binding("escape", "cancel", _("Annullér"), id="punch-cancel", tooltip=_("Luk uden at registrere.")),
    ]

    FIELDS = ("qp-citizen", "qp-clips", "qp-activity", "qp-date")
    NEXT = {"qp-citizen": "qp-clips", "qp-clips": "qp-activity"}  # Enter in activity or date registers

    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self.initial = initial
        self.punch_id = str(uuid.uuid4())
        self.busy = False
        self.reason: str | None = None
        self._refused_value: dict[str, str] = {}
        self._scan_digits = ""  # issue 16: digits typed at a scanner's pace, and where
        self._scan_last = self._enter_at = 0.0
        self._scan_field: str | None = None
        self._scan_before = ""
        self._scans: dict[int, tuple[str, str, str]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="qp-box", classes="dialog-box"):
            yield Static(_("Registrér klip"), classes="dialog-title")
            yield CitizenPicker(_("Borger"), id="qp-picker", input_id="qp-citizen")
            yield FieldRow(_("Klip"), Input(id="qp-clips", compact=True, restrict=r"[0-9]*", max_length=3,
                                            placeholder=_("1–10")), field="clips", message_id="qp-clips-msg",
                           reserve=True)
            yield FieldRow(_("Aktivitet"), Input(id="qp-activity", compact=True,
                                                 placeholder=_("fra kataloget eller borgerens egen idé")),
                           field="activity", message_id="qp-activity-msg", reserve=True,
                           hint=_("Skriv for forslag fra kataloget; → tager forslaget."))
            yield FieldRow(_("Dato"), Input(fmt_date(today()), id="qp-date", compact=True, max_length=10),
                           field="date", message_id="qp-date-msg", reserve=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Registrér"), id="qp-ok", variant="primary", compact=True)
                yield Button(_("Annullér"), id="qp-cancel", compact=True)
            yield Static(_("Enter: næste felt · ↑/↓: vælg borger · Esc eller Annullér: luk"),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        picker = self.query_one(CitizenPicker)
        self.set_focus(picker.input)
        if self.initial:
            picker.auto_pick(self.initial)
        self.run_read(activity_suggestions, on_done=self._suggest, description=_("Henter kataloget"))

    def _suggest(self, names: list[str]) -> None:
        self.query_one("#qp-activity", Input).suggester = CatalogueSuggester(names)

    # --- messages at the fields

    def _message(self, field: str | None) -> Static:
        target = {"clips": "#qp-clips-msg", "activity": "#qp-activity-msg", "date": "#qp-date-msg"}.get(
            field or "", "#picker-message")
        return self.query_one(target, Static)

    def show_error(self, message: str, field: str | None) -> bool:
        """The runner's refusal: beside its field, the dialog stays open."""
        self.busy = False
        self.refuse(message, field)
        return True

    def _focus_field(self, field: str | None) -> None:
        target = {"clips": "#qp-clips", "activity": "#qp-activity", "date": "#qp-date"}.get(field or "", "#qp-citizen")
        self.set_focus(self.query_one(target, Input))

    def refuse(self, message: str, field: str | None) -> None:
        line = self._message(field)
        line.update(message)
        line.add_class("error")
        if field in ("clips", "activity", "date"):
            self._refused_value[field] = self.query_one(f"#qp-{field}", Input).value
        self._focus_field(field)

    def _clear(self, field: str, event: Input.Changed) -> None:
        if event.value != event.input.value or event.value == self._refused_value.get(field):
            return  # a late event of keys typed before the refusal
        line = self._message(field)
        if isinstance(line, FieldMessage):
            if line.has_error:
                line.clear()
        elif line.has_class("error"):
            line.update("")
            line.remove_class("error")

    # --- a barcode scanner (issue 16)

    def observe_key(self, key: events.Key) -> None:
        """Every key, as the App reads it and before it reaches a field: the pace of the digits."""
        if key.key == "enter":
            self._enter_at = key.time
            return
        if key.character is None or len(key.character) != 1 or key.character not in "0123456789":
            self._scan_digits = ""  # anything else ends a run of digits
            return
        if not self._scan_digits or key.time - self._scan_last > SCAN_GAP:
            focused = self.focused
            self._scan_field = focused.id if isinstance(focused, Input) else None
            self._scan_before = focused.value if isinstance(focused, Input) else ""
            self._scan_digits = ""
        self._scan_digits += key.character
        self._scan_last = key.time

    def action_advance(self) -> None:
        digits, field = self._scan_digits, self._scan_field
        fast = self._enter_at - self._scan_last <= SCAN_GAP
        self._scan_digits = ""
        if not (fast and SCAN_MIN_DIGITS <= len(digits) <= 9 and not digits.startswith("0")
                and field in self.FIELDS and self.focused is not None and self.focused.id == field):
            super().action_advance()
            return
        focused = self.focused
        self._enters += 1
        self._scans[self._enters] = (digits, field, self._scan_before)
        self.set_focus(self.query_one("#qp-clips", Input))  # where the keys after the scan belong
        focused.post_message(self.Commit(f"scan:{self._enters}", self._enters))  # behind the scanned digits

    def _take_scan(self, seq: int) -> bool:
        digits, field_id, before = self._scans.pop(seq)
        field = self.query_one(f"#{field_id}", Input)
        expected = before + digits
        if field.max_length:
            expected = expected[:field.max_length]
        if field.value != expected:  # other keys came in between: an Enter as typed after all
            self.set_focus(self.query_one(f"#{self.NEXT.get(field_id, field_id)}", Input))
            return self.handle_enter(field_id)
        if field_id != "qp-citizen":
            field.value = before  # the scan was not meant for this field
        picker = self.query_one(CitizenPicker)
        picker.input.value = digits
        match = picker.search_now_and_pick()
        if match is None:
            self._focus_field(None)
            return False
        self._show_pick(match)
        self.set_focus(self.query_one("#qp-clips", Input))
        return True

    # --- moving through the fields

    def handle_enter(self, field: str) -> bool:
        """Enter in ``field``, with every key typed before it in place (see screens/typeahead.py)."""
        if field.startswith("scan:"):
            return self._take_scan(int(field[5:]))
        if field == "qp-citizen":
            match = self.query_one(CitizenPicker).search_now_and_pick()
            if match is None:
                self._focus_field(None)
                return False
            self._show_pick(match)
            return True
        if field == "qp-clips":
            return self._check_clips() is not None
        return self.submit()

    def _show_pick(self, match) -> None:
        """The clips field's hint for the citizen just picked."""
        hint = self.query_one("#qp-clips-msg", FieldMessage)
        self._refused_value.pop("clips", None)
        self._pick_hint = self._base_hint(match)
        hint.set_hint(self._pick_hint)
        hint.clear()
        self._hint_for_clips(self.query_one("#qp-clips", Input).value)

    _pick_hint = ""

    @staticmethod
    def _base_hint(match) -> str:
        if match.card_number is not None:
            text = _("1–{n} klip fra kort {card}.").format(n=min(CLIPS_PER_CARD, match.clips_left),
                                                          card=match.card_number)
            if match.agreement_left:
                text += " " + _("Flere end 10 fra aftalen ({n} tilbage).").format(n=match.agreement_left)
            return text
        return _("Mere end 10 klip under aftalen ({n} klip tilbage).").format(n=match.agreement_left)

    def _hint_for_clips(self, raw: str) -> None:
        """flows (issue #15): the clips typed, and where they will come from: a card or which agreement."""
        match = self.query_one(CitizenPicker).picked
        hint = self.query_one("#qp-clips-msg", FieldMessage)
        if match is None or match.other_district:
            return
        clips = int(raw) if raw.strip().isdigit() else 0
        if clips and clips <= CLIPS_PER_CARD and match.card_number is not None and clips <= (match.clips_left or 0):
            hint.set_hint(_("{k} klip fra kort {card} — {left} tilbage.").format(
                k=clips, card=match.card_number, left=match.clips_left - clips))
        elif clips > CLIPS_PER_CARD and match.agreement_left >= clips:
            citizen_id = match.citizen_id
            try:
                on_day = parse_date(self.query_one("#qp-date", Input).value, "date")
            except DomainError:
                on_day = today()
            self.run_read(agreement_for_punch, citizen_id, clips, on_day, group="qp-agreement",
                          on_done=lambda found: self._agreement_hint(citizen_id, raw, found),
                          description=_("Henter aftale"))
        else:
            hint.set_hint(self._pick_hint)

    def _agreement_hint(self, citizen_id: int, raw: str, found) -> None:
        match = self.query_one(CitizenPicker).picked
        if match is None or match.citizen_id != citizen_id or self.query_one("#qp-clips", Input).value != raw:
            return  # typed on meanwhile
        hint = self.query_one("#qp-clips-msg", FieldMessage)
        if found is None:
            hint.set_hint(self._pick_hint)
        else:
            number, left = found
            hint.set_hint(_("{k} klip fra aftale nr. {n} — {left} tilbage.").format(k=raw.strip(), n=number,
                                                                                    left=left))

    @on(CitizenPicker.Picked)
    def _picked(self, event: CitizenPicker.Picked) -> None:
        if self.focused is None or self.focused.id == "qp-citizen":  # a click on the list, or auto-pick
            self._show_pick(event.match)
            self.set_focus(self.query_one("#qp-clips", Input))

    @on(Input.Changed, "#qp-clips")
    def _clips_changed(self, event: Input.Changed) -> None:
        self._clear("clips", event)
        if event.value == event.input.value:
            self._hint_for_clips(event.value)

    @on(Input.Changed, "#qp-activity")
    def _activity_changed(self, event: Input.Changed) -> None:
        self._clear("activity", event)

    @on(Input.Changed, "#qp-date")
    def _date_changed(self, event: Input.Changed) -> None:
        self._clear("date", event)

    @on(Button.Pressed, "#qp-ok")
    def _ok(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#qp-cancel")
    def _cancel_button(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    # --- checks before sending: the rule's own (models.cards.clips_refusal) on the picked citizen;
    #     the operation asks it again inside its transaction

    def _check_clips(self) -> int | None:
        picker = self.query_one(CitizenPicker)
        match = picker.picked
        if match is None:
            self.refuse(_("Vælg først en borger: skriv og tryk Enter."), None)
            return None
        raw = self.query_one("#qp-clips", Input).value.strip()
        if not raw:
            self.refuse(_("Skriv antal klip (1–10)."), "clips")
            return None
        clips = int(raw)
        refusal = clips_refusal(clips, name=match.name, card_number=match.card_number,
                                card_left=match.clips_left or 0, agreement_left=match.agreement_left or 0)
        if refusal is not None:
            self.refuse(refusal.message, "clips")
            return None
        return clips

    def submit(self) -> bool:
        if self.busy:
            return True  # key repeat: the punch is on its way
        clips = self._check_clips()
        if clips is None:
            return False
        activity = self.query_one("#qp-activity", Input).value.strip()
        try:
            on_day = parse_date(self.query_one("#qp-date", Input).value, "date")
        except DomainError as err:
            self.refuse(err.message, "date")
            return False
        match = self.query_one(CitizenPicker).picked
        self.reason = self.query_one(CitizenPicker).reason  # need-to-know: given when the citizen was picked
        self.busy = True
        self.send(match.citizen_id, clips, activity, on_day,
                  match.card_number if clips <= CLIPS_PER_CARD else None)
        return True

    def send(self, citizen_id: int, clips: int, activity: str, on_day, card_number: int | None) -> None:
        self.run_operation(register_punch, self.app.actor, citizen_id, clips, activity, on=on_day,
                           punch_id=self.punch_id, card_number=card_number, reason=self.reason, on_done=self._done,
                           on_error=self._failed, description=_("Registrerer klip"))

    def _failed(self, err: BaseException) -> None:
        if not isinstance(err, DomainError):  # the database did not answer in time, or worse: logged
            self.busy = False
            self.refuse(_("Klippet kunne ikke gemmes lige nu; prøv igen (det registreres ikke to gange)."), None)

    def _done(self, result) -> None:
        self.dismiss(PunchOutcome(
            punch_id=result.punch.id, citizen_name=result.punch.citizen.name,
            card_number=result.card.number if result.card else None,
            agreement_id=result.agreement.id if result.agreement else None,
            clips=result.punch.clips, left=result.left,
            used_up=bool(result.card and result.card.status == CARD_USED_UP)))
