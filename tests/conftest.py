"""Shared fixtures: every test gets its own temp database and data dir.

Tests never touch a real user database: CIRKEL_DB, CIRKEL_DATA_DIR and the
language are pinned per test, and the database is a file under tmp_path —
or, with ``--db-backend postgresql`` (issue #18), a fresh PostgreSQL database
made from a migrated template on the server named by ``CIRKEL_TEST_POSTGRES``
(a URL of a database to connect to for CREATE DATABASE, e.g.
``postgresql://cirkel@/postgres?host=/tmp/pg``), dropped after the test.

On PostgreSQL only the tests that use the ``db_path``/``database`` fixtures are
collected (the others make their own SQLite files, so running them again would
test SQLite twice), and not those marked ``sqlite_only``: they test SQLite itself
(pragmas, WAL and lock files, file modes, the online backup, FTS5, the trace
callback, symlinks onto database files).
"""
from __future__ import annotations

import datetime as dt
import os
import pwd
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from models import base, i18n

FROZEN_DAY = dt.date(2026, 11, 20)
POSTGRES_ENV = "CIRKEL_TEST_POSTGRES"
DATABASE_FIXTURES = {"db_path", "new_db_path", "database", "admin", "demo", "make_app"}


def pytest_addoption(parser):
    parser.addoption("--db-backend", choices=("sqlite", "postgresql"), default="sqlite",
                     help=f"the database the tests run on (postgresql: the server in ${POSTGRES_ENV})")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: tests SQLite itself; not collected on PostgreSQL")
    config.addinivalue_line("markers", "postgresql_only: tests PostgreSQL itself; collected only there")
    if config.getoption("--db-backend") == "postgresql" and not os.environ.get(POSTGRES_ENV):
        raise pytest.UsageError(f"--db-backend postgresql needs ${POSTGRES_ENV} (a postgresql:// URL)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--db-backend") != "postgresql":
        drop = [item for item in items if item.get_closest_marker("postgresql_only") is not None]
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = [item for item in items if item.get_closest_marker("postgresql_only") is None]
        return
    keep, drop = [], []
    for item in items:
        uses_db = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (keep if uses_db and item.get_closest_marker("sqlite_only") is None else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def postgres_url(name: str) -> str:
    """The test server's URL with another database name."""
    parts = urlsplit(os.environ[POSTGRES_ENV])
    return urlunsplit(parts._replace(path="/" + name))


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(os.environ[POSTGRES_ENV], autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def postgres_template(pytestconfig):
    """A migrated empty database per test process, copied for every test (CREATE DATABASE … TEMPLATE)."""
    if pytestconfig.getoption("--db-backend") != "postgresql":
        yield None
        return
    from models.store import close_database, open_database

    name = f"cirkel_tpl_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    _postgres_admin(f'CREATE DATABASE "{name}"')
    open_database(postgres_url(name))
    close_database()
    yield name
    _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CIRKEL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # firstrun: never the developer's [keys]
    monkeypatch.delenv("CIRKEL_DB", raising=False)
    monkeypatch.delenv("CIRKEL_LANG", raising=False)
    monkeypatch.delenv("SUDO_UID", raising=False)
    i18n.set_language("da")
    yield
    base.freeze_today(None)
    i18n.set_language("da")


@pytest.fixture
def new_db_path(tmp_path, postgres_template):
    """Another empty database of the backend under test: a file, or a fresh PostgreSQL database."""
    made: list[str] = []

    def make(name: str = "cirkel.db") -> str:
        if postgres_template is None:
            return str(tmp_path / name)
        made.append(f"cirkel_test_{uuid.uuid4().hex[:12]}")
        _postgres_admin(f'CREATE DATABASE "{made[-1]}" TEMPLATE "{postgres_template}"')
        return postgres_url(made[-1])

    yield make
    if made:
        from models.store import close_database

        close_database()
        for name in made:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db_path(new_db_path):
    return new_db_path()


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
