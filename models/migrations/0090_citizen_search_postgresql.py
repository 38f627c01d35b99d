"""Issue #18: search as you type on PostgreSQL — a GIN index over the words of citizens' names.

The PostgreSQL counterpart of 0002's FTS5 table (which creates nothing here):
an expression index on ``to_tsvector('simple', lower(name COLLATE "und-x-icu"))``.
The ICU ``lower`` folds case for every letter whatever the database's own
locale (SØREN finds Søren, also in a database made with LC_CTYPE C); the
``simple`` configuration has no stemming and no unaccent, so Å, Æ and Ø stay
letters of their own (Åse is not Aase). It is an index, not a table: it
follows every insert, rename and delete by itself, and indexes the citizens
already there when it is made. Only ``models/search.py`` queries it, with the
same expression. A second, ordinary index on the folded name (byte order, then
id) finds names that start with what was typed, already in the search's order;
both again as partial indexes over the active and paused participants, whom the
search puts first (a few thousand of 100,000).
On SQLite this migration creates nothing.
"""
from peewee import PostgresqlDatabase

NAME_WORDS = "to_tsvector('simple', lower(name COLLATE \"und-x-icu\"))"
NAME_FOLDED = "(lower(name COLLATE \"und-x-icu\") COLLATE \"C\")"
PARTICIPANTS = "state IN ('active', 'paused')"


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(f"CREATE INDEX citizen_name_search ON citizen USING gin ({NAME_WORDS})")
    db.execute_sql(f"CREATE INDEX citizen_name_folded ON citizen ({NAME_FOLDED}, id)")
    db.execute_sql(f"CREATE INDEX citizen_name_search_participants ON citizen USING gin ({NAME_WORDS}) "
                   f"WHERE {PARTICIPANTS}")
    db.execute_sql(f"CREATE INDEX citizen_name_folded_participants ON citizen ({NAME_FOLDED}, id) "
                   f"WHERE {PARTICIPANTS}")
