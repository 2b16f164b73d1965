from datetime import date

import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.features import build_snapshot, feature_spec, fit_feature_columns, last_complete_week_start
from models_ml.scoring.inputs import ScoringInputs
from models_ml.scoring.labels import new_opportunity_label

T = date(2026, 5, 3)  # a Sunday in the middle of the synthetic history
AFTER_T = pd.Timestamp(T) + pd.Timedelta(days=1)


def _inputs(world, **tables) -> ScoringInputs:
    base = {k: world[k] for k in ("companies", "technographics", "intent", "activities", "map_scores",
                                  "opportunities")}
    base.update(tables)
    return ScoringInputs(**base, competitor_technologies=frozenset({"CRM-Y"}))


def _future_altered(world, rng) -> dict[str, pd.DataFrame]:
    """Every row dated after T removed, rescored or given another outcome; rows up to T untouched."""
    intent = world["intent"]
    intent = intent[intent["week_start"] + pd.Timedelta(days=6) < AFTER_T]
    activities = world["activities"]
    activities = activities[activities["activity_ts"] < AFTER_T]
    scores = world["map_scores"].copy()
    later = scores["scored_at"] >= AFTER_T
    scores.loc[later, "score_normalized"] = rng.uniform(0, 100, later.sum())
    opps = world["opportunities"].copy()
    opps = opps[opps["created_date"] < AFTER_T].copy()
    closes_later = opps["close_date"] >= AFTER_T
    opps.loc[closes_later, "is_won"] = ~opps.loc[closes_later, "is_won"]
    opps.loc[closes_later, "close_date"] += pd.Timedelta(days=40)
    techno = world["technographics"].copy()
    techno.loc[techno["first_seen"] >= AFTER_T, "technology"] = "Future Tool"
    return {"intent": intent, "activities": activities, "map_scores": scores, "opportunities": opps,
            "technographics": techno}


def test_features_at_t_ignore_everything_dated_after_t(world):
    original = _inputs(world)
    spec = feature_spec(original, T)
    before = build_snapshot(T, original, spec)
    after = build_snapshot(T, _inputs(world, **_future_altered(world, np.random.default_rng(1))), spec)
    pd.testing.assert_frame_equal(before, after)
    assert before["intent_max_score_last_week"].gt(0).mean() > 0.2  # the cut-off kept real signal


def test_shifting_opportunities_a_year_earlier_changes_features_and_labels(world):
    original = _inputs(world)
    spec = feature_spec(original, T)
    shifted_opps = world["opportunities"].copy()
    for column in ("created_date", "close_date"):
        shifted_opps[column] -= pd.DateOffset(years=1)
    shifted = _inputs(world, opportunities=shifted_opps)
    base, moved = build_snapshot(T, original, spec), build_snapshot(T, shifted, spec)
    assert not base["won_deals"].equals(moved["won_deals"])
    assert not base["days_since_last_lost"].equals(moved["days_since_last_lost"])
    label_base = new_opportunity_label(T, base, original, 90)
    label_moved = new_opportunity_label(T, moved, shifted, 90)
    assert (label_base.fillna(-1) != label_moved.fillna(-1)).mean() > 0.05


def test_intent_week_counts_only_once_it_has_ended():
    companies = pd.DataFrame({"account_key": ["A"], "employees": [50]})
    sunday = date(2026, 3, 8)
    intent = pd.DataFrame({"account_key": ["A", "A"], "week_start": [date(2026, 3, 2), date(2026, 3, 9)],
                           "vendor": ["bombora", "bombora"], "topic_cluster": ["crm", "crm"],
                           "surging_topics": [2, 5], "max_score": [70.0, 99.0], "is_surging": [True, True]})
    inputs = ScoringInputs(companies=companies, intent=intent)
    assert last_complete_week_start(sunday) == date(2026, 3, 2)
    assert last_complete_week_start(date(2026, 3, 14)) == date(2026, 3, 2)
    snapshot = build_snapshot(sunday, inputs, feature_spec(inputs, sunday))
    assert snapshot.loc["A", "intent_max_score_last_week"] == 70.0
    assert snapshot.loc["A", "intent_bombora_weeks_surging_4"] == 1
    assert snapshot.loc["A", "intent_top_cluster"] == "crm"


