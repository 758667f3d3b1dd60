"""Feedback on figures: an officer says a figure is wrong; the line manager or an administrator answers."""

import pandas as pd
from sqlalchemy import and_, select

from data_access.actor import Actor
from data_access.audit import write_audit
from data_access.clock import now_local
from data_access.errors import AccessDenied, BadRequest
from data_access.permissions import allowed, require, role_allows
from data_access.org import load_tree
from data_access.schema import officer
from data_access.schema_productivity import figure_feedback
from data_access.store import bump_version
from scoring.productivity import METRIC_BY_ID
from scoring.settings_productivity import CRITERIA

FEEDBACK_TARGETS = tuple(METRIC_BY_ID) + CRITERIA + ("availability_score", "deployable")
MAX_MESSAGE = 1000
DECISIONS = ("accepted", "rejected")
COLUMNS = ["id", "officer_id", "metric", "period", "message", "status", "reason", "created_at", "handled_at",
           "handled_by"]


def _clean(text, field: str, required: bool) -> str:
    text = (text or "").strip() if isinstance(text, str) or text is None else None
    if text is None:
        raise BadRequest(f"{field} must be text")
    if required and not text:
        raise BadRequest(f"{field} is required")
    if len(text) > MAX_MESSAGE:
        raise BadRequest(f"{field} is longer than {MAX_MESSAGE} characters")
    return text


def submit_feedback(store, actor: Actor, metric: str, message: str, period: str) -> dict:
    """Record the actor's own feedback on one figure; a repeat of an open identical item records nothing."""
    require(actor, "feedback.give", actor.officer_id is not None,
            reason="only an officer or member of staff can give feedback on their own figures")
    if metric not in FEEDBACK_TARGETS:
        raise BadRequest("unknown figure")
    message = _clean(message, "message", True)
    period = _clean(period, "period", False)[:40]
    with store.engine.begin() as conn:
        existing = conn.execute(select(figure_feedback.c.id).where(and_(
            figure_feedback.c.officer_id == actor.officer_id, figure_feedback.c.metric == metric,
            figure_feedback.c.status == "open", figure_feedback.c.message == message))).scalar()
        if existing is not None:
            return {"id": int(existing), "created": False}
        force_id = conn.execute(select(officer.c.force_id).where(officer.c.id == actor.officer_id)).scalar_one()
        new_id = conn.execute(figure_feedback.insert().values(
            officer_id=actor.officer_id, metric=metric, period=period, message=message, status="open",
            created_by=actor.user_id, created_at=now_local(), force_id=force_id)).inserted_primary_key[0]
        write_audit(conn, actor, "write", "figure_feedback", new_id, detail={"metric": metric, "action": "submit"})
        bump_version(conn)
    return {"id": int(new_id), "created": True}


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame([dict(r) for r in rows], columns=COLUMNS)


def my_feedback(store, actor: Actor) -> pd.DataFrame:
    """The actor's own feedback and the answers to it, newest first."""
    if actor.officer_id is None:
        return _frame([])
    with store.engine.connect() as conn:
        rows = conn.execute(select(*[figure_feedback.c[c] for c in COLUMNS])
                            .where(figure_feedback.c.officer_id == actor.officer_id)
                            .order_by(figure_feedback.c.id.desc())).mappings().all()
    return _frame(rows)


def _reports(store, actor: Actor) -> list[int]:
    tree = load_tree(store)
    return sorted(i for i, m in tree.manager_of.items() if m == actor.officer_id and actor.officer_id is not None)


def may_answer(store, actor: Actor, officer_id: int) -> bool:
    """The officer's line manager, or an administrator; never the officer who gave the feedback."""
    manages = role_allows(actor, "feedback.answer_any") or (
        actor.officer_id is not None and load_tree(store).manager_of.get(officer_id) == actor.officer_id)
    return allowed(actor, "feedback.answer", manages and officer_id != actor.officer_id)


def feedback_queue(store, actor: Actor) -> pd.DataFrame:
    """Feedback the actor answers: their direct reports' (line manager) or everyone's (administrator). Audited."""
    cond = None
    if not role_allows(actor, "feedback.answer"):
        return _frame([])
    if not role_allows(actor, "feedback.answer_any"):
        reports = _reports(store, actor)
        if not reports:
            return _frame([])
        cond = figure_feedback.c.officer_id.in_(reports)
    stmt = select(*[figure_feedback.c[c] for c in COLUMNS])
    if cond is not None:
        stmt = stmt.where(cond)
    with store.engine.begin() as conn:
        rows = conn.execute(stmt.order_by(figure_feedback.c.status != "open", figure_feedback.c.id.desc())
                            .limit(500)).mappings().all()
        if rows:
            write_audit(conn, actor, "read", "figure_feedback_queue", None, detail={"count": len(rows)})
    frame = _frame(rows)
    names = load_tree(store).officer_names
    frame["officer"] = frame["officer_id"].map(lambda i: names.get(i, str(i)))
    return frame


def answer_feedback(store, actor: Actor, feedback_id, decision: str, reason: str | None) -> dict:
    """Accept or reject (with a reason) one item; repeating the same answer records nothing."""
    try:
        feedback_id = int(feedback_id)
    except (TypeError, ValueError):
        raise BadRequest("feedback id must be a whole number") from None
    if decision not in DECISIONS:
        raise BadRequest("decision must be accepted or rejected")
    reason = _clean(reason, "reason", decision == "rejected")
    with store.engine.begin() as conn:
        row = conn.execute(select(figure_feedback).where(figure_feedback.c.id == feedback_id)).mappings().first()
        # An unknown item answers like a forbidden one, so ids cannot be probed.
        if row is None or not may_answer(store, actor, row["officer_id"]):
            raise AccessDenied("you may not answer this feedback")
        if row["status"] == decision and (row["reason"] or "") == reason:
            return {"id": feedback_id, "changed": False}
        if row["status"] != "open":
            raise BadRequest("this feedback has already been answered")
        conn.execute(figure_feedback.update().where(and_(figure_feedback.c.id == feedback_id,
                                                         figure_feedback.c.status == "open"))
                     .values(status=decision, reason=reason or None, handled_by=actor.user_id,
                             handled_at=now_local()))
        write_audit(conn, actor, "write", "figure_feedback", feedback_id, detail={"decision": decision})
        bump_version(conn)
    return {"id": feedback_id, "changed": True}
