"""Pilot tests of the Eksport and Import screens: workers finish, files appear,
the import asks before it writes."""
from __future__ import annotations

import datetime as dt

from textual.widgets import Button, Input, RichLog, Static

from screens.dialogs import ConfirmDialog
from screens.excel import ExportScreen, ImportScreen
from tests.excel_helpers import row_counts, sheet_rows, write_sheet

D = dt.date


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_export_screen_writes_the_file_in_a_worker(demo, make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#export-period", Input).value == "2026-10"  # last month
        assert str(screen.query_one("#export-file", Input).value).endswith("cirkel-2026-10.xlsx")
        target = tmp_path / "okt.xlsx"
        screen.query_one("#export-file", Input).value = str(target)
        await pilot.press("f5")
        await _settle(app, pilot)
        assert target.exists()
        assert sheet_rows(target, "Klippekort")[0][0] == "CPR"
        status = str(screen.query_one("#export-status", Static).content)
        assert str(target) in status and "kort" in status
        assert str(target) in _notes(app)


async def test_export_screen_year_and_overwrite_asks_first(demo, make_app, tmp_path):
    target = tmp_path / "aar.xlsx"
    target.write_bytes(b"old")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_goto("eksport")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#export-period", Input).value = "2026"
        await pilot.pause()
        assert "hele 2026" in str(screen.query_one("#export-period-info", Static).content)
        screen.query_one("#export-file", Input).value = str(target)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await _settle(app, pilot)
        assert target.read_bytes() == b"old"
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("j")
        await _settle(app, pilot)
        assert target.read_bytes()[:2] == b"PK"  # an xlsx (zip) now


async def test_export_screen_bad_input_shows_a_danish_message_and_writes_nothing(demo, make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_goto("eksport")
        await pilot.pause()
        screen = app.screen
        before = row_counts()
        screen.query_one("#export-period", Input).value = "2026-13"
        await pilot.pause()
        assert "01–12" in str(screen.query_one("#export-period-info", Static).content)
        await pilot.press("f5")
        await _settle(app, pilot)
        screen.query_one("#export-period", Input).value = "2026-10"
        screen.query_one("#export-file", Input).value = str(tmp_path / "nowhere" / "x.xlsx")
        await pilot.press("f5")
        await _settle(app, pilot)
        assert "findes ikke" in str(screen.query_one("#export-file-error", Static).content)
        assert row_counts() == before
        assert not list(tmp_path.rglob("*.xlsx"))


async def test_import_screen_checks_shows_and_asks_before_importing(demo, make_app, tmp_path):
    path = write_sheet(tmp_path / "hånd.xlsx", [
        ("010145-1235", "Åse Ærø", "Hornsyld", 9001, D(2026, 1, 5), 3, D(2026, 3, 1)),
        ("020246-1237", "Bo Holm", "Tørring", 9002, D(2026, 2, 1), 1, None),
    ])
    before = row_counts()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        assert screen.query_one("#import-do", Button).disabled
        screen.query_one("#import-file", Input).value = str(path)
        await pilot.press("f5")
        await _settle(app, pilot)
        text = " ".join(" ".join(line.text for line in screen.query_one("#import-result", RichLog).lines).split())
        assert "Hornsyld" in text and "kort 9001" in text
        assert row_counts() == before, "the check writes nothing"
        assert not screen.query_one("#import-do", Button).disabled
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await _settle(app, pilot)
        assert row_counts() == before
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("j")
        await _settle(app, pilot)
        after = row_counts()
        assert after["citizen"] == before["citizen"] + 2 and after["card"] == before["card"] + 2
        assert "Importeret fra hånd.xlsx" in str(screen.query_one("#import-status", Static).content)
        assert screen.query_one("#import-do", Button).disabled


async def test_import_screen_shows_the_errors_of_a_bad_file(demo, make_app, tmp_path):
    path = write_sheet(tmp_path / "bad.xlsx", [("010145-1235", "Åse", "", 9001, D(2026, 1, 5), 12, None)])
    before = row_counts()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_goto("import")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#import-file", Input).value = str(path)
        await pilot.press("enter")
        await _settle(app, pilot)
        text = " ".join(" ".join(line.text for line in screen.query_one("#import-result", RichLog).lines).split())
        assert "række 2, kolonne F (Antal klip)" in text
        assert "afvist" in str(screen.query_one("#import-status", Static).content)
        assert screen.query_one("#import-do", Button).disabled
        await pilot.press("f12")  # nothing checked: nothing to import
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert row_counts() == before


async def test_import_screen_lists_the_spreadsheets_of_the_current_folder(demo, make_app, tmp_path,
                                                                         monkeypatch):
    from textual.widgets import OptionList

    write_sheet(tmp_path / "a.xlsx", [("010145-1235", "Åse Ærø", "Hornsyld", 9001, D(2026, 1, 5), 3,
                                       D(2026, 3, 1))])
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    (tmp_path / "notes.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        app.action_goto("import")
        await pilot.pause()
        files = app.screen.query_one("#import-files", OptionList)
        assert [files.get_option_at_index(i).id for i in range(files.option_count)] == [str(tmp_path / "a.xlsx")]
        files.focus()
        await pilot.press("enter")  # choosing a file checks it at once
        await _settle(app, pilot)
        assert app.screen.query_one("#import-file", Input).value == str(tmp_path / "a.xlsx")
        assert not app.screen.query_one("#import-do", Button).disabled


async def test_a_therapist_cannot_open_export_or_import(demo, db_path, tmp_path):
    from cirkel_tui.app import CirkelApp
    from models.entities import Staff

    therapist = Staff.get(Staff.role == "terapeut")
    app = CirkelApp(actor_id=therapist.id, db_path=db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for dest in ("eksport", "import"):
            app.action_goto(dest)
            await pilot.pause()
            assert app.current_mode == "overblik"
        assert any("Kun leder" in n for n in _notes(app))
