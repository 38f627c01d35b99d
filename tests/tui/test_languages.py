"""Each language complete (issue #15, item 3): every screen in Danish and in English, no word of the other.

The screens are drawn in a process of their own per language (tests/tui/language_screens.py), as at a
real start: the language is chosen before any screen is imported. Words that belong only to the other
language come from the catalogue (tests/tui/language_words.py); the data shown (names, districts,
activities, outing titles, the access log's records) stays as it was written and is not counted.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.tui.language_words import foreign, stored_words

ROOT = Path(__file__).resolve().parents[2]

# Textual's own English, and what Cirkel says in its place (the place must have been reached).
TEXTUAL = {
    "palette": ("Search for commands", "Søg efter skærme og handlinger…", "Search screens and actions…"),
    "palette: no match": ("No matches found", "Intet passer", "No matches"),
    "venteliste: open list": ("Dismiss menu", "Luk listen", "Close the list"),
    "ctrl+c": ("Do you want to quit?", "Vil du afslutte?", "Do you want to quit?"),
}


def _render(db_path: str, me: str, tmp_path: Path) -> dict[str, dict[str, str]]:
    runs = {}
    for lang in ("da", "en"):
        out = tmp_path / f"screens-{lang}.json"
        env = dict(os.environ, CIRKEL_LANG=lang)
        runs[lang] = (out, subprocess.Popen([sys.executable, "-m", "tests.tui.language_screens", db_path, me, str(out)],
                                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                            text=True))
    seen = {}
    for lang, (out, proc) in runs.items():
        output, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, output[-3000:]
        seen[lang] = json.loads(out.read_text(encoding="utf-8"))
    return seen


def _lines_with(text: str, found: list[str]) -> list[str]:
    return [line.strip() for line in text.splitlines() if any(w in line.lower() for w in found)][:6]


def test_every_screen_speaks_one_language_and_textuals_own_strings_are_replaced(demo, db_path, me, tmp_path):
    from cirkel_tui.navigation import DESTINATIONS

    seen = _render(db_path, me, tmp_path)
    data, names = stored_words()
    logged, logged_names = stored_words(("AccessLog",))  # the access log's records, shown on Log only
    problems = []
    for lang, places in seen.items():
        assert set(places) >= {d.id for d in DESTINATIONS} | set(TEXTUAL) | {"help", "citizen", "quick punch"}
        for place, text in places.items():
            on_log = place == "log"
            found = foreign(text, lang, data | (logged if on_log else set()), names | (logged if on_log else set()))
            if found:
                problems.append(f"{lang} {place}: {found} in {_lines_with(text, found)}")
    assert not problems, "\n".join(problems)

    # Textual's own strings are replaced in both languages, and the places were reached
    for place, (english, danish, in_english) in TEXTUAL.items():
        assert danish in seen["da"][place], (place, seen["da"][place])
        assert in_english in seen["en"][place], (place, seen["en"][place])
        if english != in_english:
            assert english not in seen["en"][place]
        assert english not in seen["da"][place]
    assert "Maximize" not in seen["da"]["palette"] and "Maksimér" not in seen["en"]["palette"]
    assert "Left" in seen["en"]["puljer"] and "Back" not in seen["en"]["puljer"]  # "Tilbage" over a column of clips
    assert "Ingen borgere passer på '999999'." in seen["da"]["quick punch: unknown card"]
    assert "No citizens match '999999'." in seen["en"]["quick punch: unknown card"]
