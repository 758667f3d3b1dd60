"""Generator steps contributed by later capabilities, run after the core force is written.

Each entry is a callable extend(engine, preset, seed, today, settings) -> dict of {table: rows},
deterministic for a given seed and today. Capabilities add one import and one list entry here.
"""

# [productivity generator import]
# [fsu generator import]
# [strategic generator import]

EXTENSIONS: list = [
    # [productivity generator]
    # [fsu generator]
    # [strategic generator]
]
