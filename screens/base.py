"""The one way a screen (or a dialog, or a widget) runs a domain operation.

Operations in ``models/`` open a write transaction behind the write gate and can
wait for other writers, and reads can take a while at 100,000 citizens; on the
event loop either would freeze every key. So screens never call them directly:
they call the runner, which runs the call in a thread worker and comes back on
the UI thread.

Writes — ``run_operation``::

    from screens.base import CirkelDialog

    class BudgetDialog(CirkelDialog):
        def action_save(self) -> None:
            self.run_operation(set_budget, self.app.actor, year, budget=budget,
                               on_done=self.dismiss,            # called with the result, on the UI thread
                               form=self,                       # where a DomainError's field is shown
                               description=_("Gemmer budget"))  # one line for the user if it fails

Reads — ``run_read`` (figures, lists)::

    class PoolsScreen(CirkelScreen):
        def load(self) -> None:
            self.query_one("#status", Static).update(_("Henter tal …"))
            self.run_read(pools_overview, self.year, on_done=self.show,
                          status="#status", description=_("Henter puljer"))

A screen reads its figures in ``on_screen_resume`` only (not in ``on_mount`` too): Textual
sends a ScreenResume right after the mount, and again each time the screen is shown;
:class:`CirkelScreen` handles one where Textual posts two in a row, so a screen opened reads once.

What the runner does:

- the call runs in a thread worker (``exit_on_error=False``); the keywords
  ``on_done``, ``on_error``, ``form``, ``status``, ``description`` and ``group``
  belong to the runner, every other argument goes to ``fn`` (when ``fn`` itself
  takes one of those names, pass ``functools.partial(fn, ...)``);
- ``on_done(result)`` (a function or a coroutine) is called on the UI thread, only
  while the screen is still there; the worker ends after it, so
  ``await app.workers.wait_for_complete()`` in a test waits for what it shows;
- a :class:`~models.base.DomainError` (a rule refused) is shown at the field it
  names: ``form.show_error(message, field)`` (``form`` defaults to the node itself
  when it has ``show_error``; a plain function ``(message, field) -> bool`` will
  do too); when it returns False, the message is a notification.
  Nothing was written. ``on_error(err)`` is then called, e.g. to end a busy state;
- anything else is unexpected: it is logged with its traceback (never shown: a
  traceback can hold personal data) and the user gets one line naming the log;
  ``on_error(err)`` is called too;
- ``run_read`` is exclusive per ``group`` (default: the function's name and the
  description; give a lambda its own ``group``): a newer
  read replaces an older one, whose result is dropped. When it fails, ``status``
  (a selector or a ``Static``) says so and how to try again, so "Henter tal …"
  never stays on the screen. ``run_operation`` is never exclusive: a write that
  has started is never cancelled.

Every other worker (``@work`` in a widget, Textual's own) is covered by the
App's one handler for a worker's end (:class:`ReportingWorkers`): a worker that
ends in ERROR is logged with its traceback and told in one line — never silent.
"""
from __future__ import annotations

import inspect
import logging
from typing import Any, Callable, Protocol

from textual import events
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import NoActiveAppError
from textual.screen import ModalScreen, Screen
from textual.signal import Signal, SignalCallbackType
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState, get_current_worker
from textual.worker_manager import WorkerManager

from models.base import DomainError
from models.i18n import _
from screens import fast_tables, released_widgets
from screens import footer as footers

log = logging.getLogger(__name__)

fast_tables.install()  # every screen's DataTable: the same cells and widths, measured faster
footers.install()  # every footer's keys styled once as they mount
released_widgets.install()  # a closed screen's widgets freed with it, not kept by a cache


class ShowsErrors(Protocol):
    """A form: puts a refusal's message at the field it names; False when it has no such field."""

    def show_error(self, message: str, field: str | None) -> bool: ...


def unexpected_line(description: str) -> str:
    """The one line a user gets for an unexpected error (the details are in the log)."""
    if description:
        return _("Uventet fejl under »{what}«; detaljerne står i cirkel.log.").format(what=description)
    return _("Uventet fejl; detaljerne står i cirkel.log.")


def restart_timer(owner, timer, delay: float, callback):
    """A debounce: stop ``timer`` (if any) and start a new one on ``owner``; returns the new timer
    (a search read or logged once typing pauses)."""
    if timer is not None:
        timer.stop()
    return owner.set_timer(delay, callback)


