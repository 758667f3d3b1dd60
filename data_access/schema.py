"""Canonical schema: SQLAlchemy Core tables shared by SQLite and PostgreSQL."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Organisation tree: force > bcu > department > team. Strand is carried on departments and teams
# because a force-wide function (response, neighbourhood, ...) cuts across BCUs.
org_unit = Table(
    "org_unit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("parent_id", Integer, ForeignKey("org_unit.id"), nullable=True),
    Column("kind", String(16), nullable=False),  # force | bcu | department | team
    Column("name", String(120), nullable=False),
    Column("strand", String(32), nullable=True),
    Column("force_id", Integer, nullable=True),
    Column("bcu_id", Integer, nullable=True),
    Column("department_id", Integer, nullable=True),
)

officer = Table(
    "officer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("collar", String(16), nullable=False, unique=True),
    Column("forename", String(60), nullable=False),
    Column("surname", String(60), nullable=False),
    Column("rank", String(32), nullable=False),  # PC, DC, PS, DS, Insp, ... or 'staff'
    Column("is_staff", Boolean, nullable=False, default=False),
    Column("team_id", Integer, ForeignKey("org_unit.id"), nullable=False),
    Column("line_manager_id", Integer, ForeignKey("officer.id"), nullable=True),
    Column("is_student", Boolean, nullable=False, default=False),
    Column("tutor_id", Integer, ForeignKey("officer.id"), nullable=True),
    Column("start_date", Date, nullable=False),
    Column("weekly_hours", Float, nullable=False, default=40.0),
    Column("force_id", Integer, nullable=False),
)
Index("ix_officer_team", officer.c.team_id)
Index("ix_officer_manager", officer.c.line_manager_id)

user_account = Table(
    "user_account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(60), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("officer_id", Integer, ForeignKey("officer.id"), nullable=True),
    Column("role", String(24), nullable=False),
    # Named permission, independent of role, for frequent-service-user data.
    Column("can_view_fsu", Boolean, nullable=False, default=False),
    # Org unit the account's scope hangs from (team, department, BCU or force).
    Column("scope_unit_id", Integer, ForeignKey("org_unit.id"), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("last_login_at", DateTime, nullable=True),
    # Bumped on sign-out: every session cookie issued before it stops working, copies included.
    Column("session_epoch", Integer, nullable=False, default=0, server_default="0"),
)

# Sign-in throttle, one row per key ("account:<name>" or "address:<ip>"), shared by every process and host.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(120), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    # Attempts counted up front and not yet settled as a success or a failure.
    Column("pending", Integer, nullable=False, default=0),
    # Epoch seconds: the last failure (failures older than the window are forgotten), the last attempt
    # (pending attempts older than a minute belong to requests that died) and the end of the wait.
    Column("last_failure", Float, nullable=False, default=0.0),
    Column("last_attempt", Float, nullable=False, default=0.0),
    Column("blocked_until", Float, nullable=False, default=0.0),
)

# Harm table: editable offence catalogue with the Cambridge Crime Harm Index value per offence.
offence = Table(
    "offence",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("category", String(60), nullable=False),
    Column("summary_only", Boolean, nullable=False, default=False),
    Column("common_assault", Boolean, nullable=False, default=False),
    Column("harm_days", Float, nullable=False),
)

crime = Table(
    "crime",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crime_ref", String(24), nullable=False, unique=True),
    Column("force_id", Integer, nullable=False),
    Column("bcu_id", Integer, nullable=False),
    Column("team_id", Integer, ForeignKey("org_unit.id"), nullable=False),
    Column("oic_id", Integer, ForeignKey("officer.id"), nullable=True),
    Column("offence_code", String(16), ForeignKey("offence.code"), nullable=True),
    Column("occurred_on", Date, nullable=False),
    Column("reported_at", DateTime, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("allocated_on", Date, nullable=True),
    Column("status", String(16), nullable=False),  # open | finalised
    Column("finalised", Boolean, nullable=False, default=False),
    Column("outcome_code", Integer, nullable=False, default=0),
    Column("outcome_date", Date, nullable=True),
    Column("domestic_abuse", Boolean, nullable=False, default=False),
    Column("hate_crime", Boolean, nullable=False, default=False),
    Column("flags", String(120), nullable=False, default=""),  # comma list: MH,CSE,CA,ASB,...
    Column("victim_decision", String(24), nullable=True),  # supports | withdraws | not_asked
    Column("first_statement_on", Date, nullable=True),
    Column("location", String(120), nullable=True),
    Column("lpa_id", Integer, nullable=True),
    Column("summary", Text, nullable=True),
)
Index("ix_crime_team_status", crime.c.team_id, crime.c.status)
Index("ix_crime_oic_status", crime.c.oic_id, crime.c.status)
Index("ix_crime_bcu_status", crime.c.bcu_id, crime.c.status)

person = Table(
    "person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("forename", String(60), nullable=False),
    Column("surname", String(60), nullable=False),
    Column("dob", Date, nullable=True),
    Column("pnc_id", String(20), nullable=True),
    Column("force_id", Integer, nullable=False),
)

# Name versions of one person (several spellings under one id), for record linking.
person_alias = Table(
    "person_alias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("forename", String(60), nullable=False),
    Column("surname", String(60), nullable=False),
    Column("dob", Date, nullable=True),
)
Index("ix_alias_person", person_alias.c.person_id)

person_address = Table(
    "person_address",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("address", String(160), nullable=False),
    Column("lpa_id", Integer, nullable=True),
    Column("from_date", Date, nullable=True),
)

crime_person = Table(
    "crime_person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crime_id", Integer, ForeignKey("crime.id"), nullable=False),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("role", String(16), nullable=False),  # victim | suspect | offender | witness
    Column("enhanced_rights", Boolean, nullable=False, default=False),
    Column("suspect_status", String(24), nullable=True),  # named | arrested | interviewed | charged | eliminated
    Column("arrested_on", Date, nullable=True),
    Column("charged_on", Date, nullable=True),
    Column("relationship", String(40), nullable=True),
)
Index("ix_crime_person_crime", crime_person.c.crime_id)
Index("ix_crime_person_person", crime_person.c.person_id)

crime_link = Table(
    "crime_link",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crime_id", Integer, ForeignKey("crime.id"), nullable=False),
    Column("linked_crime_id", Integer, ForeignKey("crime.id"), nullable=False),
    Column("reason", String(80), nullable=False),
)
Index("ix_crime_link_crime", crime_link.c.crime_id)

bail = Table(
    "bail",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crime_id", Integer, ForeignKey("crime.id"), nullable=False),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("arrested_on", Date, nullable=False),
    Column("bail_start", Date, nullable=True),
    Column("stage", String(24), nullable=True),  # initial | first_extension | second_extension | complex | court
    Column("ends_on", Date, nullable=True),
    Column("status", String(16), nullable=False),  # bail | rui | fts | ended
    Column("updated_at", DateTime, nullable=True),
    # Who authorised the latest extension, and their rank then (PACE names the rank for each stage).
    Column("authorised_by", Integer, nullable=True),
    Column("authorised_rank", String(12), nullable=True),
    # The engine's name for the episode within its crime, so re-deriving finds it again.
    Column("episode_key", String(40), nullable=True),
)
Index("ix_bail_crime", bail.c.crime_id)

# Work owed on an investigation. Due dates are set by scoring rules when the task is created;
# rule_id and basis_date record which rule and which fact the date came from.
task = Table(
    "task",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crime_id", Integer, ForeignKey("crime.id"), nullable=False),
    Column("team_id", Integer, nullable=False),
    Column("oic_id", Integer, nullable=True),
    Column("kind", String(24), nullable=False),
    Column("rule_id", String(24), nullable=False),
    Column("basis_date", Date, nullable=True),
    Column("due_date", Date, nullable=True),
    Column("detail", String(240), nullable=False, default=""),
    Column("status", String(12), nullable=False),  # open | done
    Column("created_at", DateTime, nullable=False),
    Column("completed_at", DateTime, nullable=True),
    Column("completed_by", Integer, nullable=True),
    Column("completion", String(40), nullable=True),
    Column("bail_id", Integer, nullable=True),
    # The engine's name for the task within its crime (scoring.task_engine), so re-deriving finds it again.
    Column("task_key", String(40), nullable=True),
    # The event that completed it, and which system holds that completion: 'source' or 'beacon'.
    Column("event_id", Integer, nullable=True),
    Column("completed_in", String(8), nullable=True),
)
# Covering indexes: a worklist read is answered from the index without visiting task rows.
Index("ix_task_team_status_due", task.c.team_id, task.c.status, task.c.due_date, task.c.kind, task.c.rule_id,
      task.c.crime_id, task.c.oic_id)
Index("ix_task_oic_status_due", task.c.oic_id, task.c.status, task.c.due_date, task.c.kind, task.c.rule_id,
      task.c.crime_id, task.c.team_id)
Index("ix_task_crime", task.c.crime_id)

# Command-and-control incidents and the resources deployed to them.
incident = Table(
    "incident",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_ref", String(24), nullable=False, unique=True),
    Column("force_id", Integer, nullable=False),
    Column("bcu_id", Integer, nullable=True),
    Column("lpa_id", Integer, nullable=True),
    Column("opened_at", DateTime, nullable=False),
    Column("incident_type", String(60), nullable=False),
    Column("grade", String(16), nullable=False),  # emergency | priority | scheduled | resolution
    Column("pre_planned", Boolean, nullable=False, default=False),
    Column("location", String(120), nullable=True),
    Column("call_seconds", Integer, nullable=True),
    Column("originator_person_id", Integer, nullable=True),
    Column("subject_person_id", Integer, nullable=True),
    Column("crime_id", Integer, nullable=True),
)
Index("ix_incident_opened", incident.c.opened_at)

deployment = Table(
    "deployment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", Integer, ForeignKey("incident.id"), nullable=False),
    Column("officer_id", Integer, ForeignKey("officer.id"), nullable=True),
    Column("resource_group", String(40), nullable=False),
    Column("assigned_at", DateTime, nullable=True),
    Column("deployed_at", DateTime, nullable=True),
    Column("arrived_at", DateTime, nullable=True),
    Column("released_at", DateTime, nullable=True),
)
Index("ix_deployment_incident", deployment.c.incident_id)
Index("ix_deployment_officer", deployment.c.officer_id)

custody = Table(
    "custody",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("custody_ref", String(24), nullable=False, unique=True),
    Column("force_id", Integer, nullable=False),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("crime_id", Integer, nullable=True),
    Column("arresting_officer_id", Integer, nullable=True),
    Column("arrived_at", DateTime, nullable=False),
    Column("released_at", DateTime, nullable=True),
    Column("outcome", String(40), nullable=True),  # charged | bail | rui | nfa | caution | ...
)
Index("ix_custody_crime", custody.c.crime_id)

# Duty rosters, leave and training, for availability and capacity.
shift = Table(
    "shift",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_id", Integer, ForeignKey("officer.id"), nullable=False),
    Column("team_id", Integer, nullable=False),
    Column("starts_at", DateTime, nullable=False),
    Column("ends_at", DateTime, nullable=False),
    Column("attended", Boolean, nullable=True),
)
Index("ix_shift_team_start", shift.c.team_id, shift.c.starts_at)

leave = Table(
    "leave",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_id", Integer, ForeignKey("officer.id"), nullable=False),
    Column("kind", String(24), nullable=False),  # annual | sick | maternity | other | restricted
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
)
Index("ix_leave_officer", leave.c.officer_id)
Index("ix_leave_dates", leave.c.starts_on, leave.c.ends_on)

training = Table(
    "training",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_id", Integer, ForeignKey("officer.id"), nullable=False),
    Column("course", String(60), nullable=False),
    Column("critical", Boolean, nullable=False, default=True),
    Column("passed_on", Date, nullable=False),
    Column("expires_on", Date, nullable=True),
)
Index("ix_training_officer", training.c.officer_id)

# Daily history of what each team owes, so the tool can show whether the backlog is falling.
worklist_snapshot = Table(
    "worklist_snapshot",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("snapshot_on", Date, nullable=False),
    Column("team_id", Integer, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("outstanding", Integer, nullable=False),
    Column("overdue", Integer, nullable=False),
    Column("open_crimes", Integer, nullable=False, default=0),
    Column("new_crimes", Integer, nullable=False, default=0),
    Column("available_officers", Integer, nullable=False, default=0),
    UniqueConstraint("snapshot_on", "team_id", "kind", name="uq_snapshot_day_team_kind"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("user_id", Integer, nullable=True),
    Column("username", String(60), nullable=True),
    Column("action", String(40), nullable=False),  # read | write | login | logout | denied ...
    Column("object_type", String(40), nullable=False),
    Column("object_id", String(60), nullable=True),
    Column("scope", String(200), nullable=True),
    Column("detail", Text, nullable=True),
)
Index("ix_audit_at", audit_log.c.at)
Index("ix_audit_action_object", audit_log.c.action, audit_log.c.object_id, audit_log.c.at)

# Per team, a counter bumped by every write to that team's tasks: a worklist over many teams is
# recomputed only when one of its own teams changed, not after every write anywhere in the force.
team_version = Table(
    "team_version",
    metadata,
    Column("team_id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

# Per officer, a counter bumped by every write to a task they are in charge of: the cache key of an
# officer's own worklist and bell, whose tasks may sit in teams other than their own.
officer_version = Table(
    "officer_version",
    metadata,
    Column("officer_id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

# Long work started from the screen (imports, refreshes): who started it, how it ended, its result.
job = Table(
    "job",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("account_id", Integer, nullable=False),
    Column("status", String(12), nullable=False),  # queued | running | succeeded | failed
    Column("created_at", DateTime, nullable=False),
    Column("started_at", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
    Column("result", Text, nullable=True),  # JSON the screen renders
    Column("message", Text, nullable=True),
)
Index("ix_job_account", job.c.account_id, job.c.id)

# A file uploaded for a job waits here until the job takes it: the worker running the job may be another
# process or host, and the database is the one store every one of them reaches.
job_upload = Table(
    "job_upload",
    metadata,
    Column("job_id", Integer, ForeignKey("job.id"), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# Single-row key/value facts: the data version (bumped on every write), generation time, preset.
meta = Table(
    "meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)
