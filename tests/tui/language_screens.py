"""The visible text of every screen, in the language of CIRKEL_LANG (run by tests/tui/test_languages.py).

Run as ``python -m tests.tui.language_screens DB LOGIN OUT.json`` in a process of its own, so the
language is chosen before any screen module is imported, as at a real start. Visits every destination
of cirkel_tui/navigation.py, a citizen's page (each tab), the help, the command palette, a Select's
open list, the quick-punch dialog with a refusal, and the Ctrl+C hint; writes {place: text}.
"""
from __future__ import annotations

import asyncio
import json
import sys


async def _settle(app, pilot) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def _text(app) -> str:
    """What the terminal shows now: the top screen composited, and the notices (toasts) open."""
    screen = [strip.text for strip in app.screen._compositor.render_strips()]
    notices = [f"{n.title or ''} {n.message}" for n in app._notifications]  # as test_app.py reads them
    return "\n".join(screen + notices)


async def collect(db_path: str, login: str) -> dict[str, str]:
    from cirkel_tui.app import CirkelApp
    from cirkel_tui.navigation import DESTINATIONS
    from models.entities import CARD_OPEN, STATE_ACTIVE, Card, Citizen
    from models.staff import require_staff
    from models.store import open_database
    from screens.citizens import CitizenDetailScreen

    open_database(db_path)
    seen: dict[str, str] = {}
    app = CirkelApp(actor_id=require_staff(login).id, db_path=db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        for dest in DESTINATIONS:
            app.action_goto(dest.id)
            await _settle(app, pilot)
            seen[dest.id] = _text(app)
        app.action_goto("venteliste")
        await _settle(app, pilot)
        app.screen.query_one("#waitlist-district").focus()
        await pilot.press("enter")
        await pilot.pause()
        seen["venteliste: open list"] = _text(app)
        await pilot.press("escape")
        app.action_goto("overblik")
        await _settle(app, pilot)
        await pilot.press("ctrl+c")  # copies in a field; elsewhere tells how to quit
        await pilot.pause(0.3)
        seen["ctrl+c"] = _text(app)
        app.action_help()
        await _settle(app, pilot)
        seen["help"] = _text(app)
        await pilot.press("escape")
        await pilot.pause()
        app.action_command_palette()
        await _settle(app, pilot)
        seen["palette"] = _text(app)
        for key in "zzqx":
            await pilot.press(key)
        await pilot.pause(0.8)  # the palette tells "no matches" after half a second
        seen["palette: no match"] = _text(app)
        await pilot.press("escape")
        await pilot.pause()
        await app.action_quick_punch()
        await _settle(app, pilot)
        seen["quick punch"] = _text(app)
        for key in "999999":
            await pilot.press(key)
        await pilot.press("enter")
        await _settle(app, pilot)
        seen["quick punch: unknown card"] = _text(app)
        await pilot.press("escape")
        await pilot.pause()
        citizen = (Citizen.select().join(Card).where((Citizen.state == STATE_ACTIVE) & (Card.status == CARD_OPEN))
                   .order_by(Citizen.id).first())
        app.action_goto("borgere")
        await _settle(app, pilot)
        app.push_screen(CitizenDetailScreen(citizen.id))
        await _settle(app, pilot)
        seen["citizen"] = _text(app)
        from textual.widgets import TabbedContent, TabPane

        tabs = app.screen.query_one(TabbedContent)
        for pane in app.screen.query(TabPane):
            tabs.active = pane.id
            await _settle(app, pilot)
            seen[f"citizen: {pane.id}"] = _text(app)
    return seen


def main() -> None:
    db_path, login, out = sys.argv[1:4]
    seen = asyncio.run(collect(db_path, login))
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(seen, fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