class RunsOperations:
    """Mixin for any Textual node (Screen, ModalScreen, Widget): ``run_operation`` and ``run_read``."""

    def run_operation(self, fn: Callable[..., Any], *args: Any,
                      on_done: Callable[[Any], Any] | None = None,
                      on_error: Callable[[BaseException], Any] | None = None,
                      form: ShowsErrors | Callable[[str, str | None], bool] | None = None,
                      description: str = "",
                      group: str | None = None,
                      **kwargs: Any) -> Worker:
        """Run the write ``fn(*args, **kwargs)`` in a thread worker (see the module docstring)."""
        return self._run(fn, args, kwargs, on_done=on_done, on_error=on_error, form=form, status=None,
                         description=description, group=group or f"op-{_name(fn)}-{description}", exclusive=False)

    def run_read(self, fn: Callable[..., Any], *args: Any,
                 on_done: Callable[[Any], Any],
                 on_error: Callable[[BaseException], Any] | None = None,
                 status: str | Static | None = None,
                 form: ShowsErrors | Callable[[str, str | None], bool] | None = None,
                 description: str = "",
                 group: str | None = None,
                 **kwargs: Any) -> Worker:
        """Run the read ``fn(*args, **kwargs)`` in a thread worker; a newer read in the group replaces it."""
        return self._run(fn, args, kwargs, on_done=on_done, on_error=on_error, form=form, status=status,
                         description=description, group=group or f"read-{_name(fn)}-{description}", exclusive=True)

    # --- the machinery

    def _run(self, fn, args, kwargs, *, on_done, on_error, form, status, description, group,
             exclusive) -> Worker:
        node = self

        def work() -> None:
            worker = get_current_worker()
            try:
                result = fn(*args, **kwargs)
            except DomainError as err:
                outcome: tuple = ("refused", err)
            except Exception as err:  # noqa: BLE001 - reported below, with the traceback
                log.error("%s failed", description or _name(fn), exc_info=err)
                outcome = ("failed", err)
            else:
                outcome = ("done", result)
            if worker.is_cancelled:
                return  # replaced by a newer read, or the screen was closed
            try:
                node.app.call_from_thread(node._deliver, outcome, on_done, on_error, form, status, description)
            except RuntimeError:
                if node.app.is_running:
                    raise
                # the app has ended meanwhile: nobody to tell

        return self.run_worker(work, name=_name(fn), group=group, description=description or _name(fn),  # type: ignore[attr-defined]
                               exit_on_error=False, exclusive=exclusive, thread=True)

    async def _deliver(self, outcome: tuple, on_done, on_error, form, status, description: str) -> None:
        """On the UI thread: hand the result over, or show what went wrong.

        A read may start while its screen is being composed (issue #17: the database works while the
        widgets are built), and a small database answers before they are mounted: the result then
        waits for the node's mount (its ``on_mount`` has run), so ``on_done`` always finds the widgets
        and their columns there, and it is called once either way."""
        if not self._is_mounted:  # type: ignore[attr-defined]
            await self._mounted_event.wait()  # type: ignore[attr-defined] - set even if the mount fails
        if not self.is_attached:  # type: ignore[attr-defined]
            return  # the screen was closed meanwhile
        kind, value = outcome
        if kind == "done":
            if on_done is None:
                return
            try:
                shown = on_done(value)
                if inspect.isawaitable(shown):
                    await shown
            except Exception as err:  # noqa: BLE001 - a bug in the callback: logged, told, never silent
                log.error("showing the result of %s failed", description, exc_info=err)
                self._tell_failed(err, on_error, status, description)
            return
        if kind == "refused":
            self._tell_refused(value, on_error, form)
        else:
            self._tell_failed(value, on_error, status, description)

    def _tell_refused(self, err: DomainError, on_error, form) -> None:
        form = form if form is not None else (self if hasattr(self, "show_error") else None)
        shown = False
        if form is not None:
            show = form.show_error if hasattr(form, "show_error") else form
            shown = bool(show(err.message, err.field))
        if not shown:
            self.notify(err.message, severity="error")  # type: ignore[attr-defined]
        if on_error is not None:
            on_error(err)

    def _tell_failed(self, err: BaseException, on_error, status, description: str) -> None:
        line = unexpected_line(description)
        if status is not None:
            target = self.query_one(status, Static) if isinstance(status, str) else status  # type: ignore[attr-defined]
            target.update(line + " " + _("g eller F5 prøver igen."))
        self.notify(line, severity="error", timeout=10)  # type: ignore[attr-defined]
        if on_error is not None:
            on_error(err)


