"""The 43 territorial forces of England and Wales and the one lookup that matches publishers' names."""

import re
from functools import lru_cache

# (code, name, region). Codes are stable slugs used as keys in every benchmark table.
FORCES: tuple = (
    ("cleveland", "Cleveland", "North East"), ("durham", "Durham", "North East"),
    ("northumbria", "Northumbria", "North East"),
    ("cheshire", "Cheshire", "North West"), ("cumbria", "Cumbria", "North West"),
    ("greater-manchester", "Greater Manchester", "North West"), ("lancashire", "Lancashire", "North West"),
    ("merseyside", "Merseyside", "North West"),
    ("humberside", "Humberside", "Yorkshire and the Humber"),
    ("north-yorkshire", "North Yorkshire", "Yorkshire and the Humber"),
    ("south-yorkshire", "South Yorkshire", "Yorkshire and the Humber"),
    ("west-yorkshire", "West Yorkshire", "Yorkshire and the Humber"),
    ("derbyshire", "Derbyshire", "East Midlands"), ("leicestershire", "Leicestershire", "East Midlands"),
    ("lincolnshire", "Lincolnshire", "East Midlands"), ("northamptonshire", "Northamptonshire", "East Midlands"),
    ("nottinghamshire", "Nottinghamshire", "East Midlands"),
    ("staffordshire", "Staffordshire", "West Midlands"), ("warwickshire", "Warwickshire", "West Midlands"),
    ("west-mercia", "West Mercia", "West Midlands"), ("west-midlands", "West Midlands", "West Midlands"),
    ("bedfordshire", "Bedfordshire", "East of England"), ("cambridgeshire", "Cambridgeshire", "East of England"),
    ("essex", "Essex", "East of England"), ("hertfordshire", "Hertfordshire", "East of England"),
    ("norfolk", "Norfolk", "East of England"), ("suffolk", "Suffolk", "East of England"),
    ("city-of-london", "City of London", "London"), ("metropolitan", "Metropolitan Police", "London"),
    ("hampshire", "Hampshire", "South East"), ("kent", "Kent", "South East"), ("surrey", "Surrey", "South East"),
    ("sussex", "Sussex", "South East"), ("thames-valley", "Thames Valley", "South East"),
    ("avon-and-somerset", "Avon and Somerset", "South West"),
    ("devon-and-cornwall", "Devon and Cornwall", "South West"), ("dorset", "Dorset", "South West"),
    ("gloucestershire", "Gloucestershire", "South West"), ("wiltshire", "Wiltshire", "South West"),
    ("dyfed-powys", "Dyfed-Powys", "Wales"), ("gwent", "Gwent", "Wales"),
    ("north-wales", "North Wales", "Wales"), ("south-wales", "South Wales", "Wales"),
)
FORCE_NAMES = {code: name for code, name, _ in FORCES}
REGIONS = {"north east", "north west", "yorkshire and the humber", "east midlands", "west midlands",
           "east of england", "eastern", "london", "south east", "south west", "wales", "england and wales"}
# Publishers that appear beside forces but are not territorial forces of England and Wales.
NOT_TERRITORIAL = {"british transport", "action fraud", "cifas", "uk finance", "financial fraud action uk",
                   "central service secondments", "scotland", "service of northern ireland", "northern ireland"}
# Spellings that differ by more than punctuation, '&' and a 'Police'/'Constabulary' suffix.
ALIASES = {
    "london city of": "city-of-london", "city of london": "city-of-london",
    "metropolitan": "metropolitan", "metropolitan service": "metropolitan", "met": "metropolitan",
    "hampshire and isle of wight": "hampshire", "devon cornwall": "devon-and-cornwall",
    "avon somerset": "avon-and-somerset", "dyfed powys": "dyfed-powys",
}
_SUFFIXES = (" police service", " police force", " constabulary", " police")


def normalise(name: str) -> str:
    """Lower case, '&' as 'and', punctuation as spaces, without a 'Police'/'Constabulary' suffix."""
    text = (name or "").replace("\ufeff", "").strip().lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    changed = True
    while changed:  # "Metropolitan Police Service Police" and the like lose every suffix
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix):
                text, changed = text[: -len(suffix)].strip(), True
    return text


_BY_KEY = {normalise(name): code for code, name, _ in FORCES} | ALIASES


@lru_cache(maxsize=4096)
def classify(name: str) -> tuple[str | None, str]:
    """(force code or None, kind): kind is force, region, total, not_territorial or unknown.

    Memoised: a file repeats a handful of force names on every one of its rows.
    """
    key = normalise(name)
    if key in _BY_KEY:
        return _BY_KEY[key], "force"
    if key.startswith("total") or key == "":
        return None, "total"
    if key in REGIONS:
        return None, "region"
    if key in NOT_TERRITORIAL or any(key.startswith(n) for n in NOT_TERRITORIAL):
        return None, "not_territorial"
    return None, "unknown"


def force_code(name: str) -> str | None:
    """The force code for a publisher's spelling, or None."""
    return classify(name)[0]


def reason_for(name: str, kind: str) -> str:
    """The quarantine reason for a row whose force column is not a territorial force."""
    return {"region": f"regional total, not a force: {name.strip()!r}",
            "total": f"total row, not a force: {name.strip()!r}",
            "not_territorial": f"not a territorial police force: {name.strip()!r}"}.get(
        kind, f"unknown force name: {name.strip()!r}")
