"""The dashboard's "Kom i gang" checklist on a new database (issue #15, item 5).

Districts → budget → staff → the first screening, each ticked off as the
database says (``models.firstrun.first_steps``), with the key that goes there.
Someone who may not take a step is told whom to ask. Hidden once all are done.
"""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from models.firstrun import FirstRun, first_steps
from models.i18n import _

from .base import RunsOperations

# (what the step is, the key on the destination screen that starts it: a binding id and its default key)
STEP_TEXT = {
    "districts": (_("Distrikter og hjemmehjælpsmodtagere"), ("districts-new", "n"),
                  _("Årets klip fordeles efter antallet af hjemmehjælpsmodtagere.")),
    "budget": (_("Budget {year} og pris pr. klip"), ("pools-budget", "u"),
               _("Budget, pris og transportreserve giver årets klip og puljerne.")),
    "staff": (_("Medarbejdere: terapeuter og leder"), ("staff-new", "n"),
              _("Brugernavnet er medarbejderens konto på serveren.")),
    "screening": (_("Første screening af en borger"), None,
                  _("Screeningen afgør målgruppen: optag eller venteliste.")),
}


class FirstSteps(RunsOperations, Static):
    """Hidden until the read says there is something left to set up."""

    DEFAULT_CSS = """
    FirstSteps { height: auto; margin: 0 0 1 0; padding: 0 1; border: round $accent; display: none; }
    """

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_read(first_steps, self.app.actor, on_done=self.show, description=_("Henter kom-i-gang"))

    def _keys(self, binding_id: str, default: str = "") -> str:
        """The key as the user has it (the [keys] table may have moved it): see CirkelApp.key_label_for."""
        return self.app.key_label_for(binding_id, default)

    def show(self, run: FirstRun | None) -> None:
        self.display = run is not None
        if run is None:
            return
        lines = [_("Kom i gang — {done} af {total} trin klaret").format(done=run.done_count, total=len(run.steps))]
        upcoming = run.next
        for number, step in enumerate(run.steps, start=1):
            text, inner, why = STEP_TEXT[step.id]
            text = text.format(year=run.year)
            mark = "[x]" if step.done else ("[>]" if step is upcoming else "[ ]")
            line = f"{mark} {number}. {text}"
            if not step.done:
                line += " — " + self._how(step, inner, run)
            lines.append(line)
            if step is upcoming:
                lines.append(f"       {why}")
        self.update(Text("\n".join(lines)))  # not markup: "[x]" and names are shown as they are

    def _how(self, step, inner, run: FirstRun) -> str:
        if not step.allowed:
            names = run.leaders + run.admins if step.id == "budget" else run.admins
            who = _("en leder eller en administrator") if step.id == "budget" else _("en administrator")
            if names:
                return _("bed {who} ({names})").format(who=who, names=", ".join(names))
            return _("bed {who}").format(who=who)
        go = self._keys(f"goto-{step.destination}")
        if inner is None:
            return _("tryk {key}").format(key=go)
        return _("tryk {key}, derefter {then}").format(key=go, then=self._keys(*inner))
