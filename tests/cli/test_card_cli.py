"""``cirkel card …`` (issue #16), in process: output, exit codes, what is written."""
from __future__ import annotations

import decimal

import pypdf
import pytest

from cirkel_tui.cli import run
from models.base import db
from models.cards import issue_card, punch
from models.citizens import change_state, create_citizen
from models.entities import Budget, Card, District, Pool


@pytest.fixture
def cards(admin, frozen_day, db_path):
    district = District.create(name="Nord", home_help_count=10)
    budget = Budget.create(year=frozen_day.year, budget_dkk=decimal.Decimal(100000),
                           price_per_clip_dkk=decimal.Decimal(100), created_by=admin)
    Pool.create(budget=budget, district=district, allocated=100)
    made = []
    for cpr, name in (("0101451235", "Søren Ågård"), ("0202461236", "Karen Jensen")):
        citizen = create_citizen(admin, cpr, name, district=district)
        with db.atomic():
            change_state(admin, citizen, "eligible")
            change_state(admin, citizen, "active")
        made.append(issue_card(admin, citizen))
    return made


def cli(db_path, *args):
    return run(["--db", db_path, *args])


def test_card_print_writes_a_pdf_and_marks_the_card_printed(cards, db_path, tmp_path, capsys):
    out = tmp_path / "kort.pdf"
    assert cli(db_path, "card", "print", str(cards[0].number), "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert "1 kort udskrevet på 1 ark" in said and str(out) in said
    text = pypdf.PdfReader(str(out)).pages[0].extract_text()
    assert "Søren Ågård" in text and str(cards[0].number) in text and "0101451235" not in text
    assert Card.get_by_id(cards[0].id).print_state == "printed"
    assert Card.get_by_id(cards[1].id).print_state == "requested"
    # the same file again: refused without --force, nothing more marked
    assert cli(db_path, "card", "print", str(cards[1].number), "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "findes allerede" in err
    assert Card.get_by_id(cards[1].id).print_state == "requested"


def test_card_print_pending_prints_the_queue(cards, db_path, tmp_path, capsys):
    assert cli(db_path, "card", "queue") == 0
    assert "til udskrivning" in capsys.readouterr().out
    assert cli(db_path, "card", "print", "--pending", "--out", str(tmp_path)) == 0
    assert "2 kort udskrevet på 1 ark" in capsys.readouterr().out
    assert {c.print_state for c in Card.select()} == {"printed"}
    assert cli(db_path, "card", "print", "--pending", "--out", str(tmp_path / "x.pdf")) == 1
    assert "ingen kort til udskrivning" in capsys.readouterr().err
    assert cli(db_path, "card", "handout", str(cards[0].number)) == 0
    assert Card.get_by_id(cards[0].id).print_state == "handed_out"


def test_card_print_usage(cards, db_path, capsys):
    assert cli(db_path, "card", "print") == 2
    assert cli(db_path, "card", "print", "1001", "--pending") == 2
    assert cli(db_path, "card", "print", "12ab") == 1
    assert "ikke et kortnummer" in capsys.readouterr().err


def test_card_replace_blocks_the_old_number(cards, db_path, admin, capsys):
    punch(admin, cards[0].citizen, 4, "Frisør")
    assert cli(db_path, "card", "replace", str(cards[0].number), "--reason", "mistet") == 0
    new = Card.get(Card.replaces == cards[0].id)
    assert f"Nyt kort {new.number} med 6 klip" in capsys.readouterr().out
    assert cli(db_path, "punch", str(cards[0].number), "1", "--activity", "Kaffe") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"Kort {cards[0].number} er spærret" in err and str(new.number) in err
    assert cli(db_path, "punch", str(new.number), "1", "--activity", "Kaffe") == 0
    with pytest.raises(SystemExit) as usage:  # --reason is required
        cli(db_path, "card", "replace", str(cards[1].number))
    assert usage.value.code == 2


def test_card_history_and_settings(cards, db_path, tmp_path, capsys):
    assert cli(db_path, "card", "scheme", "Klippekortet") == 0
    assert cli(db_path, "card", "phone", "Nord", "75 55 12 34") == 0
    assert cli(db_path, "card", "phone", "Syd", "1") == 1
    capsys.readouterr()
    assert cli(db_path, "card", "history", "010145-1235", "--out", str(tmp_path / "h.pdf")) == 0
    text = pypdf.PdfReader(str(tmp_path / "h.pdf")).pages[0].extract_text()
    assert "Søren Ågård" in text and "Klippekortet" in text and "75 55 12 34" in text
    assert "010145" not in text