def test_engagement_and_opportunity_history_as_of_t():
    companies = pd.DataFrame({"account_key": ["A", "B"], "employees": [50, 5000], "is_customer": [False, True]})
    activities = pd.DataFrame({
        "account_key": ["A", "A", "A", "B"], "email": ["x@a.com", "y@a.com", "x@a.com", "z@b.com"],
        "activity_type": ["form_fill", "web_visit", "form_fill", "email_open"],
        "activity_ts": ["2026-03-01 10:00", "2026-02-25", "2026-03-02 00:00:01", "2025-10-01"]})
    opps = pd.DataFrame({"opportunity_id": ["1", "2"], "account_key": ["B", "A"],
                         "created_date": ["2025-01-01", "2026-02-01"], "close_date": ["2025-03-01", "2026-04-01"],
                         "stage_name": ["Closed Won", "Closed Lost"], "is_closed": [True, True],
                         "is_won": [True, False], "type": ["New Business", "New Business"]})
    inputs = ScoringInputs(companies=companies, activities=activities, opportunities=opps)
    t = date(2026, 3, 1)
    snapshot = build_snapshot(t, inputs, feature_spec(inputs, t))
    assert snapshot.loc["A", "eng_engaged_contacts_30d"] == 2
    assert snapshot.loc["A", "eng_form_fill_decayed"] == pytest.approx(0.5 ** ((14 / 24) / 30), rel=1e-3)
    assert snapshot.loc["A", "eng_days_since_last_activity"] == 0
    assert np.isnan(snapshot.loc["B", "eng_days_since_last_activity"])  # 151 days back: beyond the signal window
    assert snapshot.loc["B", "is_customer"] == 1.0
    assert bool(snapshot.loc["A", "has_open_opportunity"])  # lost only after t
    assert np.isnan(snapshot.loc["A", "days_since_last_lost"])


def test_labels_follow_the_contract_motion_and_exclude_open_opportunities():
    companies = pd.DataFrame({"account_key": ["P", "C", "O", "N"], "employees": [10] * 4,
                              "is_customer": [False, True, False, False]})
    opps = pd.DataFrame({
        "opportunity_id": ["w", "1", "2", "3", "4"], "account_key": ["C", "P", "C", "O", "N"],
        "created_date": ["2024-01-01", "2026-03-10", "2026-03-10", "2026-02-01", "2026-03-10"],
        "close_date": ["2024-02-01", "2026-06-01", "2026-06-01", "2026-05-01", "2026-06-01"],
        "is_closed": [True, False, False, False, False], "is_won": [True, False, False, False, False],
        "type": ["New Business", "New Business", "New Business", "New Business", "Renewal"]})
    inputs = ScoringInputs(companies=companies, opportunities=opps)
    t = date(2026, 3, 1)
    snapshot = build_snapshot(t, inputs, feature_spec(inputs, t))
    label = new_opportunity_label(t, snapshot, inputs, 90)
    assert label["P"] == 1.0  # prospect opening new business
    assert label["C"] == 0.0  # a customer's new-business deal is not its motion
    assert np.isnan(label["O"])  # already had a deal open at t
    assert label["N"] == 0.0  # renewals are not new opportunities


def test_fit_features_leave_out_behaviour(inputs, as_of):
    spec = feature_spec(inputs, as_of)
    fit_columns = fit_feature_columns(spec)
    assert "log_employees" in fit_columns and "competitor_installs" in fit_columns
    assert not [c for c in fit_columns if c.startswith(("intent", "eng_", "map_", "is_customer"))]
    assert "tech_crm_x" in fit_columns


LINK_T = date(2026, 3, 8)
CONTACTS_CREATED = date(2026, 3, 28)  # jane's and bob's contacts exist, every activity is in the 30 days
AFTER_LINK_T = date(2026, 4, 20)


def _link_world(**tables) -> ScoringInputs:
    """A vendor company A (a.com), a CRM company B created before LINK_T, and C created after it."""
    companies = pd.DataFrame({"account_key": ["A", "B", "C"], "employees": [50, 80, 120],
                              "known_from": [None, "2025-01-01", "2026-04-02"]})
    contacts = pd.DataFrame({
        "contact_id": ["K1", "K2", "K3", "K3"], "account_key": ["B", "B", "B", "C"],
        "email": ["jane@a.com", "bob@gmail.com", "dana@studio.net", "dana@studio.net"],
        "known_from": ["2026-03-20", "2026-03-25", "2025-06-01", "2025-06-01"],
        "valid_from": [None, None, None, "2026-04-03"], "valid_to": [None, None, "2026-04-03", None],
        "last_modified_at": ["2026-03-20", "2026-03-25", "2025-06-01", "2026-04-03"]})
    activities = pd.DataFrame({
        "email": ["jane@a.com", "bob@gmail.com", "dana@studio.net", "sam@c.com"],
        "activity_type": ["form_fill"] * 4,
        "activity_ts": ["2026-03-01 10:00", "2026-03-02 10:00", "2026-03-03 10:00", "2026-03-04 10:00"],
        "domain_account_key": ["A", None, None, "C"],
        "domain_known_from": [None, None, None, "2026-04-02"]})
    return ScoringInputs(**{"companies": companies, "contact_versions": contacts, "activities": activities,
                            **tables})


def _engaged(inputs: ScoringInputs, t: date, **kwargs) -> pd.Series:
    return build_snapshot(t, inputs, feature_spec(inputs, t), **kwargs)["eng_activities_30d"]


