"""Remappable keys (issue #15, item 7): a [keys] table in /etc/cirkel.toml and the user's own
cirkel.toml moves the App's keys through Textual's App.set_keymap; help and palette follow."""
from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from cirkel_tui import config
from cirkel_tui.help import HelpScreen
from cirkel_tui.keymap import default_keys, load_keymap, user_config_path
from cirkel_tui.navigation import DESTINATIONS, GLOBAL_ACTIONS


@pytest.fixture
def system_config(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "etc-cirkel.toml"
    monkeypatch.setattr(config, "SYSTEM_CONFIG", path)
    return path


def _user(text: str) -> Path:
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_app_binding_has_a_stable_id_and_they_are_the_ones_the_table_knows(make_app, admin):
    app = make_app()
    ids = [binding.id for _key, binding in app._bindings if not binding.system]  # not Textual's ctrl+c hint
    assert None not in ids  # every binding of the App, the palette's too
    assert set(ids) == set(default_keys())
    assert {f"goto-{d.id}" for d in DESTINATIONS} <= set(ids)
    assert {"help", "quick-punch", "quick-punch-letter", "undo-punch", "palette", "theme", "quit"} <= set(ids)


def test_the_user_file_wins_over_the_system_one_and_bad_entries_are_one_danish_line_each(system_config):
    system_config.write_text('[keys]\ngoto-puljer = "x"\ngoto-katalog = "ctrl+k"\n', encoding="utf-8")
    user = _user('[keys]\ngoto-puljer = "F9, z"\ngoto-nowhere = "q"\nhelp = "ctrl+flurb"\ntheme = 3\n')
    keymap, problems = load_keymap()
    assert keymap == {"goto-puljer": "f9,z", "goto-katalog": "ctrl+k"}
    assert problems == [
        f"Ukendt id 'goto-nowhere' i [keys] i {user}; se docs/keys.md for listen.",
        f"'ctrl+flurb' for help i [keys] i {user} er ikke en tast; help beholder f1,question_mark.",
        f"'3' for theme i [keys] i {user} er ikke en tast; theme beholder ctrl+t.",
    ]
    # under the shared service account only /etc/cirkel.toml counts
    keymap, _problems = load_keymap(include_user=False)
    assert keymap == {"goto-puljer": "x", "goto-katalog": "ctrl+k"}


def test_a_file_that_is_no_toml_and_a_key_taken_from_another_binding_are_told(system_config):
    system_config.write_text("[keys\n", encoding="utf-8")
    keymap, problems = load_keymap()
    assert keymap == {} and len(problems) == 1 and problems[0].startswith(f"Kan ikke læse {system_config}")
    system_config.write_text('[keys]\ngoto-overblik = "b"\n', encoding="utf-8")
    keymap, problems = load_keymap()
    assert keymap == {"goto-overblik": "b"}
    assert problems == ["Tasten b er flyttet til goto-overblik i [keys]; goto-borgere har den ikke længere."]
    system_config.write_text('keys = "o"\n', encoding="utf-8")
    assert load_keymap()[1] == [f"[keys] i {system_config} skal være en tabel af id = tast; den bruges ikke."]


async def test_a_remapped_key_works_the_old_one_does_not_and_help_and_palette_show_it(demo, make_app,
                                                                                    system_config):
    _user('[keys]\ngoto-puljer = "x"\nquick-punch-letter = "plus"\n')
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("p")
        await pilot.pause()
        assert app.current_mode == "overblik"  # p no longer opens Puljer
        await pilot.press("x")
        await pilot.pause()
        assert app.current_mode == "puljer"
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = {str(table.get_row_at(i)[1]): str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert rows["Puljer"] == "x"
        assert rows["Registrér klip"] == "F2 / +"
        assert rows["Overblik"] == "o / F4"  # the others keep theirs
        await pilot.press("escape")
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Puljer"].startswith("x — ")
        assert commands["Registrér klip"].startswith("F2 / + — ")
        assert not app._notifications  # a good table says nothing


async def test_a_bad_entry_is_one_line_at_start_and_cirkel_starts_with_the_usual_key(demo, make_app,
                                                                                     system_config):
    system_config.write_text('[keys]\ngoto-puljer = "ctrl+nope"\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [n.message for n in app._notifications] == [
            f"'ctrl+nope' for goto-puljer i [keys] i {system_config} er ikke en tast; goto-puljer beholder p,f9."]
        assert not any(n.markup for n in app._notifications)  # "[keys]" is shown, not taken for markup
        await pilot.press("p")
        await pilot.pause()
        assert app.current_mode == "puljer"


def test_the_registry_actions_all_have_ids():
    assert len({a.binding_id for a in GLOBAL_ACTIONS}) == len(GLOBAL_ACTIONS)


def test_docs_list_every_binding_id():
    text = (Path(__file__).resolve().parents[2] / "docs" / "keys.md").read_text(encoding="utf-8")
    assert all(f"| `{binding_id}` |" in text for binding_id in default_keys())
