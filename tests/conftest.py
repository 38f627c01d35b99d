"""Shared fixtures: every test gets its own temp SQLite file and data dir.

Tests never touch a real user database: CIRKEL_DB, CIRKEL_DATA_DIR and the
language are pinned per test, and the database is a file under tmp_path.
"""
from __future__ import annotations

import datetime as dt
import os
import pwd

import pytest

from models import base, i18n

FROZEN_DAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CIRKEL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CIRKEL_DB", raising=False)
    monkeypatch.delenv("CIRKEL_LANG", raising=False)
    monkeypatch.delenv("SUDO_UID", raising=False)
    i18n.set_language("da")
    yield
    base.freeze_today(None)
    i18n.set_language("da")


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "cirkel.db")


@pytest.fixture
def database(db_path):
    from models.store import close_database, open_database

    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def me() -> str:
    """The OS login of the test run (what identity resolves to)."""
    return pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def admin(database, me):
    from models.staff import init_database

    return init_database(me, "Test Administrator")


@pytest.fixture
def frozen_day():
    base.freeze_today(FROZEN_DAY)
    return FROZEN_DAY


@pytest.fixture
def demo(database, admin, me, frozen_day):
    """A small deterministic demo database, made as of FROZEN_DAY."""
    from models.demo import DEMO_MARK, fill_demo
    from models.entities import Setting

    # as if `cirkel demo` had created this database (the test database was made by init)
    Setting.create(key=DEMO_MARK, value="1")
    fill_demo(me, citizens=300, seed=7)
    return database


@pytest.fixture
def make_app(db_path, me):
    """Build the App for Pilot tests on the test database."""
    from cirkel_tui.app import CirkelApp
    from models.staff import require_staff

    def factory():
        return CirkelApp(actor_id=require_staff(me).id, db_path=db_path)

    return factory


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch):
    """Stable snapshots: the Input cursor does not blink."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False, raising=False)
