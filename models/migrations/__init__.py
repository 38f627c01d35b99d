"""Schema migrations, applied in order by playhouse.migrations."""
