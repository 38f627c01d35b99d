"""One set of field rules (issue #10, item 7): staff logins, amounts, texts, card numbers."""
from __future__ import annotations

import decimal

import pytest

from models.base import DomainError
from models.entities import Staff
from models.inputs import LIMITS, parse_kroner
from models.staff import add_staff


@pytest.mark.parametrize("login,words", [
    ("an ne", "mellemrum"),
    ("x" * 100_000, f"højst være {LIMITS['login']} tegn"),
    ("dae\x1bmon", "kontroltegn"),
    ("ingen-saadan-konto", "ikke en brugerkonto"),
])
def test_a_login_must_be_a_plain_os_account(admin, login, words):
    with pytest.raises(DomainError, match=words):
        add_staff(admin, login, "Navn", "terapeut")
    assert Staff.select().count() == 1


def test_logins_are_unique_whatever_the_case(admin, me):
    added = add_staff(admin, "daemon", "Dora Dæmon", "terapeut")
    assert added.login == "daemon"
    with pytest.raises(DomainError, match="findes allerede"):
        add_staff(admin, me.upper() if me.upper() != me else me, "Igen", "terapeut")


def test_a_name_keeps_the_limit(admin):
    with pytest.raises(DomainError, match=f"højst være {LIMITS['name']} tegn"):
        add_staff(admin, "daemon", "x" * 100_000, "terapeut")


@pytest.mark.parametrize("text", ["0.001", "0.5", "1e309", "¹⁰"])
def test_an_amount_is_never_silently_changed(text):
    with pytest.raises(DomainError):
        parse_kroner(text, "price")


def test_thousands_still_read_as_thousands():
    assert parse_kroner("1.225.000", "budget") == decimal.Decimal("1225000.00")


def test_a_price_of_0001_is_refused_not_saved_as_1_kr(admin):
    from models.budget import preview_budget

    with pytest.raises(DomainError) as refused:
        parse_kroner("0.001", "price")
    assert refused.value.field == "price"
    with pytest.raises(DomainError) as refused:
        preview_budget(2026, "600.000", "0.001", "30.000")
    assert refused.value.field in ("price", "price_per_clip", "price_per_clip_dkk")
    assert parse_kroner("1.500", "price") == decimal.Decimal("1500.00")
