"""Search as you type: an FTS5 index of citizens' names, kept in sync by triggers.

``citizen_fts`` is an external-content FTS5 table over ``citizen.name``
(no copy of the names): ``prefix='2 3'`` makes two- and three-letter prefixes
fast, ``remove_diacritics 0`` keeps Å, Æ and Ø distinct letters (Åse is not
Aase), and unicode61 folds case for every letter (SØREN finds Søren). Triggers
keep it in step with every insert, rename and delete, whoever writes the rows
(operations, the demo filler, an import). It is an index, not a model: only
``models/search.py`` reads it, through one SQLite-specific function.

On another database engine this migration creates nothing and the search uses
its portable fallback.
"""
from peewee import SqliteDatabase

STATEMENTS = [
    "CREATE VIRTUAL TABLE citizen_fts USING fts5("
    "name, content='citizen', content_rowid='id', prefix='2 3', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER citizen_fts_insert AFTER INSERT ON citizen BEGIN "
    "INSERT INTO citizen_fts(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER citizen_fts_delete AFTER DELETE ON citizen BEGIN "
    "INSERT INTO citizen_fts(citizen_fts, rowid, name) VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER citizen_fts_rename AFTER UPDATE OF name ON citizen BEGIN "
    "INSERT INTO citizen_fts(citizen_fts, rowid, name) VALUES ('delete', old.id, old.name); "
    "INSERT INTO citizen_fts(rowid, name) VALUES (new.id, new.name); END",
    # Index the citizens already there (a database made before this migration).
    "INSERT INTO citizen_fts(citizen_fts) VALUES ('rebuild')",
]


def up(migrator, db):
    if not isinstance(db, SqliteDatabase):
        return
    for statement in STATEMENTS:  # the runner wraps this in one transaction
        db.execute_sql(statement)
