"""A part of a screen mounted after the frame with its figures (issue #17): screens.base.CirkelScreen's
call_after_frame and screens.widgets.MountedLater, and the Screening form's lower half."""
from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Static

from screens.base import CirkelScreen
from screens.widgets import MountedLater


class Figures(CirkelScreen):
    """Shows a figure, then asks for its lower part once the frame with the figure is drawn."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[tuple[bool, bool]] = []  # per frame drawn: (figure shown, lower part mounted)

    def compose(self) -> ComposeResult:
        yield Static("", id="figure")
        yield MountedLater(Static("nederst", id="lower"))

    def show_figure(self) -> None:
        self.query_one("#figure", Static).update("42")
        self.query_one(MountedLater).mount_now()

    def _compositor_refresh(self) -> None:
        drawn = bool(self._compositor._dirty_regions)
        figure = str(self.query_one("#figure", Static).render()) == "42"
        lower = bool(self.query("#lower"))
        super()._compositor_refresh()
        if drawn:
            self.frames.append((figure, lower))


async def test_the_lower_part_is_mounted_after_the_frame_that_shows_the_figure():
    app = App()
    async with app.run_test() as pilot:
        screen = Figures()
        await app.push_screen(screen)
        await pilot.pause()
        assert not screen.query("#lower")  # held back until asked for
        with app.batch_update():  # no frame is drawn meanwhile
            screen.show_figure()
            screen.query_one(MountedLater).mount_now()  # a second ask does nothing more
            await asyncio.sleep(0.2)  # every message handled, the app idle (textual.lazy.Lazy mounts now)
            assert not screen.query("#lower")  # still waiting for the frame with the figure
        await pilot.pause()
        await pilot.pause()
        assert len(screen.query("#lower")) == 1
        assert not screen.query(MountedLater)  # the placeholder is gone
        first_with_figure = next(i for i, (figure, _lower) in enumerate(screen.frames) if figure)
        assert screen.frames[first_with_figure] == (True, False)  # drawn before the lower part came
        assert screen.frames[-1] == (True, True)


async def test_call_after_frame_waits_for_a_frame_that_is_drawn():
    app = App()
    async with app.run_test() as pilot:
        screen = Figures()
        await app.push_screen(screen)
        await pilot.pause()
        called: list[int] = []
        with app.batch_update():  # no frame is drawn meanwhile
            screen.call_after_frame(lambda: called.append(len(screen.frames)))
            screen._compositor._dirty_regions.clear()
            screen._compositor_refresh()  # a compositor refresh that draws nothing
            await asyncio.sleep(0.1)
            assert called == []
        await pilot.pause()
        await pilot.pause()
        assert len(called) == 1 and called[0] >= 1


async def test_the_screening_form_gets_its_lower_half_after_the_districts(demo, make_app):
    from textual.widgets import Select

    from screens.intake_widgets import OutcomeFields

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert app.current_mode == "screening"
        assert len(screen.query_one("#district", Select)._options) > 1  # the districts, beside the prompt
        assert len(screen.query(OutcomeFields)) == 1
        assert not screen.query(MountedLater)


async def test_the_screening_form_gets_its_lower_half_when_the_districts_cannot_be_read(demo, make_app,
                                                                                      monkeypatch):
    import screens.screening as screening
    from screens.intake_widgets import OutcomeFields

    def broken():
        raise RuntimeError("the disk is gone")

    monkeypatch.setattr(screening, "districts", broken)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert app.current_mode == "screening"
        assert len(app.screen.query(OutcomeFields)) == 1  # the form is whole: it can still be filled in


async def test_the_screening_form_can_be_cleared_and_saved_before_its_lower_half_is_there(demo, make_app, monkeypatch):
    """Ctrl+N and Ctrl+S pressed before the baseline is mounted (the districts not read yet): no error,
    the save refused at the field as always, and the lower half comes once the districts are read."""
    import threading

    import screens.screening as screening
    from models.entities import Citizen
    from screens.intake_widgets import OutcomeFields

    release = threading.Event()
    real = screening.districts

    def slow():
        assert release.wait(10)
        return real()

    monkeypatch.setattr(screening, "districts", slow)
    before = Citizen.select().count()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        assert app.current_mode == "screening"
        assert not app.screen.query(OutcomeFields)  # the districts are not read yet
        await pilot.press("ctrl+n")
        app.screen.query_one("#name").value = "Karen Jensen"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "CPR" in str(app.screen.query_one("#cpr-message").render())  # refused at the field
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert len(app.screen.query(OutcomeFields)) == 1
    assert Citizen.select().count() == before  # nothing written
