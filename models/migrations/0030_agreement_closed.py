"""Issue #13: an agreement can be closed early (the participant ended); its unused clips go back to the pool."""
from peewee import DateField, TextField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("agreement", "closed_on", DateField(null=True)),
        migrator.add_column("agreement", "close_reason", TextField(default="")),
    )