def test_activity_before_its_contact_existed_links_by_its_domain_then_by_the_contact():
    inputs = _link_world()
    assert _engaged(inputs, LINK_T)["A"] == 1  # jane's contact on B did not exist yet: a.com is A's
    later = _engaged(inputs, CONTACTS_CREATED)
    assert later["A"] == 0 and later["B"] == 3  # now her contact's


def test_free_mail_activity_before_its_contact_existed_links_to_nothing():
    inputs = _link_world()
    at_t = build_snapshot(LINK_T, inputs, feature_spec(inputs, LINK_T))
    assert at_t.loc["B", "eng_activities_30d"] == 1  # dana only: bob@gmail.com had no contact yet
    assert at_t["eng_activities_30d"].sum() == 2
    later = build_snapshot(CONTACTS_CREATED, inputs, feature_spec(inputs, LINK_T))
    assert later.loc["B", "eng_engaged_contacts_30d"] == 3  # jane, bob and dana once their contacts exist


def _decayed_form_fills(inputs: ScoringInputs, t: date) -> pd.Series:
    return build_snapshot(t, inputs, feature_spec(inputs, t))["eng_form_fill_decayed"]


def test_a_contact_links_through_its_account_at_t():
    dana = _link_world().activities.iloc[[2]][["email", "activity_type", "activity_ts"]]
    inputs = _link_world(activities=dana)
    at_t, later = _decayed_form_fills(inputs, LINK_T), _decayed_form_fills(inputs, AFTER_LINK_T)
    assert at_t["B"] > 0 and "C" not in at_t.index  # on B at T
    assert later["B"] == 0 and later["C"] > 0  # her contact moved to C on 3 April


def test_a_company_unknown_at_t_is_not_in_the_snapshot_and_owns_no_domain_yet():
    sam = _link_world().activities.iloc[[3]]
    inputs = _link_world(activities=sam)
    at_t = build_snapshot(LINK_T, inputs, feature_spec(inputs, LINK_T))
    assert list(at_t.index) == ["A", "B"] and at_t["eng_form_fill_decayed"].sum() == 0
    live = build_snapshot(LINK_T, inputs, feature_spec(inputs, LINK_T), use_crm_customer_flag=True)
    assert list(live.index) == ["A", "B", "C"]  # the published tables cover every company known today
    assert live.loc["C", "eng_form_fill_decayed"] == 0  # c.com was nobody's domain before C was created
    assert _decayed_form_fills(inputs, AFTER_LINK_T)["C"] > 0  # once C is known, its domain's history is


def test_lead_scores_are_the_newest_by_t_linked_as_at_t():
    scores = pd.DataFrame({
        "email": ["jane@a.com", "jane@a.com", "bob@gmail.com"], "source_system": ["marketo"] * 3,
        "score_normalized": [40.0, 90.0, 70.0], "scored_at": ["2026-02-02", "2026-03-16", "2026-02-02"],
        "domain_account_key": ["A", "A", None], "domain_known_from": [None, None, None]})
    inputs = _link_world(map_scores=scores)
    at_t = build_snapshot(LINK_T, inputs, feature_spec(inputs, LINK_T))
    assert at_t.loc["A", "map_score_max"] == 40.0 and at_t.loc["A", "map_scored_contacts"] == 1
    assert np.isnan(at_t.loc["B", "map_score_max"])  # bob's score waits for his contact
    later = build_snapshot(CONTACTS_CREATED, inputs, feature_spec(inputs, LINK_T))
    assert later.loc["B", "map_score_max"] == 90.0 and later.loc["B", "map_scored_contacts"] == 2


def test_opportunities_are_read_in_their_version_at_t():
    companies = pd.DataFrame({"account_key": ["A"], "employees": [50]})
    current = pd.DataFrame({"opportunity_id": ["O1"], "account_key": ["A"], "created_date": ["2026-01-10"],
                            "close_date": ["2026-03-05"], "stage_name": ["Closed Won"], "is_closed": [True],
                            "is_won": [True], "type": ["New Business"]})
    versions = pd.concat([current.assign(stage_name="Proposal", is_closed=False, is_won=False,
                                         close_date="2026-04-30", valid_from=None, valid_to="2026-03-20"),
                          current.assign(valid_from="2026-03-20", valid_to=None)])
    inputs = ScoringInputs(companies=companies, opportunities=current, opportunity_versions=versions)
    at_t = build_snapshot(LINK_T, inputs, feature_spec(inputs, LINK_T)).loc["A"]
    assert at_t["won_deals"] == 0 and at_t["is_customer"] == 0 and bool(at_t["has_open_opportunity"])
    later = build_snapshot(date(2026, 3, 21), inputs, feature_spec(inputs, LINK_T)).loc["A"]
    assert later["won_deals"] == 1 and later["days_since_last_won"] == 16
    today_only = ScoringInputs(companies=companies, opportunities=current)  # without versions: today's
    assert build_snapshot(LINK_T, today_only, feature_spec(today_only, LINK_T)).loc["A", "won_deals"] == 1
