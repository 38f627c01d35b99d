"""An index for the per-district counts (participants, waitlist) on every dashboard and pool read."""


def up(migrator, db):
    migrator.migrate(migrator.add_index("citizen", ("district_id", "state"), False))
