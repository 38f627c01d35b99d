"""Issue #12: a citizen deleted after the deletion deadline leaves their cards, agreements and
punches behind without the link to them (the pools' and years' figures stay right), so
``card.citizen_id``, ``agreement.citizen_id`` and ``punch.citizen_id`` may be NULL.

SQLite cannot drop a NOT NULL in place: each table is rebuilt (SQLite's own 12-step recipe),
with foreign keys off for the rebuild and checked after it.
"""
from peewee import SqliteDatabase

atomic = False  # PRAGMA foreign_keys cannot change inside a transaction

TABLES = ("card", "agreement", "punch")


def _rebuild_sqlite(db, table: str) -> None:
    create, = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                             (table,)).fetchone()
    old = '"citizen_id" INTEGER NOT NULL'
    if old not in create:
        return
    indexes = [sql for (sql,) in db.execute_sql(  # and triggers: DROP TABLE drops them too
        "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL",
        (table,))]
    new_table = f"{table}__new"
    db.execute_sql(create.replace(old, '"citizen_id" INTEGER', 1).replace(
        f'CREATE TABLE "{table}"', f'CREATE TABLE "{new_table}"', 1))
    db.execute_sql(f'INSERT INTO "{new_table}" SELECT * FROM "{table}"')
    db.execute_sql(f'DROP TABLE "{table}"')
    db.execute_sql(f'ALTER TABLE "{new_table}" RENAME TO "{table}"')
    for sql in indexes:
        db.execute_sql(sql)


def up(migrator, db):
    if not isinstance(db, SqliteDatabase):
        with db.atomic():
            migrator.migrate(*[migrator.drop_not_null(t, "citizen_id") for t in TABLES])
        return
    db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with db.atomic():
            db.execute_sql("PRAGMA legacy_alter_table = ON")  # the rename must not rewrite other tables
            for table in TABLES:
                _rebuild_sqlite(db, table)
            db.execute_sql("PRAGMA legacy_alter_table = OFF")
            broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by migration 0021: {broken[:5]}")
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")
