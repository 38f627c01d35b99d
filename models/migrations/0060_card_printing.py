"""Printed cards (issue #16): the print queue on each card, replacement of a lost card, a district phone.

``card.print_state`` is ``requested`` → ``printed`` → ``handed_out``; NULL for a
card made before printing existed (or imported from a spreadsheet): it is not
in the queue. ``card.replaces_id`` points from a replacement card to the lost
one; ``card.blocked_on`` is the day a lost card's number was blocked.
``district.phone`` is the number printed on the district's cards.
"""

STATEMENTS = [
    'ALTER TABLE "card" ADD COLUMN "print_state" VARCHAR(255)',
    'ALTER TABLE "card" ADD COLUMN "printed_at" DATETIME',
    'ALTER TABLE "card" ADD COLUMN "printed_by_id" INTEGER REFERENCES "staff" ("id") ON DELETE RESTRICT',
    'ALTER TABLE "card" ADD COLUMN "print_count" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "card" ADD COLUMN "handed_out_on" DATE',
    'ALTER TABLE "card" ADD COLUMN "handed_out_by_id" INTEGER REFERENCES "staff" ("id") ON DELETE RESTRICT',
    'ALTER TABLE "card" ADD COLUMN "replaces_id" INTEGER REFERENCES "card" ("id") ON DELETE RESTRICT',
    'ALTER TABLE "card" ADD COLUMN "blocked_on" DATE',
    'CREATE INDEX "card_print_state" ON "card" ("print_state")',
    'CREATE INDEX "card_printed_by_id" ON "card" ("printed_by_id")',
    'CREATE INDEX "card_handed_out_by_id" ON "card" ("handed_out_by_id")',
    'CREATE UNIQUE INDEX "card_replaces_id" ON "card" ("replaces_id")',
    'ALTER TABLE "district" ADD COLUMN "phone" VARCHAR(255) NOT NULL DEFAULT \'\'',
]


def up(migrator, db):
    from peewee import PostgresqlDatabase

    for statement in STATEMENTS:  # the runner wraps this in one transaction
        if isinstance(db, PostgresqlDatabase):  # issue #18: PostgreSQL's name for the type
            statement = statement.replace(" DATETIME", " TIMESTAMP")
        db.execute_sql(statement)
