"""The data contract: each source table a force supplies, the Beacon table it fills, and its columns."""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring.events import EVENT_KINDS

TYPES = ("string", "integer", "number", "date", "datetime", "boolean", "code")

# Code lists. OFFENCE_CODES is a marker: the list is the offence table's codes at load time (editable).
OFFENCE_CODES = "offence table"
UNIT_KINDS = ("force", "bcu", "department", "team")
STRANDS = ("response", "neighbourhood", "investigations", "public_protection")
CRIME_STATUS = ("open", "finalised")
# Home Office Crime Outcomes framework (April 2014 onwards; 21 from 2016, 22 from April 2019); 0 = none yet.
OUTCOME_CODES = tuple(str(n) for n in range(23))
VICTIM_DECISIONS = ("supports", "withdraws", "view_recorded", "not_asked")
PARTY_ROLES = ("victim", "suspect", "offender", "witness")
SUSPECT_STATUS = ("named", "arrested", "interviewed", "charged", "eliminated")
BAIL_STAGES = ("initial", "first_extension", "second_extension", "complex", "court")
INCIDENT_GRADES = ("emergency", "priority", "scheduled", "resolution")
LEAVE_KINDS = ("annual", "sick", "maternity", "other", "restricted")
# Events about one suspect: the task engine keeps a bail episode per person, so these must name the person.
PERSON_EVENT_KINDS = ("suspect_named", "arrest", "bail_granted", "rui", "fts")
ACTIVITY_KINDS = ("stop_search", "use_of_force", "pir")
RESTRICTION_KINDS = ("restricted", "recuperative")
PSD_CATEGORIES = ("performance", "misconduct", "gross_misconduct")
INCIDENT_PARTY_ROLES = ("originator", "subject")
MISSING_RISKS = ("high", "medium", "low", "absent")


@dataclass(frozen=True)
class Col:
    """One column of a source table."""

    name: str
    type: str
    meaning: str
    required: bool = False
    codes: tuple | str | None = None
    # The Beacon column it fills (default: its own name); for a reference, the column the Beacon id goes to.
    target: str | None = None
    # The source table whose key this column names; its Beacon id is stored, and an unknown one is quarantined.
    ref: str | None = None
    default: object = None  # stored when the source leaves an optional column empty
    stored: bool = True  # False: only the source_key table keeps it (a source id with no Beacon column)
    past: bool = False  # a record of something that happened: a value after the load's day is quarantined

    @property
    def into(self) -> str:
        return self.target or self.name


@dataclass(frozen=True)
class SourceTable:
    """A table a force supplies: its name, the Beacon table it fills, its key column(s) and columns."""

    name: str
    beacon_table: str
    key: tuple
    meaning: str
    columns: tuple
    # Beacon columns filled by the loader itself rather than the source (documented per table).
    derived: dict = field(default_factory=dict)

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


# Every source table may carry these two, after its own columns.
COMMON = (
    Col("change_marker", "string", "The source's last-modified timestamp or version of the record. When given, "
        "an unchanged marker means an unchanged record; when absent, the record's content is compared.", stored=False),
    Col("deleted", "boolean", "True when the source declares the record deleted: Beacon deletes its row.",
        default=False, stored=False),
)


def _table(name, beacon_table, key, meaning, columns, derived=None) -> SourceTable:
    return SourceTable(name, beacon_table, tuple(key), meaning, tuple(columns) + COMMON, derived or {})


S, I, N, D, T, B, C = "string", "integer", "number", "date", "datetime", "boolean", "code"

