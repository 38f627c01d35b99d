"""Issue 14, the Ishøj programmes (R13): a programme's year, total budget and creator; a café's
count of unregistered guests on its event; dated results notes (frozen DDL for the new table)."""
from peewee import DecimalField, ForeignKeyField, IntegerField

STATEMENTS = [
    'CREATE TABLE "result_note" ("id" INTEGER NOT NULL PRIMARY KEY, "programme_id" INTEGER NOT NULL, '
    '"noted_on" DATE NOT NULL, "text" TEXT NOT NULL, "by_id" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, '
    'FOREIGN KEY ("programme_id") REFERENCES "programme" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("by_id") REFERENCES "staff" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "result_note_programme_id" ON "result_note" ("programme_id")',
    'CREATE INDEX "result_note_by_id" ON "result_note" ("by_id")',
]


def up(migrator, db):
    from models.entities import Staff

    migrator.migrate(
        migrator.add_column("programme", "year", IntegerField(null=True)),
        migrator.add_index("programme", ("year",), False),
        migrator.add_column("programme", "budget_dkk", DecimalField(max_digits=14, decimal_places=2, default=0)),
        migrator.add_column("programme", "created_by_id",
                            ForeignKeyField(Staff, field=Staff.id, null=True, on_delete="RESTRICT")),
        migrator.add_column("event", "guests", IntegerField(default=0)),
    )
    from peewee import PostgresqlDatabase

    for statement in STATEMENTS:
        if isinstance(db, PostgresqlDatabase):  # issue #18: the same table in PostgreSQL's words
            statement = statement.replace('"id" INTEGER NOT NULL PRIMARY KEY', '"id" SERIAL NOT NULL PRIMARY KEY')
            statement = statement.replace(" DATETIME ", " TIMESTAMP ")
        db.execute_sql(statement)
