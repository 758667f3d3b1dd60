"""Thin callbacks: read inputs, call data_access and scoring, return outputs."""

from callbacks import audit, daily_actions, demand

# [productivity import]
# [fsu import]
# [strategic import]


def register(app, store) -> None:
    """Register every callback on app, closing over the store."""
    daily_actions.register(app, store)
    demand.register(app, store)
    audit.register(app, store)
    # [productivity register]
    # [fsu register]
    # [strategic register]
