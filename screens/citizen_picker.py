"""Pick a citizen by typing: name, CPR (with or without the dash) or card number.

Used by the quick-punch dialog and the agreement form. The search runs in a
worker on every change (it takes about a millisecond at 100,000 citizens);
results for a text that is no longer in the field are dropped. ↑/↓ move the
highlight while the cursor stays in the field; Enter picks the highlighted
match. Enter pressed before the worker's results for the current text have
arrived searches at once and picks the top match. Change events that arrive
late (keys typed in a burst) are recognised as stale and ignored.

The access log gets one "search" row per use, not per keystroke: when the
results for a text have stood ``SETTLE_SECONDS`` without a keystroke, when a
citizen is picked (with the text that found them), or when the picker goes
away after showing results without a pick.

Need-to-know (issue #12): a citizen of another district than a terapeut's is
listed as "andet distrikt"; picking them asks for a reason
(``models.search.reveal_match`` logs it), kept in :attr:`reason` for the punch.
"""
from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from models.entities import STATE_ACTIVE, STATE_ENDED, STATE_PAUSED, STATE_WAITLISTED
from models.i18n import _
from models.search import EXACT, log_search, search_citizens

from .base import RunsOperations, restart_timer
from .widgets import state_title

SHORT_STATES = (STATE_PAUSED, STATE_ENDED, STATE_WAITLISTED)  # named in the list; the others are "ikke deltager"


def match_prompt(match, width: int = 70) -> Text:
    """One line per match: name, masked CPR, district, card number, clips left (or why not)."""
    name_width = max(12, width - 47)  # the rest: 33 columns and a tail of at most 13
    name = match.name if len(match.name) <= name_width else match.name[: name_width - 1] + "…"
    style = "" if match.pickable else "dim"
    card = str(match.card_number) if match.card_number is not None else "–"
    text = Text(f"{name:<{name_width}} {match.cpr_masked}  {match.district[:10]:<10} {card:>6}  ", style=style,
                no_wrap=True, overflow="ellipsis")
    if match.pickable and match.card_number is not None:
        text.append(_("{n} tilbage").format(n=match.clips_left), style="bold")
    elif match.pickable:
        text.append(_("aftale {n}").format(n=match.agreement_left), style="bold")
    elif match.state != STATE_ACTIVE:
        text.append(state_title(match.state) if match.state in SHORT_STATES else _("ikke deltager"), style="dim italic")
    elif match.used_up:
        text.append(_("brugt op"), style="dim italic")
    else:
        text.append(_("intet kort"), style="dim italic")
    return text


