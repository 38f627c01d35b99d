"""Indexes for the evaluation's aggregates (issue #19), so the screen opens in well
under 300 ms at 100,000 citizens:

* punch (punched_on, citizen, kind, clips, catalogue item, event, reverses): covers
  the period's ledger sums, so they read the index alone, never the wide punch rows;
* state_change (to_state, on, citizen) and (citizen, on): the changes to a state in a
  period, and each change's next one (the state history as intervals);
* measurement (kind, measured_on, citizen) and (citizen, kind, measured_on): the
  citizens followed up in a period, and each one's latest baseline and follow-up.
"""


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("punch", ("punched_on", "citizen_id", "kind", "clips", "catalogue_item_id", "event_id",
                                     "reverses_id"), False),
        migrator.add_index("state_change", ("to_state", "on", "citizen_id"), False),
        migrator.add_index("state_change", ("citizen_id", "on"), False),
        migrator.add_index("measurement", ("kind", "measured_on", "citizen_id"), False),
        migrator.add_index("measurement", ("citizen_id", "kind", "measured_on"), False),
    )
