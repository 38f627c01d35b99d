"""The pools screen's clips per pool and day from one index (issue #17, item 4).

``punch (card, punched_on, clips)`` replaces the card's own index (``punch_card_id``; the new one
starts with the same column, so a card's punches and the foreign key's check still use it, and a
punch still writes one index entry for it). The pools screen sums every punch on the year's pool
cards by pool and day; with the day and the clips in the index it reads the index alone, not each
punch's row (the sum ≈ 25 % faster at 100,000 citizens).
"""


def up(migrator, db):
    migrator.migrate(
        migrator.drop_index("punch", "punch_card_id"),
        migrator.add_index("punch", ("card_id", "punched_on", "clips"), False),
    )
