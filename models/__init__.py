"""The domain: entities, operations, the store and i18n (no Textual here).

Issue #17 (the start): peewee and playhouse's migrations import psycopg, PostgreSQL's driver,
with themselves — 60-180 ms that a start on SQLite (the usual store) does not need. They are
therefore imported here with psycopg hidden (playhouse does without it: only its hstore support
needs it, which Cirkel does not use), and :func:`models.store.make_database` hands the driver
to peewee when a PostgreSQL database is opened.
"""
import sys as _sys

if "peewee" not in _sys.modules and "psycopg" not in _sys.modules:
    _sys.modules["psycopg"] = None  # type: ignore[assignment]  # "import psycopg" fails meanwhile
    try:
        import peewee  # noqa: F401
        import playhouse.migrations  # noqa: F401
    finally:
        del _sys.modules["psycopg"]