class CitizenPicker(RunsOperations, Vertical):
    """A search field with its matches underneath."""

    BINDINGS = [
        Binding("down", "move(1)", _("Næste borger"), id="picker-down", tooltip=_("Flyt markeringen ned."),
                show=False),
        Binding("up", "move(-1)", _("Forrige borger"), id="picker-up", tooltip=_("Flyt markeringen op."),
                show=False),
    ]

    class Picked(Message):
        def __init__(self, picker: "CitizenPicker", match) -> None:
            super().__init__()
            self.picker = picker
            self.match = match

    def __init__(self, label: str, *, limit: int = 20, input_id: str = "picker-input", any_citizen: bool = False,
                 purpose: str = "klipregistrering", **kwargs) -> None:
        super().__init__(**kwargs)
        self.purpose = purpose
        self.reason: str | None = None  # need-to-know: the reason given for the citizen picked
        self._settle = None
        self.label = label
        self.any_citizen = any_citizen  # issue 14: enrolment and café attendance take any citizen, not only punchable
        self.limit = limit
        self.input_id = input_id
        self.matches: list = []
        self.results_for: str | None = None
        self.picked = None
        self.picked_text: str | None = None
        self._logged_text: str | None = None
        self._text = ""
        self._auto_pick_text: str | None = None
        self._moved = False  # the user moved the highlight (↑/↓ or a click)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.label, classes="field-label")
            # No select-on-focus: back here after a refusal, typing corrects the text.
            yield Input(id=self.input_id, compact=True, select_on_focus=False,
                        placeholder=_("navn, CPR-nummer eller kortnummer"))
        yield OptionList(id="picker-list", compact=True)
        yield Static("", classes="field-message", id="picker-message")

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False

    @property
    def input(self) -> Input:
        return self.query_one(f"#{self.input_id}", Input)

    @property
    def text(self) -> str:
        return self._text

    def say(self, message: str, error: bool = False) -> None:
        line = self.query_one("#picker-message", Static)
        line.update(message)
        line.set_class(error, "error")

    # --- searching

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id != self.input_id:
            return
        event.stop()
        if event.value != self.input.value:
            return  # a stale keystroke of a burst: the field has moved on
        text = event.value.strip()
        if self.picked is not None and text == self.picked_text:
            return  # picked already (Enter came before this event)
        self.picked = None
        self.say("")
        self._text = text
        if text and text == self._auto_pick_text:
            self._auto_pick_text = None
            self.search_now_and_pick()
            return
        if not text:
            self.results_for = ""
            self._show([])
            return
        self.search(text)

    def search(self, text: str) -> None:
        self.run_read(search_citizens, text, limit=self.limit, actor=getattr(self.app, "actor", None),
                      on_done=lambda matches: self._results(text, matches), description=_("Søger borgere"))

    def _results(self, text: str, matches: list) -> None:
        if text != self.input.value.strip() or text == self.results_for:
            return  # an older keystroke's answer, or already shown by Enter
        self.results_for = text
        self._show(matches)
        self._settle_later()
        if not matches:
            self.say(_("Ingen borgere passer på '{text}'.").format(text=text), error=True)

    def search_now_and_pick(self):
        """Pick for the text now in the field, searching at once (about a millisecond)
        if the worker has not answered for it yet. Returns the match picked, or None.

        The one read on the event loop, on purpose: Enter must pick before the
        keys typed after it reach the next field (screens/typeahead.py). It
        only reads (no transaction, no access-log row: that is written in a
        worker by :meth:`log_use`).
        """
        text = self._text = self.input.value.strip()
        if not text:
            self.say(_("Skriv et navn, et CPR-nummer eller et kortnummer."), error=True)
            return None
        if self.results_for != text:
            self.results_for = text
            self._show(search_citizens(text, limit=self.limit, actor=getattr(self.app, "actor", None)))
        return self.pick()

    def _show(self, matches: list) -> None:
        self.matches = matches
        self._moved = False  # the highlight starts at the top again
        options = self.query_one(OptionList)
        options.clear_options()
        # The list's width less a scrollbar; before the first layout, the picker's less the label.
        width = max(40, (options.content_region.width or (self.size.width - 12) or 68) - 2)
        options.add_options([Option(match_prompt(m, width), id=str(m.citizen_id)) for m in matches])
        if matches:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.matches:
            return
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(len(self.matches) - 1, current + step))
        self._moved = True

    # --- picking

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id != self.input_id:
            return
        event.stop()
        self.search_now_and_pick()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one(OptionList).highlighted = event.option_index
        self._moved = True
        self.pick()

    def pick(self):
        if not self.matches:
            self.say(_("Ingen borgere passer på '{text}'.").format(text=self.text), error=True)
            return None
        index = self.query_one(OptionList).highlighted or 0
        match = self.matches[index]
        digits = self.text.replace("-", "").replace(" ", "")
        if digits.isdigit() and not self._moved and match.group != EXACT:
            # A mistyped card number must not pick whoever's CPR or card starts with it.
            self.say(_("Intet kort- eller CPR-nummer er præcis {text}; vælg med ↑/↓ og Enter.").format(
                text=self.text), error=True)
            return None
        if match.other_district:
            self._ask_reason(match)
            return None
        if not match.pickable and not self.any_citizen:
            self.say(match.why_not, error=True)
            return None
        return self._take(match)

    def _take(self, match):
        self.picked = match
        self.picked_text = self.text
        self.log_use(match.citizen_id)
        if self.any_citizen:
            self.say(_("Valgt: {name} ({state}).").format(name=match.name, state=match.state_label))
        elif match.card_number is not None:
            self.say(_("Valgt: {name}, kort {card} — {left} klip tilbage.").format(
                name=match.name, card=match.card_number, left=match.clips_left))
        else:
            self.say(_("Valgt: {name} — aftale med {left} klip.").format(
                name=match.name, left=match.agreement_left))
        self.post_message(self.Picked(self, match))
        return match

    def auto_pick(self, text: str) -> None:
        """Type ``text`` (a card number or CPR) and pick the top match."""
        self._auto_pick_text = text.strip()
        self.input.value = text

    # --- need-to-know: break the glass with a reason

    def _ask_reason(self, match) -> None:
        from screens.forms import AskDialog

        self.say(match.why_not, error=True)

        def chosen(reason: str | None) -> None:
            if reason:
                self._reveal(match.citizen_id, reason)

        self.app.push_screen(AskDialog(
            _("Andet distrikt"),
            _("{name} ({cpr}) hører til distrikt {district}. Hvorfor registrerer du for borgeren? Det logges.").format(
                name=match.name, cpr=match.cpr_masked, district=match.district)), chosen)

    def _reveal(self, citizen_id: int, reason: str) -> None:
        from models.search import reveal_match

        self.run_operation(reveal_match, self.app.actor, citizen_id, reason, purpose=self.purpose,
                           on_done=lambda match: self._revealed(match, reason),
                           form=lambda message, _field: self.say(message, True) or True,
                           description=_("Åbner borger"))

    def _revealed(self, match, reason: str) -> None:
        self.reason = reason
        self._logged_text = self.text  # the reveal is the access row of this search
        if not match.pickable and not self.any_citizen:
            self.say(match.why_not, error=True)
            return
        self._take(match)

    # --- the access log: one row per use of the search

    def _settle_later(self) -> None:
        from models.search import SETTLE_SECONDS

        self._settle = restart_timer(self, self._settle, SETTLE_SECONDS, self._settled)

    def _settled(self) -> None:
        self._settle = None
        if self.picked is None and self.matches and self.text == self.results_for:
            self.log_use(self.matches[0].citizen_id if len(self.matches) == 1 else None, settled=True)

    def log_use(self, citizen_id: int | None = None, settled: bool = False) -> None:
        text = self.text
        if (citizen_id is None or settled) and (not text or text == self._logged_text or not self.matches):
            return
        self._logged_text = text
        # An app-level worker: it must outlive a dialog that closes at once.
        self.app.run_worker(partial(log_search, getattr(self.app, "actor_id", None), text, citizen_id,
                                    purpose=self.purpose),
                            thread=True, group="access-log", exit_on_error=False)

    def on_unmount(self) -> None:
        if self.picked is None:
            self.log_use(None)