def _name(fn: Callable) -> str:
    fn = getattr(fn, "func", fn)  # functools.partial
    return getattr(fn, "__name__", None) or type(fn).__name__


class BindingsSignal(Signal):
    """A screen's "bindings updated" signal that tells a footer only when what it shows changes (issue #17).

    Textual publishes it on every focus change (twice: at once and after the refresh), every suspend
    and resume, and the footer re-made all its keys each time — four to six times while a screen
    opens, each re-styling some twenty widgets, for the same keys. Each footer is now told only when
    its keys would differ from what it was last told: the shown bindings (key, how the key is shown,
    description, enabled, tooltip), the palette's key, and whether the app has focus (an unfocused
    app's footer skips the change, so it must hear of it again). Other subscribers (Textual's key
    panel, which lists every binding) are told when any binding changes.
    """

    def subscribe(self, node: DOMNode, callback: SignalCallbackType, immediate: bool = False) -> None:
        told: list = [None]
        footer = isinstance(node, Footer)

        def when_changed(screen: Screen) -> None:
            now = _bindings_shown(screen, footer)
            if now == told[0]:
                return
            told[0] = now
            callback(screen)

        super().subscribe(node, when_changed, immediate)


def _bindings_shown(screen: Screen, footer: bool) -> tuple:
    app = screen.app
    active = screen.active_bindings
    shown = tuple((key, active_binding.binding, app.get_key_display(active_binding.binding),
                   active_binding.enabled, active_binding.tooltip)
                  for key, active_binding in active.items() if active_binding.binding.show or not footer)
    return app.app_focus, shown, active.get(app.COMMAND_PALETTE_BINDING)


