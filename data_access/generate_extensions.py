"""Generator steps contributed by later capabilities, run after the core force is written.

Each entry is a callable extend(engine, preset, seed, today, settings) -> dict of {table: rows},
deterministic for a given seed and today. Capabilities add one import and one list entry here.
"""

# [productivity generator import]
from data_access import generate_productivity
# [fsu generator import]
from data_access import generate_fsu
# [strategic generator import]
from data_access import generate_strategic

EXTENSIONS: list = [
    # [productivity generator]
    generate_productivity.extend,
    # [fsu generator]
    generate_fsu.extend,
    # [strategic generator]
    generate_strategic.extend,
]
