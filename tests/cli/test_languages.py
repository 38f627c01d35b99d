"""Each language complete on the command line (issue #15, item 3): every command's --help, argparse's
own refusals and a rule's refusal, in Danish and in English, with no word of the other language.

The command names, flags and metavars (COMMAND, PATH, --dry-run …) are a fixed contract and are left
out of the comparison; so are the CLI's values (terapeut, leder, …: tests/tui/language_words.py).
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.helpers import run_cli
from tests.tui.language_words import foreign

CONTRACT = re.compile(r"(?<![\w-])-{1,2}[\w-]+|\b[A-Z][A-Z0-9_-]+\b|\{[^{}]*\}|\[[^\[\]]*\]")


def _subcommands(parser) -> dict[str, object]:
    import argparse

    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def _commands() -> tuple[list[str], set[str]]:
    """The top-level commands, and every command name at any depth (card history, programme line …)."""
    from cirkel_tui.cli import build_parser

    top = _subcommands(build_parser())
    names, todo = set(top), list(top.values())
    while todo:
        nested = _subcommands(todo.pop())
        names |= set(nested)
        todo += nested.values()
    return sorted(top), names


def _prose(text: str, names: set[str]) -> str:
    """The text without the contract: flags, metavars, choices, command names, file names and paths."""
    text = re.sub(r"-\n\s+", "-", text)  # argparse breaks "indsigt-DATE.xlsx" after the dash
    text = " ".join(w for w in text.split() if "/" not in w and not re.search(r"\.\w", w.rstrip(".")))
    return " ".join(w for w in CONTRACT.sub(" ", text).split() if w.strip(",.:;()'") not in names)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_commands_help_is_in_one_language(lang):
    commands, names = _commands()
    runs = [["--help"]] + [[name, "--help"] for name in commands]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda args: run_cli(*args, env={"CIRKEL_LANG": lang}), runs))
    problems = []
    for args, result in zip(runs, results, strict=True):
        assert result.returncode == 0, (args, result.stderr)
        found = foreign(_prose(result.stdout, names), lang)
        if found:
            problems.append(f"{' '.join(args)}: {found}")
    assert not problems, "\n".join(problems)
    usage, options = {"da": ("brug:", "vis denne hjælp og afslut"),
                      "en": ("usage:", "show this help message and exit")}[lang]
    assert all(r.stdout.startswith(usage) and options in r.stdout for r in results)


USAGE_ERRORS = [
    (("punch",), "cirkel punch: disse argumenter mangler: CITIZEN, CLIPS, --activity (se cirkel --help)",
     "cirkel punch: the following arguments are required: CITIZEN, CLIPS, --activity (see cirkel --help)"),
    (("bogus",), "cirkel: argument COMMAND: ugyldigt valg: 'bogus' (vælg mellem",
     "cirkel: argument COMMAND: invalid choice: 'bogus' (choose from"),
    (("punch", "1", "2", "--activity"), "cirkel punch: argument --activity: mangler en værdi (se cirkel --help)",
     "cirkel punch: argument --activity: expected one argument (see cirkel --help)"),
    (("waitlist", "--nope"), "cirkel: ukendte argumenter: --nope (se cirkel --help)",
     "cirkel: unrecognized arguments: --nope (see cirkel --help)"),
]


@pytest.mark.parametrize("args,danish,english", USAGE_ERRORS)
def test_argparses_refusals_speak_the_language(args, danish, english):
    for lang, expected in (("da", danish), ("en", english)):
        result = run_cli(*args, env={"CIRKEL_LANG": lang})
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(expected), (lang, result.stderr)
        assert len(result.stderr.splitlines()) == 1


def test_a_rules_refusal_speaks_the_language(demo, db_path):
    refusals = {}
    for lang in ("da", "en"):
        result = run_cli("punch", "0101010101", "1", "--activity", "Kaffe", db=db_path, env={"CIRKEL_LANG": lang})
        assert result.returncode == 1, result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert not foreign(result.stderr, lang), result.stderr
        refusals[lang] = result.stderr.strip()
    assert refusals["da"] == "cirkel: Ingen borger har CPR-nummer 010101-XXXX."
    assert refusals["en"] == "cirkel: No citizen has CPR number 010101-XXXX."
