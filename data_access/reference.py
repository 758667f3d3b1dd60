"""Reference data: the default offence catalogue with Cambridge Crime Harm Index values.

The harm values are the approximate per-category figures in docs/domain.md section 6 (Sherman,
Neyroud and Neyroud 2016: days of imprisonment at the sentencing-guideline starting point for a
first offender). Forces that license the full 700-category table replace these rows; the table is
editable and nothing else in the code hard-codes a harm value.

Codes are short mnemonics of this project, not Home Office classification numbers, so that nobody
mistakes the default table for the official list. `police_uk_category` is the data.police.uk
"Crime type" label an offence is published under (for importers and benchmarking); it is not a
column of the offence table.

Mode of trial matters to the deadline rules: a summary-only offence must be prosecuted within six
months (Magistrates' Courts Act 1980 s127) and common assault or battery in a domestic context has
the s39A extension (Criminal Justice Act 1988). Criminal damage below the value threshold is tried
summarily but is still an either-way offence, so it carries no time limit and is not flagged here.
"""

from __future__ import annotations

from sqlalchemy import insert

from data_access.schema import offence

# Cambridge Crime Harm Index default values per category (days), from docs/domain.md section 6.
HARM_DAYS = {
    "homicide": 5475.0,
    "rape": 2555.0,
    "robbery": 365.0,
    "violence with injury": 365.0,
    "residential burglary": 273.5,
    "possession of weapons": 273.75,
    "non-residential burglary": 183.5,
    "other sexual offences": 182.0,
    "arson": 185.0,
    "violence without injury": 10.0,
    "stalking and harassment": 10.0,
    "public order": 7.5,
    "vehicle crime": 5.0,
    "drug trafficking": 5.0,
    "drug possession": 3.0,
    "criminal damage": 2.0,
    "theft from the person": 2.0,
    "other theft": 2.0,
    "bicycle theft": 2.0,
    "shoplifting": 1.0,
    "other crime": 10.0,
}


def _o(code, name, category, police_uk_category, summary_only=False, common_assault=False):
    return {
        "code": code,
        "name": name,
        "category": category,
        "summary_only": summary_only,
        "common_assault": common_assault,
        "harm_days": HARM_DAYS[category],
        "police_uk_category": police_uk_category,
    }


_VSO = "Violence and sexual offences"

OFFENCES: list[dict] = [
    _o("HOM", "Murder or manslaughter", "homicide", _VSO),
    _o("RAPE", "Rape of a person aged 16 or over", "rape", _VSO),
    _o("SXA", "Sexual assault", "other sexual offences", _VSO),
    _o("SXE", "Exposure or voyeurism", "other sexual offences", _VSO),
    _o("ROBP", "Robbery of personal property", "robbery", "Robbery"),
    _o("ROBB", "Robbery of business property", "robbery", "Robbery"),
    _o("GBH", "Wounding or grievous bodily harm with intent", "violence with injury", _VSO),
    _o("ABH", "Assault occasioning actual bodily harm", "violence with injury", _VSO),
    _o("CASLT", "Common assault and battery", "violence without injury", _VSO,
       summary_only=True, common_assault=True),
    _o("AEW", "Assault on an emergency worker without injury", "violence without injury", _VSO),
    _o("HARASS", "Harassment (Protection from Harassment Act 1997 s2)", "stalking and harassment",
       _VSO, summary_only=True),
    _o("STALK", "Stalking involving fear of violence or serious alarm", "stalking and harassment",
       _VSO),
    _o("MALCOM", "Malicious communications", "stalking and harassment", _VSO),
    _o("POA4", "Fear or provocation of violence (Public Order Act 1986 s4)", "public order",
       "Public order", summary_only=True),
    _o("POA4A", "Intentional harassment, alarm or distress (Public Order Act 1986 s4A)",
       "public order", "Public order", summary_only=True),
    _o("DRUNK", "Drunk and disorderly", "public order", "Public order", summary_only=True),
    _o("BURR", "Residential burglary", "residential burglary", "Burglary"),
    _o("BURB", "Business and community burglary", "non-residential burglary", "Burglary"),
    _o("TMV", "Theft or unauthorised taking of a motor vehicle", "vehicle crime", "Vehicle crime"),
    _o("TFMV", "Theft from a motor vehicle", "vehicle crime", "Vehicle crime"),
    _o("VINT", "Interfering with a motor vehicle", "vehicle crime", "Vehicle crime",
       summary_only=True),
    _o("TFP", "Theft from the person", "theft from the person", "Theft from the person"),
    _o("CYCLE", "Theft of a pedal cycle", "bicycle theft", "Bicycle theft"),
    _o("SHOP", "Shoplifting", "shoplifting", "Shoplifting"),
    _o("THEFT", "Other theft", "other theft", "Other theft"),
    _o("CDAM", "Criminal damage", "criminal damage", "Criminal damage and arson"),
    _o("ARSON", "Arson not endangering life", "arson", "Criminal damage and arson"),
    _o("WEAP", "Possession of an article with a blade or point", "possession of weapons",
       "Possession of weapons"),
    _o("DRUGP", "Possession of a controlled drug", "drug possession", "Drugs"),
    _o("DRUGT", "Possession with intent to supply a controlled drug", "drug trafficking", "Drugs"),
    _o("OTH", "Other crime against society", "other crime", "Other crime"),
]

OFFENCE_BY_CODE = {o["code"]: o for o in OFFENCES}

# Offences whose victims are entitled to enhanced rights under the Victims' Code by the nature
# of the offence (the most serious crime; sexual offences). Domestic abuse and hate crime add to
# this per crime, and vulnerability per victim.
ENHANCED_OFFENCES = frozenset({"HOM", "RAPE", "SXA", "SXE", "GBH", "STALK"})
SEXUAL_OFFENCES = frozenset({"RAPE", "SXA", "SXE"})
# Offences with no personal victim on the record (the state or a business is the loser).
VICTIMLESS_OFFENCES = frozenset({"DRUGP", "DRUGT", "WEAP", "DRUNK", "OTH"})

_COLUMNS = [c.name for c in offence.columns]


def offence_rows() -> list[dict]:
    """The catalogue as rows of the offence table (extra keys dropped)."""
    return [{k: o[k] for k in _COLUMNS} for o in OFFENCES]


def load_reference(conn) -> int:
    """Insert the default offence catalogue inside the caller's transaction; return rows added."""
    rows = offence_rows()
    conn.execute(insert(offence), rows)
    return len(rows)
