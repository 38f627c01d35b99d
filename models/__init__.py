"""The domain: entities, operations, the store and i18n (no Textual here).

Issue #17 (the start): peewee and playhouse's migrations import psycopg, PostgreSQL's driver,
with themselves — 60-180 ms that a start on SQLite (the usual store) does not need. They are
therefore imported with psycopg hidden (playhouse does without it: only its hstore support
needs it, which Cirkel does not use): peewee here, playhouse's migrations only when there is a
migration to apply (:func:`models.store.migrate_database`; ~10 ms of every start otherwise), and
:func:`models.store.make_database` hands the driver to peewee when a PostgreSQL database is opened.
"""
import importlib as _importlib
import sys as _sys


def import_without_psycopg(name: str):
    """The module ``name``, imported (if it is not yet, and psycopg is not) with psycopg hidden."""
    if name not in _sys.modules and "psycopg" not in _sys.modules:
        _sys.modules["psycopg"] = None  # type: ignore[assignment]  # "import psycopg" fails meanwhile
        try:
            _importlib.import_module(name)
        finally:
            del _sys.modules["psycopg"]
    return _importlib.import_module(name)


import_without_psycopg("peewee")
