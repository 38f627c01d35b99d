"""Issue #18: search as you type on PostgreSQL — a GIN index over the words of citizens' names.

The PostgreSQL counterpart of 0002's FTS5 table (which creates nothing here):
an expression index on ``to_tsvector('simple', lower(name COLLATE "und-x-icu"))``.
The ICU ``lower`` folds case for every letter whatever the database's own
locale (SØREN finds Søren, also in a database made with LC_CTYPE C); the
``simple`` configuration has no stemming and no unaccent, so Å, Æ and Ø stay
letters of their own (Åse is not Aase). It is an index, not a table: it
follows every insert, rename and delete by itself, and indexes the citizens
already there when it is made. Only ``models/search.py`` queries it, with the
same expression. On SQLite this migration creates nothing.
"""
from peewee import PostgresqlDatabase

NAME_WORDS = "to_tsvector('simple', lower(name COLLATE \"und-x-icu\"))"


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(f"CREATE INDEX citizen_name_search ON citizen USING gin ({NAME_WORDS})")