class CirkelScreen(RunsOperations, Screen):
    """A full screen with the runner. Its footer shows the key hints that fit, and F1 always.

    A fresh screen starts as up to date with the App's CSS (issue #17): Textual marks a new
    screen stale (``_css_update_count = -1``), so switching to a fresh mode re-parsed the whole
    stylesheet and re-styled every node twice (``App._init_mode`` and ``App.switch_mode`` each call
    ``refresh_css``), ~40 ms per screen at no gain — a new screen's widgets are styled as they mount,
    exactly as for a pushed screen. A theme change after this still marks it stale (the App's count
    moves on), so a screen left in the background is refreshed when it is shown again.
    """

    _queued_resume: events.ScreenResume | None = None
    _resumed = False  # whether a ScreenResume has been handled (the first restyles only what depends on state)
    # While a ScreenResume is handled: whether the screen had been shown before. A screen that starts its
    # first read in compose (issue #17) reads again on a resume only then — back from another screen.
    came_back = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._after_frame: list[Callable[[], Any]] = []  # call_after_frame's callbacks, until the next frame
        self.bindings_updated_signal = BindingsSignal(self, "bindings_updated")
        try:
            app = self.app
        except NoActiveAppError:  # made outside a running app: Textual's default
            return
        self._css_update_count = app._css_update_count
        self._set_breakpoints(app)

    def _set_breakpoints(self, app) -> None:
        """The width and height classes (-narrow / -wide) the first Resize would set, set before the mount.

        Textual adds them on the screen's first Resize, after every node has been styled as it
        mounted, and the change of class re-styled the whole screen (issue #17); set here, the
        nodes are styled once with them and that Resize finds nothing to change. Computed as
        ``Screen._on_resize`` does, from the App's size (the size the screen gets).
        """
        width, height = app.size
        horizontal = (app.HORIZONTAL_BREAKPOINTS if self.HORIZONTAL_BREAKPOINTS is None
                      else self.HORIZONTAL_BREAKPOINTS) or []
        vertical = (app.VERTICAL_BREAKPOINTS if self.VERTICAL_BREAKPOINTS is None
                    else self.VERTICAL_BREAKPOINTS) or []
        classes = self._get_breakpoint_classes(width, horizontal) | self._get_breakpoint_classes(height, vertical)
        if classes:
            self.add_class(*classes, update=False)

    # One ScreenResume at a time (issue #17): switching to a fresh mode posts two in a row
    # (App._init_mode, then App.switch_mode), and each re-styled the whole screen, recomposed the
    # footer and ran the screen's on_screen_resume (most screens read their figures there). A
    # ScreenResume posted while an earlier one still waits in the queue is merged into it: nothing
    # can happen between the two that the first would miss, so handling it once does the same.

    def check_message_enabled(self, message: Message) -> bool:
        if not super().check_message_enabled(message):
            return False
        if isinstance(message, events.ScreenResume):
            queued = self._queued_resume
            if queued is not None:
                queued.refresh_styles = queued.refresh_styles or message.refresh_styles
                return False
            self._queued_resume = message
        return True

    async def on_event(self, event: events.Event) -> None:
        if event is self._queued_resume:
            self._queued_resume = None  # handled from here on: the next one is a new resume
            self.came_back = self._resumed
            if not self._resumed:
                self._resumed = True
                if self._css_update_count == self.app._css_update_count:
                    event.refresh_styles = False
                    self._restyle_state_dependent()
        await super().on_event(event)

    def _restyle_state_dependent(self) -> None:
        """The first showing of a fresh screen restyles only the nodes whose style depends on state.

        Every node was styled as it mounted, with the App's CSS of now, and Textual's resume
        re-styled them all once more (issue #17: a third of a screen's styling). What can be stale
        by now is a style that depends on where the focus is (``:focus-within`` — a screen focuses
        its first field while its rows are still mounting, and Textual's focus update looks for
        such a rule on the focused widget's ancestors, not on the label it styles), on the
        pointer (``:hover``) or on a node's place among its siblings (``:first-child``, ``:odd`` …,
        while siblings were still being added): those nodes are styled again, as the resume did.
        Later resumes (back from another screen) restyle everything, as Textual does.
        """
        nodes = [node for node in self.walk_children(with_self=True)
                 if node._has_focus_within or node._has_hover_style or node._has_order_style
                 or node._has_odd_or_even]
        if nodes:
            self.app.stylesheet.update_nodes(nodes, animate=False)

    # Issue #17: a part that is not needed for the screen's first figures is mounted after the frame that
    # shows them. Textual's call_after_refresh (and textual.lazy.Lazy) runs once the message queue is
    # empty, which comes before the next frame is drawn: the part's compose and layout then held up
    # the frame with the figures.

    def call_after_frame(self, callback: Callable[[], Any]) -> None:
        """Call ``callback`` (on the UI thread) once this screen has drawn its next frame."""
        self._after_frame.append(callback)
        self.refresh()

    def _compositor_refresh(self) -> None:
        # a frame is drawn when the compositor has dirty regions (Textual 8.2.8: render_update is None without)
        drawn = self is self.app.screen and bool(self._compositor._dirty_regions)
        super()._compositor_refresh()
        waiting = self._after_frame
        if waiting and drawn:
            self._after_frame = []
            for callback in waiting:
                self.call_next(callback)

    # issue #15: the footer shows the key hints that fit, and F1 always (screens/footer.py)
    @property
    def active_bindings(self):
        from .footer import fitted

        return fitted(self.app, super().active_bindings, self.size.width)

    def on_resize(self, event) -> None:  # Textual calls the subclasses' own on_resize too
        self.refresh_bindings()  # the footer is made again for the new width


class CirkelDialog(RunsOperations, ModalScreen):
    """A modal dialog with the runner."""


class ReportingWorkers(WorkerManager):
    """The App's worker manager: the one place that sees every worker end.

    Textual posts ``Worker.StateChanged`` only to the worker's own node (it does
    not bubble), so an App-level message handler would miss the workers of
    screens and widgets; the manager is told about every worker when its task
    ends, on the UI thread. A worker that ends in ERROR goes to
    ``app.worker_failed(worker)`` (which calls :func:`report_failed_worker`).
    """

    def _remove_worker(self, worker: Worker) -> None:
        super()._remove_worker(worker)
        if worker.state == WorkerState.ERROR:
            self._app.worker_failed(worker)  # type: ignore[attr-defined]


def report_failed_worker(app, worker: Worker) -> None:
    """Log a failed worker with its traceback and tell the user in one line."""
    error = worker.error
    log.error("worker %s (%s) failed", worker.name, worker.group,
              exc_info=(type(error), error, error.__traceback__) if error is not None else None)
    described = worker.description and not worker.description.startswith("<")  # Textual's default: repr(work)
    app.notify(unexpected_line(worker.description if described else ""), severity="error", timeout=10)
