"""Frequent-service-user tables: typed incident parties, missing episodes and the versioned runs."""

from sqlalchemy import Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text

from data_access.schema import custody, metadata

# A person as the call handler typed them on a command-and-control log (originator or subject).
# No person id here: linking is the run's job, done the same way every time, and never guessed.
incident_party = Table(
    "incident_party",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", Integer, ForeignKey("incident.id"), nullable=False),
    Column("force_id", Integer, nullable=False),
    Column("role", String(12), nullable=False),  # originator | subject
    Column("forename", String(60), nullable=True),
    Column("surname", String(60), nullable=True),
    Column("dob", Date, nullable=True),
    Column("pnc_id", String(20), nullable=True),
    # The caller's relationship to the subject when the handler recorded it (self, parent, ...).
    Column("relationship", String(40), nullable=True),
)
Index("ix_incident_party_incident", incident_party.c.incident_id)

missing_episode = Table(
    "missing_episode",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("episode_ref", String(24), nullable=False, unique=True),
    Column("force_id", Integer, nullable=False),
    Column("lpa_id", Integer, nullable=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("reported_at", DateTime, nullable=False),
    Column("found_at", DateTime, nullable=True),
    Column("risk", String(12), nullable=True),  # high | medium | low | absent
)
Index("ix_missing_person", missing_episode.c.person_id)
Index("ix_missing_reported", missing_episode.c.force_id, missing_episode.c.reported_at)

# One row per refresh: the screen shows the newest succeeded run; a failed run is reported, not shown.
fsu_run = Table(
    "fsu_run",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("force_id", Integer, nullable=False),
    Column("status", String(12), nullable=False),  # queued | running | succeeded | failed
    Column("started_by", Integer, nullable=True),
    Column("requested_at", DateTime, nullable=False),
    Column("started_at", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
    Column("run_date", Date, nullable=True),
    Column("window_start", Date, nullable=True),
    Column("parameters", Text, nullable=True),  # JSON of the settings in force
    Column("people_ranked", Integer, nullable=True),
    Column("people_listed", Integer, nullable=True),
    Column("link_counts", Text, nullable=True),  # JSON: parties linked by PNC / name, unlinked by reason
    Column("message", Text, nullable=True),
)
Index("ix_fsu_run_force_status", fsu_run.c.force_id, fsu_run.c.status, fsu_run.c.id)

fsu_result = Table(
    "fsu_result",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("fsu_run.id"), nullable=False),
    Column("force_id", Integer, nullable=False),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("suspect", Integer, nullable=False),
    Column("offender", Integer, nullable=False),
    Column("victim", Integer, nullable=False),
    Column("custody_count", Integer, nullable=False),
    Column("custody_hours", Float, nullable=False),
    Column("orig_calls", Integer, nullable=False),
    Column("orig_hours", Float, nullable=False),
    Column("subj_calls", Integer, nullable=False),
    Column("subj_hours", Float, nullable=False),
    Column("score_inv_custody", Float, nullable=False),
    Column("score_originator", Float, nullable=False),
    Column("score_subject", Float, nullable=False),
    Column("score_overall", Float, nullable=False),
    Column("rank_inv_custody", Integer, nullable=False),
    Column("rank_originator", Integer, nullable=False),
    Column("rank_subject", Integer, nullable=False),
    Column("rank_overall", Integer, nullable=False),
    Column("harm_caused", Float, nullable=False),
    Column("harm_received", Float, nullable=False),
    Column("lpa_id", Integer, nullable=True),  # most common home-address LPA; NULL means unknown
    Column("theme_da", Boolean, nullable=False),
    Column("theme_mh", Boolean, nullable=False),
    Column("theme_cse", Boolean, nullable=False),
    Column("theme_ca", Boolean, nullable=False),
    Column("missing_count", Integer, nullable=False),
    Column("categories", Text, nullable=False),  # offence categories of the window's investigations
    Column("investigation_lpas", Text, nullable=False),  # JSON {lpa_id: count} of investigation locations
)
Index("ix_fsu_result_run", fsu_result.c.run_id, fsu_result.c.person_id)

# The incidents each listed person was linked to in a run, for the details page.
fsu_result_incident = Table(
    "fsu_result_incident",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("fsu_run.id"), nullable=False),
    Column("force_id", Integer, nullable=False),
    Column("person_id", Integer, nullable=False),
    Column("incident_id", Integer, ForeignKey("incident.id"), nullable=False),
    Column("role", String(12), nullable=False),
    Column("hours", Float, nullable=False),
)
Index("ix_fsu_result_incident_run", fsu_result_incident.c.run_id, fsu_result_incident.c.person_id)

# The details page reads one person's custody records; the core table is indexed by crime only.
# (Declared here so new databases get it; the lead may move it into data_access/schema.py.)
Index("ix_custody_person", custody.c.person_id)
