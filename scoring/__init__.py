"""Pure scoring rules for Beacon: deadlines, bail, data-integrity checks, worklist and demand."""
