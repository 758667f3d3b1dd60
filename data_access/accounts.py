"""User accounts: password checks with argon2 and loading the actor for a session."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from config import password_hash_cost
from data_access.actor import Actor
from data_access.clock import now_local
from data_access.audit import audit_row, write_audit
from data_access.errors import NotFound
from data_access.permissions import require
from data_access.schema import audit_log, officer, user_account
from data_access.single_read import single_read

_hasher = PasswordHasher(**password_hash_cost())
# Verified against when the username is unknown, so a miss costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def _actor_from_row(row) -> Actor:
    # Police staff hold no rank, so their name stands alone.
    rank = "" if (row["rank"] or "").lower() == "staff" else row["rank"]
    name = f"{rank} {row['forename']} {row['surname']}".strip() if row["forename"] else row["username"]
    return Actor(user_id=row["id"], username=row["username"], role=row["role"], officer_id=row["officer_id"],
                 scope_unit_id=row["scope_unit_id"], can_view_fsu=bool(row["can_view_fsu"]),
                 display_name=name, rank=row["rank"] or "")


def _select_account():
    return select(user_account, officer.c.forename, officer.c.surname, officer.c.rank).select_from(
        user_account.outerjoin(officer, officer.c.id == user_account.c.officer_id))


def load_actor(store, user_id) -> Actor | None:
    """The active account with this id, or None."""
    return load_session_actor(store, user_id)[0]


def load_session_actor(store, user_id) -> tuple[Actor | None, int | None]:
    """The active account with this id and its session epoch, read together; (None, None) if none."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None, None
    with single_read(store.engine) as conn:
        row = conn.execute(_select_account().where(user_account.c.id == user_id)).mappings().first()
    if row is None or not row["active"]:
        return None, None
    return _actor_from_row(row), int(row["session_epoch"] or 0)


def actor_by_username(store, username: str) -> Actor | None:
    """The active account with this username, for a command line run as a named person; None if none."""
    with store.engine.connect() as conn:
        uid = conn.execute(select(user_account.c.id)
                           .where(user_account.c.username == (username or "").strip().lower())).scalar()
    return load_actor(store, uid) if uid is not None else None


def sign_in_row(actor: Actor | None, username: str, ok: bool, remote: str | None, at=None) -> dict:
    """The audit row a sign-in attempt writes (the demo generator writes its sign-in history with it too)."""
    return audit_row(actor, "login" if ok else "login_failed", "session", username, detail={"remote": remote}, at=at)


def authenticate(store, username: str, password: str, remote: str | None = None) -> Actor | None:
    """Check a username and password; audit the attempt; return the actor on success."""
    username = (username or "").strip().lower()[:60]
    with store.engine.begin() as conn:
        row = conn.execute(_select_account().where(user_account.c.username == username)).mappings().first()
        ok = False
        try:
            ok = _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
        if row is None or not row["active"]:
            ok = False
        actor = _actor_from_row(row) if ok else None
        conn.execute(audit_log.insert().values(**sign_in_row(actor, username, ok, remote)))
        if ok:
            values = {"last_login_at": now_local()}
            if _hasher.check_needs_rehash(row["password_hash"]):
                values["password_hash"] = _hasher.hash(password)
            conn.execute(user_account.update().where(user_account.c.id == row["id"]).values(**values))
    return actor


def session_epoch(store, user_id: int) -> int:
    """The account's current session epoch; sessions stamped with an older one are void."""
    with store.engine.connect() as conn:
        value = conn.execute(select(user_account.c.session_epoch).where(user_account.c.id == user_id)).scalar()
    return int(value or 0)


def end_sessions(store, actor: Actor) -> None:
    """Void every session of this account (sign-out), with an audit row."""
    with store.engine.begin() as conn:
        conn.execute(user_account.update().where(user_account.c.id == actor.user_id)
                     .values(session_epoch=user_account.c.session_epoch + 1))
        write_audit(conn, actor, "logout", "session", actor.username)


def set_account_active(store, actor: Actor, username: str, active: bool) -> None:
    """Activate or deactivate an account; either way every session it had ends (audited)."""
    require(actor, "account.admin")
    username = (username or "").strip().lower()[:60]
    with store.engine.begin() as conn:
        # A re-activated account must not revive cookies issued before it was stopped: bump the epoch too.
        done = conn.execute(user_account.update().where(user_account.c.username == username).values(
            active=active, session_epoch=user_account.c.session_epoch + 1)).rowcount
        if not done:
            raise NotFound(f"no account {username!r}")
        write_audit(conn, actor, "account_activated" if active else "account_deactivated", "account", username)


ROLES = ("officer", "staff", "supervisor", "inspector", "senior_leader", "analyst", "administrator")
MIN_PASSWORD = 12
# Where each role's scope hangs from, above the officer's own team.
_SCOPE_LEVEL = {"officer": "team", "staff": "team", "supervisor": "team", "inspector": "department",
                "senior_leader": "bcu", "analyst": "force", "administrator": "force"}


def create_account(store, actor: Actor, username: str, password: str, role: str, collar: str | None = None,
                   can_view_fsu: bool = False) -> int:
    """Create an account for a loaded officer (by collar), its scope hung from the role's level; audited."""
    from data_access.errors import BadRequest
    from data_access.schema import org_unit

    require(actor, "account.admin")
    username = (username or "").strip().lower()
    if not username or len(username) > 60:
        raise BadRequest("a username is 1 to 60 characters")
    if role not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise BadRequest(f"a password is at least {MIN_PASSWORD} characters")
    with store.engine.begin() as conn:
        if conn.execute(select(user_account.c.id).where(user_account.c.username == username)).first():
            raise BadRequest(f"an account {username!r} exists already")
        who = None
        if collar:
            who = conn.execute(select(officer.c.id, officer.c.team_id).where(officer.c.collar == collar)).first()
            if who is None:
                raise NotFound(f"no officer with collar {collar!r} has been loaded")
        elif _SCOPE_LEVEL[role] != "force":
            raise BadRequest(f"a {role} account needs the collar of the officer it belongs to")
        if who is None:
            scope = conn.execute(select(org_unit.c.id).where(org_unit.c.kind == "force")
                                 .order_by(org_unit.c.id).limit(1)).scalar()
        else:
            team = conn.execute(select(org_unit).where(org_unit.c.id == who.team_id)).mappings().one()
            level = _SCOPE_LEVEL[role]
            scope = {"team": team["id"], "department": team["department_id"], "bcu": team["bcu_id"],
                     "force": team["force_id"]}[level] or team["id"]
        if scope is None:
            raise BadRequest("no organisation has been loaded: load the force's records first")
        new_id = conn.execute(user_account.insert().values(
            username=username, password_hash=hash_password(password), officer_id=who.id if who else None,
            role=role, can_view_fsu=can_view_fsu, scope_unit_id=scope, active=True)).inserted_primary_key[0]
        write_audit(conn, actor, "account_created", "account", username,
                    detail={"role": role, "collar": collar, "scope_unit_id": scope, "can_view_fsu": can_view_fsu})
    return int(new_id)
