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


def test_the_evaluations_months_are_named_in_the_language_shown(monkeypatch):
    import datetime as dt

    from models.evaluation import Month

    may = Month(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert may.label == "maj 2026"
    monkeypatch.setenv("CIRKEL_LANG", "en")
    i18n.set_language(i18n.language())
    try:
        assert may.label == "May 2026"
        assert Month(dt.date(2026, 10, 1), dt.date(2026, 10, 31)).label == "Oct 2026"
    finally:
        monkeypatch.delenv("CIRKEL_LANG")
        i18n.set_language(i18n.language())
