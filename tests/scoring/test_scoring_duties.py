"""Who may complete what: the duty behind each completion, by task kind, PACE stage and rank."""

from datetime import date

import pytest

from scoring.duties import (BY_COURT, CHIEF_OFFICER, INSPECTOR, SERGEANT, SUPERINTENDENT, actionable,
                            duty_for, extension_duty, may_perform, rank_level)
from scoring.settings import load_settings

NEW = date(2024, 5, 1)   # an arrest under the 2022 scheme
OLD = date(2021, 5, 1)   # an arrest under the 2017 scheme


@pytest.mark.parametrize("stage, arrested, level", [
    ("initial", NEW, INSPECTOR),
    ("first_extension", NEW, SUPERINTENDENT),
    ("second_extension", NEW, CHIEF_OFFICER),
    ("initial", OLD, SUPERINTENDENT),
])
def test_each_extension_needs_the_rank_pace_names(stage, arrested, level):
    duty = extension_duty(stage, arrested)
    assert duty.min_level == level and duty.sign_off


@pytest.mark.parametrize("stage, arrested", [("complex", NEW), ("court", NEW), ("first_extension", OLD)])
def test_beyond_the_last_police_extension_only_a_court_may_extend(stage, arrested):
    assert extension_duty(stage, arrested) == BY_COURT
    assert not may_perform(BY_COURT, "ACC", is_oic=False, in_chain=True, in_command=True)


def test_a_review_is_a_sergeants_in_the_chain_and_never_the_officer_in_charges():
    review = duty_for("supervisor_review", "review_done")
    assert may_perform(review, "PS", is_oic=False, in_chain=True, in_command=True)
    assert may_perform(review, "Insp", is_oic=False, in_chain=True, in_command=True)
    assert not may_perform(review, "PS", is_oic=True, in_chain=True, in_command=True)
    assert not may_perform(review, "PC", is_oic=False, in_chain=True, in_command=True)
    assert not may_perform(review, "staff", is_oic=False, in_chain=True, in_command=True)
    assert not may_perform(review, "Supt", is_oic=False, in_chain=False, in_command=True)


def test_an_extension_may_come_from_the_right_rank_in_command_but_not_from_the_officer_in_charge():
    duty = extension_duty("initial", NEW)
    assert may_perform(duty, "Insp", is_oic=False, in_chain=False, in_command=True)
    assert not may_perform(duty, "Insp", is_oic=True, in_chain=False, in_command=True)
    assert not may_perform(duty, "PS", is_oic=False, in_chain=True, in_command=True)
    assert not may_perform(duty, "Insp", is_oic=False, in_chain=False, in_command=False)


def test_other_work_belongs_to_the_officer_in_charge_and_their_chain():
    for kind, action in [("victim_contact", "victim_contacted"), ("bail", "bail_ended"), ("cdi", "corrected")]:
        duty = duty_for(kind, action)
        assert not duty.sign_off
        assert may_perform(duty, "PC", is_oic=True, in_chain=False, in_command=False)
        assert may_perform(duty, "PS", is_oic=False, in_chain=True, in_command=True)
        assert not may_perform(duty, "PC", is_oic=False, in_chain=False, in_command=True)


def test_an_extension_without_its_bail_record_is_left_to_a_court():
    assert duty_for("bail", "bail_extended") == BY_COURT


def test_ranks_order_and_unknown_ranks_count_as_none():
    assert rank_level("PC") < rank_level("PS") == SERGEANT < rank_level("Insp") < rank_level("Supt")
    assert rank_level("DS") == rank_level("PS") and rank_level("ACC") == CHIEF_OFFICER
    assert rank_level("Chief Bottle Washer") == rank_level(None) == 0


def test_work_is_actionable_within_its_amber_window_and_bail_warns_earlier():
    s = load_settings()
    today = date(2026, 3, 2)
    assert actionable("victim_contact", None, today, s)
    assert actionable("victim_contact", date(2026, 2, 1), today, s)
    assert actionable("victim_contact", date(2026, 3, 2 + s.due_soon_days), today, s)
    assert not actionable("victim_contact", date(2026, 3, 3 + s.due_soon_days), today, s)
    assert actionable("bail", date(2026, 3, 2 + s.bail_warning_days), today, s)
    assert not actionable("bail", date(2026, 3, 3 + s.bail_warning_days), today, s)
