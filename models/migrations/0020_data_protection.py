"""Issue #12: the access log's purpose, staff districts (need-to-know), log reviews; issue #20: staff language.

Staff members' existing district becomes their first ``staff_district`` row.
"""
from peewee import CharField

STATEMENTS = [
    'CREATE TABLE "staff_district" ("id" INTEGER NOT NULL PRIMARY KEY, "staff_id" INTEGER NOT NULL, '
    '"district_id" INTEGER NOT NULL, FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("district_id") REFERENCES "district" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "staff_district_staff_id" ON "staff_district" ("staff_id")',
    'CREATE INDEX "staff_district_district_id" ON "staff_district" ("district_id")',
    'CREATE UNIQUE INDEX "staff_district_staff_id_district_id" ON "staff_district" ("staff_id", "district_id")',
    'CREATE TABLE "log_sample" ("id" INTEGER NOT NULL PRIMARY KEY, "drawn_at" DATETIME NOT NULL, '
    '"drawn_by_id" INTEGER NOT NULL, "days" INTEGER NOT NULL, "size" INTEGER NOT NULL, '
    'FOREIGN KEY ("drawn_by_id") REFERENCES "staff" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "log_sample_drawn_at" ON "log_sample" ("drawn_at")',
    'CREATE INDEX "log_sample_drawn_by_id" ON "log_sample" ("drawn_by_id")',
    'CREATE TABLE "log_review" ("id" INTEGER NOT NULL PRIMARY KEY, "sample_id" INTEGER NOT NULL, '
    '"access_id" INTEGER, "verdict" VARCHAR(255), "note" TEXT NOT NULL, "reviewed_by_id" INTEGER, '
    '"reviewed_at" DATETIME, FOREIGN KEY ("sample_id") REFERENCES "log_sample" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("access_id") REFERENCES "access_log" ("id") ON DELETE SET NULL, '
    'FOREIGN KEY ("reviewed_by_id") REFERENCES "staff" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "log_review_sample_id" ON "log_review" ("sample_id")',
    'CREATE INDEX "log_review_access_id" ON "log_review" ("access_id")',
    'CREATE INDEX "log_review_reviewed_by_id" ON "log_review" ("reviewed_by_id")',
    'INSERT INTO "staff_district" ("staff_id", "district_id") '
    'SELECT "id", "district_id" FROM "staff" WHERE "district_id" IS NOT NULL',
]


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("access_log", "purpose", CharField(default="")),
        migrator.add_column("staff", "language", CharField(null=True)),
        migrator.add_column("staff", "color_system", CharField(null=True)),
    )
    from peewee import PostgresqlDatabase

    for statement in STATEMENTS:
        if isinstance(db, PostgresqlDatabase):  # issue #18: the same tables in PostgreSQL's words
            statement = statement.replace('"id" INTEGER NOT NULL PRIMARY KEY', '"id" SERIAL NOT NULL PRIMARY KEY')
            statement = statement.replace(" DATETIME", " TIMESTAMP")
        db.execute_sql(statement)
