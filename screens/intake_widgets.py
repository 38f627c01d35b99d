"""Widgets shared by the intake screens (screening, waitlist, reassessment, outcomes).

- ``OutcomeFields``: network size, WHO-5 and UCLA-3 with answers chosen from
  fixed lists (no free text, so an answer outside the scale cannot be entered)
  and the scores shown live.
- ``InfoDialog`` (OK). The yes/no dialog is screens/dialogs.py's, the reason
  dialog and the field rows are the form kit's (screens/forms.py).
- Validators for CPR numbers and dates (models.inputs.parse_date), so bad input
  is refused at the field with a Danish reason.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, Select, Static

from models.base import DomainError, today
from models.cpr import normalise
from models.i18n import _
from models.inputs import parse_date
from models.outcomes import (
    UCLA_ITEMS,
    WHO5_ITEMS,
    ucla_answers,
    ucla_flag,
    ucla_items,
    ucla_score,
    who5_answers,
    who5_flag,
    who5_items,
    who5_score,
)
from models.screening import NETWORK_MAX

from .forms import FieldMessage, FieldRow
from .widgets import ListOnDemand


class CprValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            normalise(value)
        except DomainError as err:
            return self.failure(err.message)
        return self.success()


class PastDateValidator(Validator):
    """A real date, not in the future."""

    def validate(self, value: str) -> ValidationResult:
        try:
            day = parse_date(value)
        except DomainError as err:
            return self.failure(err.message)
        if day > today():
            return self.failure(_("Datoen må ikke ligge i fremtiden."))
        return self.success()


class NetworkValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        text = (value or "").strip()
        if not text:
            return self.success()
        if not text.isdigit():
            return self.failure(_("Skriv et helt antal personer."))
        if int(text) > NETWORK_MAX:
            return self.failure(_("Højst {n} personer.").format(n=NETWORK_MAX))
        return self.success()


class YesNo(Checkbox):
    """A yes/no box whose mark shows its state without colour: X for yes, blank
    for no (a 16-colour terminal over SSH cannot be relied on to tell them apart)."""

    @property
    def _button(self):
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


class Choice(RadioButton):
    """A radio button whose mark shows its state without colour (● chosen, blank not)."""

    @property
    def _button(self):
        self.BUTTON_INNER = "●" if self.value else " "
        return super()._button


# What OutcomeFields.values() gives with nothing answered (the domain operations' keywords).
UNANSWERED = {"network_size": None, "who5": None, "ucla": None}


class OutcomeFields(Vertical):
    """Network size, WHO-5 (five items) and UCLA-3 (three items) with live scores.

    Answers come from fixed lists (the instruments' answer labels), so nothing
    outside the scales can be entered; a score shows once all items are answered.
    """

    DEFAULT_CLASSES = "outcome-fields"

    def __init__(self, prefix: str, title: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.prefix = prefix
        self.title = title

    def compose(self) -> ComposeResult:
        p = self.prefix
        yield Static(self.title, classes="section-title")
        yield FieldRow(_("Netværk"), Input(placeholder=_("antal personer"), id=f"{p}-network", compact=True,
                                           validators=[NetworkValidator()], restrict=r"[0-9]*", max_length=3,
                                           tooltip=_("Antal personer borgeren har kontakt med mindst hver måned.")),
                       field="network_size", message_id=f"{p}-network-message")
        yield Static(_("WHO-5 trivsel — I de sidste 2 uger …"), classes="instrument-title")
        for i, item in enumerate(who5_items()):
            yield Label(f"{i + 1}. {item}", classes="item-label")
            yield ListOnDemand([(f"{v} {label}", v) for v, label in who5_answers()], prompt=_("Vælg svar"),
                               id=f"{p}-who5-{i}", compact=True, classes="answer")
        yield Static("", id=f"{p}-who5-score", classes="score")
        yield Static(_("UCLA-3 ensomhed"), classes="instrument-title")
        for i, item in enumerate(ucla_items()):
            yield Label(f"{i + 1}. {item}", classes="item-label")
            yield ListOnDemand([(f"{v} {label}", v) for v, label in ucla_answers()], prompt=_("Vælg svar"),
                               id=f"{p}-ucla-{i}", compact=True, classes="answer")
        yield Static("", id=f"{p}-ucla-score", classes="score")

    def on_mount(self) -> None:
        self.refresh_scores()

    # --- values

    def _answers(self, name: str, count: int) -> list[int | None]:
        values = []
        for i in range(count):
            value = self.query_one(f"#{self.prefix}-{name}-{i}", Select).value
            values.append(None if value is Select.NULL else int(value))
        return values

    @property
    def who5(self) -> list[int | None]:
        return self._answers("who5", len(WHO5_ITEMS))

    @property
    def ucla(self) -> list[int | None]:
        return self._answers("ucla", len(UCLA_ITEMS))

    @property
    def network(self) -> str:
        return self.query_one(f"#{self.prefix}-network", Input).value.strip()

    def values(self) -> dict:
        """What the domain operations take: network_size, who5, ucla (None when unanswered)."""
        who5, ucla = self.who5, self.ucla
        return {"network_size": self.network or None,
                "who5": None if all(v is None for v in who5) else who5,
                "ucla": None if all(v is None for v in ucla) else ucla}

    def set_values(self, network: int | None = None, who5: str | None = None, ucla: str | None = None) -> None:
        self.query_one(f"#{self.prefix}-network", Input).value = "" if network is None else str(network)
        for name, answers, count in (("who5", who5, 5), ("ucla", ucla, 3)):
            for i in range(count):
                select = self.query_one(f"#{self.prefix}-{name}-{i}", Select)
                if answers:
                    select.value = int(answers[i])
                else:
                    select.clear()
        self.refresh_scores()

    # --- live scores

    @property
    def who5_score(self) -> int | None:
        answers = self.who5
        return None if None in answers else who5_score(answers)

    @property
    def ucla_score(self) -> int | None:
        answers = self.ucla
        return None if None in answers else ucla_score(answers)

    def refresh_scores(self) -> None:
        who5, ucla = self.who5, self.ucla
        who5_widget = self.query_one(f"#{self.prefix}-who5-score", Static)
        done = sum(v is not None for v in who5)
        if done == len(who5):
            score = who5_score(who5)
            flag = who5_flag(score)
            who5_widget.update(_("WHO-5: {score} af 100").format(score=score) + (f" — ⚑ {flag}" if flag else ""))
            who5_widget.set_class(score <= 28, "flagged")
        else:
            who5_widget.update(_("WHO-5: {done} af 5 besvaret").format(done=done))
            who5_widget.set_class(False, "flagged")
        ucla_widget = self.query_one(f"#{self.prefix}-ucla-score", Static)
        done = sum(v is not None for v in ucla)
        if done == len(ucla):
            score = ucla_score(ucla)
            flag = ucla_flag(score)
            ucla_widget.update(_("UCLA-3: {score} (3–9)").format(score=score) + (f" — {flag}" if flag else ""))
        else:
            ucla_widget.update(_("UCLA-3: {done} af 3 besvaret").format(done=done))

    def summary(self) -> str:
        parts = []
        if self.network:
            parts.append(_("netværk {n}").format(n=self.network))
        score = self.who5_score
        if score is not None:
            parts.append(f"WHO-5 {score}" + (" ⚑" if score <= 28 else ""))
        score = self.ucla_score
        if score is not None:
            parts.append(f"UCLA-3 {score}")
        return " · ".join(parts)

    @on(Select.Changed)
    def _answer_changed(self, event: Select.Changed) -> None:
        self.refresh_scores()

    @on(Input.Changed)
    def _network_changed(self, event: Input.Changed) -> None:
        if event.input.id != f"{self.prefix}-network":
            return
        message = self.query_one(f"#{self.prefix}-network-message", FieldMessage)
        result = event.validation_result
        if result is None or result.is_valid:
            message.clear()
        else:
            message.show("; ".join(result.failure_descriptions), event.value)

    def show_error(self, message: str, field: str | None) -> bool:
        """Put a domain error beside its field; True when it belonged here."""
        if field in ("network_size", "baseline"):
            self.query_one(f"#{self.prefix}-network-message", FieldMessage).show(message)
            self.query_one(f"#{self.prefix}-network", Input).focus()
            return True
        if field in ("who5", "ucla"):
            self.query_one(f"#{self.prefix}-{field}-score", Static).update(message)
            answers = self.who5 if field == "who5" else self.ucla
            first = next((i for i, v in enumerate(answers) if v is None), 0)
            self.query_one(f"#{self.prefix}-{field}-{first}", Select).focus()
            return True
        return False


# --- dialogs ------------------------------------------------------------------

class InfoDialog(ModalScreen[None]):
    BINDINGS = [
        Binding("enter,escape,o", "close", _("OK"), id="info-ok", tooltip=_("Luk beskeden.")),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__(classes="intake-dialog")
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.body, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("OK"), id="ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)