TABLES: dict[str, SourceTable] = {t.name: t for t in (
    _table("org_units", "org_unit", ["unit_ref"], "The organisation tree: force > BCU > department > team.", [
        Col("unit_ref", S, "The unit's id in the source.", required=True, stored=False),
        Col("parent_ref", S, "The unit it belongs to (empty for the force).", ref="org_units", target="parent_id"),
        Col("kind", C, "Level in the tree.", required=True, codes=UNIT_KINDS),
        Col("name", S, "Display name.", required=True),
        Col("strand", C, "Force-wide function of a department or team.", codes=STRANDS),
    ], {"force_id": "the force above it (itself for the force)", "bcu_id": "the BCU above it (itself for a BCU)",
        "department_id": "the department above a team"}),
    _table("officers", "officer", ["officer_ref"], "Officers and police staff.", [
        Col("officer_ref", S, "The person's id in the source (staff number).", required=True, stored=False),
        Col("collar", S, "Collar or staff number shown on screen; unique.", required=True),
        Col("forename", S, "Forename.", required=True),
        Col("surname", S, "Surname.", required=True),
        Col("rank", S, "PC, DC, PS, DS, Insp, DI, CI, Supt, ... or 'staff'.", required=True),
        Col("is_staff", B, "True for police staff.", default=False),
        Col("unit_ref", S, "The team the person works in.", required=True, ref="org_units", target="team_id"),
        Col("line_manager_ref", S, "Their line manager.", ref="officers", target="line_manager_id"),
        Col("tutor_ref", S, "A student officer's tutor.", ref="officers", target="tutor_id"),
        Col("is_student", B, "True for a student officer.", default=False),
        Col("start_date", D, "Start date in the force.", required=True),
        Col("weekly_hours", N, "Contracted weekly hours.", default=40.0),
    ], {"force_id": "the force of their team"}),
    _table("crimes", "crime", ["crime_ref"], "Recorded crimes (investigations).", [
        Col("crime_ref", S, "The crime reference number; unique.", required=True),
        Col("offence_code", C, "Beacon's offence code (the offence catalogue, e.g. CASLT, ABH, BURR); a mapping "
            "converts Home Office classification codes to it.", codes=OFFENCE_CODES),
        Col("occurred_on", D, "Day the offence was committed (or began).", required=True, past=True),
        Col("reported_at", T, "When it was reported to the police.", required=True, past=True),
        Col("recorded_at", T, "When it was recorded as a crime.", required=True, past=True),
        Col("allocated_on", D, "Day it was allocated to its officer in charge.", past=True),
        Col("unit_ref", S, "The owning team.", required=True, ref="org_units", target="team_id"),
        Col("oic_ref", S, "The officer in charge.", ref="officers", target="oic_id"),
        Col("status", C, "Open or finalised.", required=True, codes=CRIME_STATUS),
        Col("outcome_code", I, "Home Office outcome (Crime Outcomes framework): 0 none yet, 1-22.",
            codes=OUTCOME_CODES, default=0),
        Col("outcome_date", D, "Day the outcome was recorded.", past=True),
        Col("domestic_abuse", B, "Domestic abuse flag.", default=False),
        Col("hate_crime", B, "Hate crime flag.", default=False),
        Col("flags", S, "Other flags, comma separated (MH, CSE, CA, ASB, ...).", default=""),
        Col("victim_decision", C, "Whether the victim supports action.", codes=VICTIM_DECISIONS),
        Col("first_statement_on", D, "Day of the victim's first statement or recorded interview.", past=True),
        Col("location", S, "Where it happened."),
        Col("summary", S, "Short summary."),
    ], {"force_id": "the force of the owning team", "bcu_id": "the BCU of the owning team",
        "finalised": "status is finalised"}),
    _table("persons", "person", ["person_ref"], "People: victims, suspects, offenders and witnesses.", [
        Col("person_ref", S, "The person's id in the source (nominal id).", required=True, stored=False),
        Col("forename", S, "Forename.", required=True),
        Col("surname", S, "Surname.", required=True),
        Col("date_of_birth", D, "Date of birth.", target="dob", past=True),
        Col("pnc_id", S, "Police National Computer id."),
    ], {"force_id": "the force loaded"}),
    _table("parties", "crime_person", ["party_ref"], "Who is involved in a crime, and how.", [
        Col("party_ref", S, "The involvement's id in the source.", required=True, stored=False),
        Col("crime_ref", S, "The crime.", required=True, ref="crimes", target="crime_id"),
        Col("person_ref", S, "The person.", required=True, ref="persons", target="person_id"),
        Col("role", C, "Role in the crime.", required=True, codes=PARTY_ROLES),
        Col("enhanced_rights", B, "Victim entitled to enhanced rights (Victims' Code).", default=False),
        Col("suspect_status", C, "Where a suspect's case stands.", codes=SUSPECT_STATUS),
        Col("arrested_on", D, "Day the suspect was arrested.", past=True),
        Col("charged_on", D, "Day the suspect was charged.", past=True),
        Col("relationship", S, "Relationship to the victim (partner, ex-partner, stranger, ...)."),
    ]),
    _table("crime_events", "crime_event", ["event_ref"], "What happened on an investigation (the task engine's "
           "facts).", [
        Col("event_ref", S, "The event's id in the source; unique across kinds.", required=True, target="source_ref"),
        Col("crime_ref", S, "The crime.", required=True, ref="crimes", target="crime_id"),
        Col("kind", C, "What happened (scoring.events.EVENT_KINDS).", required=True, codes=tuple(EVENT_KINDS)),
        Col("at", T, "When.", required=True, past=True),
        Col("person_ref", S, "The suspect or victim concerned; required for the kinds "
            + ", ".join(PERSON_EVENT_KINDS) + ".", ref="persons", target="person_id"),
        Col("officer_ref", S, "Who did it.", ref="officers", target="officer_id"),
        Col("officer_rank", S, "Their rank at the time (PACE names the rank for each bail stage)."),
        Col("stage", C, "Bail stage granted or extended to.", codes=BAIL_STAGES),
        Col("ends_on", D, "Bail end date a court set."),
        Col("value", I, "Agreed victim contact frequency, in days."),
        Col("rule_id", S, "The data-quality rule a cdi_check answers."),
        Col("detail", S, "Free text."),
    ], {"origin": "'source'", "recorded_at": "when the load wrote it"}),
    _table("crime_links", "crime_link", ["crime_ref", "linked_crime_ref"], "Crimes linked to each other.", [
        Col("crime_ref", S, "The crime.", required=True, ref="crimes", target="crime_id"),
        Col("linked_crime_ref", S, "The crime it is linked to.", required=True, ref="crimes",
            target="linked_crime_id"),
        Col("reason", S, "Why they are linked (same suspect, same victim, series, ...).", required=True),
    ]),
    _table("incidents", "incident", ["incident_ref"], "Command-and-control incidents.", [
        Col("incident_ref", S, "The incident log number; unique.", required=True),
        Col("opened_at", T, "When the log was opened.", required=True, past=True),
        Col("incident_type", S, "Opening or closing classification.", required=True),
        Col("grade", C, "Response grade.", required=True, codes=INCIDENT_GRADES),
        Col("pre_planned", B, "Pre-planned work rather than a call.", default=False),
        Col("bcu_ref", S, "The BCU it happened in.", ref="org_units", target="bcu_id"),
        Col("location", S, "Where."),
        Col("call_seconds", I, "Length of the call."),
        Col("originator_ref", S, "The caller.", ref="persons", target="originator_person_id"),
        Col("subject_ref", S, "The person the incident is about.", ref="persons", target="subject_person_id"),
        Col("crime_ref", S, "The crime it led to.", ref="crimes", target="crime_id"),
    ], {"force_id": "the force loaded"}),
    _table("deployments", "deployment", ["deployment_ref"], "Resources deployed to incidents.", [
        Col("deployment_ref", S, "The deployment's id in the source.", required=True, stored=False),
        Col("incident_ref", S, "The incident.", required=True, ref="incidents", target="incident_id"),
        Col("officer_ref", S, "The officer deployed.", ref="officers", target="officer_id"),
        Col("resource_group", S, "Call sign or resource group.", required=True),
        Col("assigned_at", T, "When assigned.", past=True),
        Col("deployed_at", T, "When deployed.", past=True),
        Col("arrived_at", T, "When at scene.", past=True),
        Col("released_at", T, "When released.", past=True),
    ]),
    _table("custody", "custody", ["custody_ref"], "Custody records.", [
        Col("custody_ref", S, "The custody record number; unique.", required=True),
        Col("person_ref", S, "The detained person.", required=True, ref="persons", target="person_id"),
        Col("crime_ref", S, "The crime they were arrested for.", ref="crimes", target="crime_id"),
        Col("arresting_officer_ref", S, "The arresting officer.", ref="officers", target="arresting_officer_id"),
        Col("arrived_at", T, "Arrival at custody.", required=True, past=True),
        Col("released_at", T, "Release from custody.", past=True),
        Col("outcome", S, "charged, bail, rui, nfa, caution, ..."),
    ], {"force_id": "the force loaded"}),
    _table("shifts", "shift", ["shift_ref"], "Duty roster.", [
        Col("shift_ref", S, "The shift's id in the source.", required=True, stored=False),
        Col("officer_ref", S, "The officer.", required=True, ref="officers", target="officer_id"),
        Col("unit_ref", S, "The team worked with.", required=True, ref="org_units", target="team_id"),
        Col("starts_at", T, "Start.", required=True),
        Col("ends_at", T, "End.", required=True),
        Col("attended", B, "Whether it was worked (empty: not yet known)."),
    ]),
    _table("leave", "leave", ["leave_ref"], "Leave and restrictions.", [
        Col("leave_ref", S, "The leave record's id in the source.", required=True, stored=False),
        Col("officer_ref", S, "The officer.", required=True, ref="officers", target="officer_id"),
        Col("kind", C, "Kind of absence.", required=True, codes=LEAVE_KINDS),
        Col("starts_on", D, "First day.", required=True),
        Col("ends_on", D, "Last day.", required=True),
    ]),
    _table("training", "training", ["training_ref"], "Training passed.", [
        Col("training_ref", S, "The training record's id in the source.", required=True, stored=False),
        Col("officer_ref", S, "The officer.", required=True, ref="officers", target="officer_id"),
        Col("course", S, "Course name.", required=True),
        Col("critical", B, "Operationally critical (lapsing stops deployment).", default=True),
        Col("passed_on", D, "Day passed.", required=True, past=True),
        Col("expires_on", D, "Day it lapses."),
    ]),
    _table("officer_activity", "officer_activity", ["activity_ref"], "Officer activity recorded outside command "
           "and control and custody: stop and search, use of force and intelligence reports (PIRs).", [
        Col("activity_ref", S, "The record's id in the source.", required=True, stored=False),
        Col("officer_ref", S, "The officer.", required=True, ref="officers", target="officer_id"),
        Col("kind", C, "What was done.", required=True, codes=ACTIVITY_KINDS),
        Col("occurred_at", T, "When.", required=True, past=True),
        Col("bcu_ref", S, "The BCU it happened in.", ref="org_units", target="bcu_id"),
    ], {"force_id": "the force loaded"}),
    _table("duty_restrictions", "duty_restriction", ["restriction_ref"], "Restricted or recuperative duties.", [
        Col("restriction_ref", S, "The restriction's id in the source.", required=True, stored=False),
        Col("officer_ref", S, "The officer.", required=True, ref="officers", target="officer_id"),
        Col("kind", C, "Restricted or recuperative.", required=True, codes=RESTRICTION_KINDS),
        Col("starts_on", D, "First day.", required=True),
        Col("ends_on", D, "Last day (empty: open-ended)."),
    ], {"force_id": "the force loaded"}),
    _table("psd_matters", "psd_matter", ["psd_ref"], "Professional-standards matters; Beacon reads only whether "
           "one is open, never its detail.", [
        Col("psd_ref", S, "The matter's id in the source.", required=True, stored=False),
        Col("officer_ref", S, "The officer.", required=True, ref="officers", target="officer_id"),
        Col("category", C, "Kind of matter.", required=True, codes=PSD_CATEGORIES),
        Col("opened_on", D, "Day it was opened.", required=True, past=True),
        Col("closed_on", D, "Day it was closed (empty: open).", past=True),
    ], {"force_id": "the force loaded"}),
    _table("core_skills", "core_skill", ["skill_ref"], "Core skills held (independent patrol, statement taking, "
           "...).", [
        Col("skill_ref", S, "The record's id in the source.", required=True, stored=False),
        Col("officer_ref", S, "The officer.", required=True, ref="officers", target="officer_id"),
        Col("skill", S, "The skill.", required=True),
        Col("achieved_on", D, "Day achieved.", required=True, past=True),
        Col("expires_on", D, "Day it lapses (empty: no expiry)."),
    ], {"force_id": "the force loaded"}),
    _table("team_establishment", "team_establishment", ["establishment_ref"], "Funded posts per team from a date "
           "(establishment, against which strength gives the vacancy rate).", [
        Col("establishment_ref", S, "The record's id in the source.", required=True, stored=False),
        Col("unit_ref", S, "The team.", required=True, ref="org_units", target="team_id"),
        Col("posts", I, "Funded posts.", required=True),
        Col("from_date", D, "Day the figure applies from.", required=True),
    ], {"force_id": "the force loaded"}),
    _table("incident_parties", "incident_party", ["incident_party_ref"], "A person as the call handler typed them "
           "on an incident log (originator or subject); Beacon links them to people itself.", [
        Col("incident_party_ref", S, "The record's id in the source.", required=True, stored=False),
        Col("incident_ref", S, "The incident.", required=True, ref="incidents", target="incident_id"),
        Col("role", C, "Caller or the person the incident is about.", required=True, codes=INCIDENT_PARTY_ROLES),
        Col("forename", S, "Forename as typed."),
        Col("surname", S, "Surname as typed."),
        Col("date_of_birth", D, "Date of birth as typed.", target="dob", past=True),
        Col("pnc_id", S, "Police National Computer id."),
        Col("relationship", S, "The caller's relationship to the subject (self, parent, ...)."),
    ], {"force_id": "the force loaded"}),
    _table("missing_episodes", "missing_episode", ["episode_ref"], "Missing-person episodes.", [
        Col("episode_ref", S, "The episode's reference; unique.", required=True),
        Col("person_ref", S, "The missing person.", required=True, ref="persons", target="person_id"),
        Col("reported_at", T, "When reported missing.", required=True, past=True),
        Col("found_at", T, "When found (empty: still missing).", past=True),
        Col("risk", C, "Risk grading.", codes=MISSING_RISKS),
        Col("lpa_ref", S, "The local policing area (normally a BCU) it belongs to.", ref="org_units",
            target="lpa_id"),
    ], {"force_id": "the force loaded"}),
    _table("person_aliases", "person_alias", ["alias_ref"], "Other names a person is known by.", [
        Col("alias_ref", S, "The alias's id in the source.", required=True, stored=False),
        Col("person_ref", S, "The person.", required=True, ref="persons", target="person_id"),
        Col("forename", S, "Forename used.", required=True),
        Col("surname", S, "Surname used.", required=True),
        Col("date_of_birth", D, "Date of birth given with it.", target="dob", past=True),
    ]),
    _table("person_addresses", "person_address", ["address_ref"], "People's addresses (the latest gives their "
           "home local policing area).", [
        Col("address_ref", S, "The address record's id in the source.", required=True, stored=False),
        Col("person_ref", S, "The person.", required=True, ref="persons", target="person_id"),
        Col("address", S, "The address.", required=True),
        Col("lpa_ref", S, "The local policing area (normally a BCU) it is in.", ref="org_units", target="lpa_id"),
        Col("from_date", D, "Day they lived there from."),
    ]),
)}

# Load order: a table comes after every table it refers to (self-references are resolved after its rows).
ORDER = ("org_units", "officers", "crimes", "persons", "parties", "crime_events", "crime_links", "incidents",
         "deployments", "custody", "shifts", "leave", "training", "officer_activity", "duty_restrictions",
         "psd_matters", "core_skills", "team_establishment", "incident_parties", "missing_episodes",
         "person_aliases", "person_addresses")
assert set(ORDER) == set(TABLES)
