"""Indexes for the punch and the dashboard (issue #17):

* card (pool, status, clips, used): covers the pools' sums of clips bound and used (the
  dashboard and Puljer read the index alone instead of each wide card row);
* punch (punched_on) dropped: the evaluation's index (migration 0070) begins with punched_on
  and serves every lookup it did; one index fewer to write on every punch, under the lock.
"""


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("card", ("pool_id", "status", "clips", "used"), False),
        migrator.drop_index("punch", "punch_punched_on"),
    )
