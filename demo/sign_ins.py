"""Generator step: thirteen weeks of sign-ins by the force's accounts, audited as a real sign-in audits them."""

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, select

from data_access.accounts import sign_in_row
from data_access.actor import Actor
from data_access.schema import audit_log, officer, user_account

# A quarter and a week: the Usage tab shows twelve weeks, so its first week has a week before it.
WEEKS = 13
# Weekends and rest days: shifts run every day, but fewer people work them.
WEEKEND_FACTOR = 0.35
# Teams whose take-up is low, and the one team that stopped using Beacon over the last few weeks.
LOW_TEAMS = 3
TAILING_WEEKS = 4
CHUNK = 5_000


def _accounts(conn) -> pd.DataFrame:
    rows = conn.execute(select(user_account.c.id, user_account.c.username, user_account.c.role,
                               user_account.c.officer_id, user_account.c.scope_unit_id, user_account.c.can_view_fsu,
                               officer.c.team_id)
                        .select_from(user_account.join(officer, officer.c.id == user_account.c.officer_id))
                        .where(user_account.c.active.is_(True)).order_by(user_account.c.id)).all()
    return pd.DataFrame(rows, columns=["id", "username", "role", "officer_id", "scope_unit_id", "can_view_fsu",
                                       "team_id"])


def _chances(rng, accounts: pd.DataFrame, days: np.ndarray, today: date) -> np.ndarray:
    """Chance that each account signs in on each day (accounts x days)."""
    teams = np.array(sorted(accounts["team_id"].unique()))
    # Most teams sign in on most working days; a few barely; one stops.
    uptake = rng.uniform(0.55, 0.9, len(teams))
    order = rng.permutation(len(teams))
    uptake[order[:LOW_TEAMS]] = rng.uniform(0.05, 0.2, min(LOW_TEAMS, len(teams)))
    tailing = order[LOW_TEAMS] if len(teams) > LOW_TEAMS else None
    team_i = np.searchsorted(teams, accounts["team_id"].to_numpy())
    person = np.clip(uptake[team_i] * rng.uniform(0.6, 1.25, len(accounts)), 0, 0.95)
    # Those who manage others look at the team's worklist more often.
    person = np.where(accounts["role"].isin(["supervisor", "inspector", "senior_leader"]).to_numpy(),
                      np.minimum(person * 1.2, 0.97), person)
    weekday = np.array([(today + timedelta(days=int(d))).weekday() for d in days])
    by_day = np.where(weekday >= 5, WEEKEND_FACTOR, 1.0)
    chance = person[:, None] * by_day[None, :]
    if tailing is not None:
        fade = np.clip((days + 7 * TAILING_WEEKS) / (7.0 * TAILING_WEEKS), 0, 1)  # 0 four weeks ago, 1 today
        chance[team_i == tailing] *= (1 - fade)[None, :]
    return chance


def extend(engine, preset, seed, today: date, settings, extract_dir=None) -> dict:
    """Sign-ins over the last thirteen weeks, before the day the force is generated for; last sign-in per account."""
    # Its own stream, so the core force's draws (and every row they made) stay as they were.
    rng = np.random.default_rng([seed, 5141])
    with engine.connect() as conn:
        accounts = _accounts(conn)
    if accounts.empty:
        return {"sign_ins": 0}
    days = np.arange(-7 * WEEKS, 0)
    signs = rng.random((len(accounts), len(days))) < _chances(rng, accounts, days, today)
    who, when = np.nonzero(signs)
    # Between 07:00 and 19:00; now and then a second sign-in the same day (a new device, a lapsed session).
    minutes = rng.integers(7 * 60, 19 * 60, len(who))
    again = rng.random(len(who)) < 0.15
    who = np.concatenate([who, who[again]])
    when = np.concatenate([when, when[again]])
    minutes = np.concatenate([minutes, np.minimum(minutes[again] + rng.integers(30, 300, int(again.sum())),
                                                  23 * 60 + 59)])
    order = np.lexsort((who, minutes, when))
    midnight = datetime.combine(today, datetime.min.time())
    actors = [Actor(user_id=int(r.id), username=r.username, role=r.role, officer_id=int(r.officer_id),
                    scope_unit_id=None if pd.isna(r.scope_unit_id) else int(r.scope_unit_id),
                    can_view_fsu=bool(r.can_view_fsu)) for r in accounts.itertuples()]
    rows, last = [], {}
    for i in order.tolist():
        actor = actors[who[i]]
        at = midnight + timedelta(days=int(days[when[i]]), minutes=int(minutes[i]))
        rows.append(sign_in_row(actor, actor.username, True, None, at=at))
        last[actor.user_id] = at
    with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            conn.execute(audit_log.insert(), rows[start:start + CHUNK])
        conn.execute(user_account.update().where(user_account.c.id == bindparam("uid"))
                     .values(last_login_at=bindparam("at")),
                     [{"uid": uid, "at": at} for uid, at in sorted(last.items())])
    return {"sign_ins": len(rows)}
