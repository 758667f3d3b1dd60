"""Generator steps contributed by later capabilities, run after the core force is written.

Each entry is a callable extend(engine, preset, seed, today, settings) -> dict of {table: rows},
deterministic for a given seed and today. Capabilities add one import and one list entry here.
"""

# [productivity generator import]
from demo import productivity as generate_productivity
# [fsu generator import]
from demo import fsu as generate_fsu
# [strategic generator import]
from demo import strategic as generate_strategic
# [sign-in history generator import]
from demo import sign_ins as generate_sign_ins

EXTENSIONS: list = [
    # [productivity generator]
    generate_productivity.extend,
    # [fsu generator]
    generate_fsu.extend,
    # [strategic generator]
    generate_strategic.extend,
    # [sign-in history generator]
    generate_sign_ins.extend,
]
