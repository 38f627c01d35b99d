"""Danish by default; the English catalogue with CIRKEL_LANG=en."""
from __future__ import annotations

from models import i18n


def test_danish_by_default():
    i18n.set_language("da")
    assert i18n._("Overblik") == "Overblik"


def test_english_catalogue(monkeypatch):
    monkeypatch.setenv("CIRKEL_LANG", "en")
    i18n.set_language(i18n.language())
    assert i18n._("Overblik") == "Overview"
    assert i18n._("en tekst uden oversættelse") == "en tekst uden oversættelse"


def test_every_catalogue_entry_is_used_in_the_source():
    from pathlib import Path

    catalogue = i18n.parse_po(i18n.LOCALE_DIR / "en" / "LC_MESSAGES" / "cirkel.po")
    root = Path(__file__).resolve().parents[2]
    source = "".join(p.read_text(encoding="utf-8") for folder in ("cirkel_tui", "screens", "models", "exports")
                     for p in (root / folder).rglob("*.py"))
    unused = [msgid for msgid in (key.rpartition(i18n.CONTEXT)[2] for key in catalogue)
              if repr(msgid) not in source and f'"{msgid}"' not in source]
    assert not unused, unused


def test_a_word_with_two_meanings_is_told_apart_by_its_context():
    """"Tilbage" is "Back" on a key and "Left" over a column of clips (pgettext, msgctxt in the .po)."""
    i18n.set_language("en")
    assert i18n._("Tilbage") == "Back"
    assert i18n.pgettext("rest", "Tilbage") == "Left"
    i18n.set_language("da")
    assert i18n.pgettext("rest", "Tilbage") == "Tilbage"
