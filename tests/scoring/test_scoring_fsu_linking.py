"""Identity linking: name versions, missing PNC, near misses that must not link, never a guess."""

from datetime import date

import pandas as pd

from scoring.fsu_linking import (
    LINKED_NAME,
    LINKED_PNC,
    UNLINKED_AMBIGUOUS,
    UNLINKED_MISSING,
    UNLINKED_NO_MATCH,
    link_parties,
    unlinked_counts,
)

VERSIONS = pd.DataFrame([
    # person 1 and an alias spelling of them
    {"person_id": 1, "forename": "Stephen", "surname": "O'Neill", "dob": date(1990, 3, 4), "pnc_id": "12/0000001A"},
    {"person_id": 1, "forename": "Steven", "surname": "ONeill", "dob": date(1990, 3, 4), "pnc_id": None},
    {"person_id": 2, "forename": "Amy", "surname": "Shaw", "dob": date(2001, 7, 1), "pnc_id": None},
    # two different people with the same name and date of birth
    {"person_id": 3, "forename": "Jack", "surname": "Smith", "dob": date(1985, 1, 1), "pnc_id": "05/0000003C"},
    {"person_id": 4, "forename": "Jack", "surname": "Smith", "dob": date(1985, 1, 1), "pnc_id": None},
])


def _link(**party):
    row = {"party_id": 1, "forename": None, "surname": None, "dob": None, "pnc_id": None, **party}
    out = link_parties(pd.DataFrame([row]), VERSIONS).iloc[0]
    return (None if pd.isna(out["person_id"]) else int(out["person_id"])), out["how"]


def test_exact_name_and_dob_links():
    assert _link(forename="Amy", surname="Shaw", dob=date(2001, 7, 1)) == (2, LINKED_NAME)


def test_alias_spelling_links_to_the_same_person():
    assert _link(forename="Steven", surname="ONeill", dob=date(1990, 3, 4)) == (1, LINKED_NAME)


def test_case_spaces_and_apostrophes_do_not_matter():
    assert _link(forename=" STEPHEN", surname="o'neill", dob=date(1990, 3, 4)) == (1, LINKED_NAME)


def test_pnc_links_even_when_the_name_is_misspelt():
    assert _link(forename="Stehpen", surname="Oneil", pnc_id="12/0000001a") == (1, LINKED_PNC)


def test_missing_pnc_falls_back_to_name_and_dob():
    assert _link(forename="Amy", surname="Shaw", dob=date(2001, 7, 1), pnc_id=None) == (2, LINKED_NAME)


def test_near_miss_on_date_of_birth_does_not_link():
    assert _link(forename="Amy", surname="Shaw", dob=date(2001, 7, 2)) == (None, UNLINKED_NO_MATCH)


def test_misspelling_no_version_has_does_not_link():
    assert _link(forename="Aimy", surname="Shaw", dob=date(2001, 7, 1)) == (None, UNLINKED_NO_MATCH)


def test_missing_date_of_birth_is_counted_not_guessed():
    assert _link(forename="Amy", surname="Shaw") == (None, UNLINKED_MISSING)


def test_two_people_fitting_the_details_is_ambiguous():
    assert _link(forename="Jack", surname="Smith", dob=date(1985, 1, 1)) == (None, UNLINKED_AMBIGUOUS)
    # ... unless the PNC id settles it.
    assert _link(forename="Jack", surname="Smith", dob=date(1985, 1, 1), pnc_id="05/0000003C") == (3, LINKED_PNC)


def test_unknown_pnc_with_good_details_links_by_name():
    assert _link(forename="Amy", surname="Shaw", dob=date(2001, 7, 1), pnc_id="99/9999999Z") == (2, LINKED_NAME)


def test_counts_cover_every_party():
    parties = pd.DataFrame([
        {"party_id": i, "forename": f, "surname": s, "dob": d, "pnc_id": p}
        for i, (f, s, d, p) in enumerate([("Amy", "Shaw", date(2001, 7, 1), None), ("X", "Y", None, None),
                                          (None, None, None, "12/0000001A"), ("Amy", "Shaw", date(2001, 7, 3), None)])])
    counts = unlinked_counts(link_parties(parties, VERSIONS))
    assert counts == {"pnc": 1, "name_dob": 1, "missing_details": 1, "no_match": 1, "ambiguous": 0}
