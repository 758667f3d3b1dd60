"""Thin callbacks: read inputs, call data_access and scoring, return outputs."""

from callbacks import audit, daily_actions, demand

# [productivity import]
from callbacks import productivity
# [fsu import]
from callbacks import fsu
# [strategic import]
from callbacks import strategic
from callbacks import exports
from callbacks import records
from callbacks import digest
from callbacks import usage


def register(app, store) -> None:
    """Register every callback on app, closing over the store."""
    daily_actions.register(app, store)
    demand.register(app, store)
    audit.register(app, store)
    # [productivity register]
    productivity.register(app, store)
    # [fsu register]
    fsu.register(app, store)
    # [strategic register]
    strategic.register(app, store)
    exports.register(app, store)
    records.register(app, store)
    digest.register(app, store)
    usage.register(app, store)
