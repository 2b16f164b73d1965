"""The SQL snapshots (all dates in one pass) equal the pandas snapshots (one date at a time).

The pandas ``build_snapshot`` is the reference: the point-in-time tests of test_scoring_features.py
and the time machine pin its rules down. Here both are built on the synthetic market, on the
link cases of test_scoring_features.py and on a hand-written world where every rule has a case
(restated opportunities, contacts created after their activities or moved to another account,
free-mail addresses, lead scores from two systems, an account created between two snapshot dates,
intent weeks on the window's edges, technologies gone stale), and must match row for row.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.features import build_snapshot, feature_spec
from models_ml.scoring.features_sql import build_snapshots
from models_ml.scoring.inputs import ScoringInputs
from models_ml.scoring.labels import new_opportunity_label
from models_ml.scoring.readiness import snapshot_dates, training_frame
from tests.unit.scoring.test_scoring_features import CONTACTS_CREATED, LINK_T, _link_world

HARD_DATES = [date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 11), date(2026, 3, 29), date(2026, 4, 26)]


def stacked_pandas(dates: list[date], inputs: ScoringInputs, spec, **kwargs) -> pd.DataFrame:
    return pd.concat([build_snapshot(t, inputs, spec, **kwargs).reset_index() for t in dates], ignore_index=True)


def assert_same_snapshots(dates: list[date], inputs: ScoringInputs, spec, **kwargs) -> pd.DataFrame:
    expected = stacked_pandas(dates, inputs, spec, **kwargs)
    actual = build_snapshots(dates, inputs, spec, **kwargs)
    assert list(actual.columns) == list(expected.columns)
    assert actual.dtypes.to_dict() == expected.dtypes.to_dict()
    pd.testing.assert_frame_equal(actual, expected, check_exact=False, rtol=1e-9, atol=1e-9)
    return expected


def hard_world() -> ScoringInputs:
    """Every point-in-time rule with a case that a dropped rule would change (see the comments)."""
    companies = pd.DataFrame({
        "account_key": ["A", "B", "C", "D", "E"],
        "employees": [50, 800, 120, None, 30], "annual_revenue": [1e6, None, 5e6, 2e5, -1],
        "naics_code": ["541511", "5112", None, "44", "62"], "naics_sector": [None, "51", None, None, "62"],
        "founded_year": [2030, 1990, None, 2001, 2024],
        "is_customer": [False, True, False, False, True],
        # A and B from the vendor universe or old; C created between the 8 and 11 March snapshots.
        "known_from": [None, "2024-05-01", "2026-03-09 15:00", None, "2026-04-01"]})
    contacts = pd.DataFrame({
        "contact_id": ["K1", "K2", "K3", "K3", "K4", "K5", "K6"],
        "account_key": ["B", "B", "B", "C", None, "A", "D"],
        "email": ["Jane@a.com", "bob@gmail.com", "dana@studio.net", "dana@studio.net", "lee@b.com",
                  "sam@shared.io", "sam@shared.io"],
        # Jane's and Bob's contacts come after their first activities; Dana moves from B to C on 20 March;
        # Lee's contact has no company; Sam has two contacts, the later modified (on D) preferred.
        "known_from": ["2026-03-05", "2026-03-20", "2025-06-01", "2025-06-01", "2026-01-01", "2025-01-01",
                       "2025-01-01"],
        "valid_from": [None, None, None, "2026-03-20", None, None, None],
        "valid_to": [None, None, "2026-03-20", None, None, None, None],
        "last_modified_at": ["2026-03-05", "2026-03-20", "2025-06-01", "2026-03-20", "2026-01-01",
                             "2025-02-01", "2025-03-01"]})
    activity_rows = [
        ("jane@a.com", "form_fill", "2026-02-20 09:00", "A", None),  # on a.com before her contact existed
        ("JANE@A.COM", "web_visit", "2026-03-06 12:00", "A", None),  # upper case meets her contact
        ("bob@gmail.com", "email_click", "2026-03-02 08:00", None, None),  # free mail: nobody's until 20 March
        ("bob@gmail.com", "webinar_attended", "2026-03-25 08:00", None, None),
        ("dana@studio.net", "content_download", "2026-03-10 10:00", None, None),  # B's, then C's
        ("dana@studio.net", "unsubscribe", "2026-03-21 10:00", None, None),
        ("lee@b.com", "email_open", "2026-03-03 10:00", "B", None),  # contact on no company: links to none
        ("sam@shared.io", "email_open", "2026-02-27 10:00", None, None),  # D's contact preferred
        ("ann@c-corp.com", "form_fill", "2026-03-04 10:00", "C", "2026-03-09 15:00"),  # C's domain once C is known
        ("ann@c-corp.com", "pageview_v2", "2026-03-07 23:59:59", "C", "2026-03-09 15:00"),  # unknown type
        ("ann@c-corp.com", "email_open", "2026-03-09 00:00", "C", "2026-03-09 15:00"),
        (None, "web_visit", "2026-03-05 10:00", "E", None),  # no address: a contact id counts the person
        ("old@a.com", "form_fill", "2026-01-31 00:00", "A", None),  # exactly 30 days before the end of 1 March
        ("edge@a.com", "web_visit", "2026-01-05 00:00", "A", None),  # exactly 56 days before the end of 1 March
        ("late@a.com", "email_click", "2026-03-09 00:00", "A", None),  # the first instant after 8 March
        ("last@a.com", "email_click", "2026-03-08 23:59:59", "A", None),
    ]
    activities = pd.DataFrame(activity_rows, columns=["email", "activity_type", "activity_ts", "domain_account_key",
                                                      "domain_known_from"])
    activities["contact_id"] = [None] * 11 + ["K9"] + [None] * 4
    scores = pd.DataFrame([
        ("jane@a.com", "marketo", 40.0, "2026-02-02", "A", None),
        ("jane@a.com", "marketo", 90.0, "2026-03-10", "A", None),  # replaces the 40 from 10 March on
        ("jane@a.com", "eloqua", 75.0, "2026-02-15", "A", None),  # a second system counts on its own
        ("bob@gmail.com", "marketo", 70.0, "2026-02-02", None, None),
        ("sam@shared.io", "marketo", 10.0, "2026-02-10", None, None),
        ("sam@shared.io", "marketo", 30.0, "2026-02-10", None, None),  # same stamp: the later row is newest
        ("ann@c-corp.com", "eloqua", 55.0, "2026-03-01", "C", "2026-03-09 15:00"),
        ("lee@b.com", None, 20.0, "2026-02-01", "B", None),
    ], columns=["email", "source_system", "score_normalized", "scored_at", "domain_account_key", "domain_known_from"])
    intent = pd.DataFrame([
        ("A", "2026-02-23", "bombora", "crm", 2, 80.0, True),  # last complete week of 1 March
        ("A", "2026-02-23", "g2", "crm", 1, 65.0, True),
        ("A", "2026-02-16", "bombora", "sales ai", 3, 90.0, True),
        ("A", "2026-02-18", "bombora", "sales ai", 5, 99.0, True),  # not a Monday: only the top cluster sees it
        ("A", "2026-01-05", "bombora", "crm", 1, 70.0, True),  # 7 weeks back on 1 March, out on 8 March
        ("A", "2026-03-02", "bombora", "crm", 0, 40.0, False),  # ends on 8 March
        ("B", "2026-03-02", "g2", "ops", 1, 61.0, True),
        ("B", "2026-03-02", "g2", "crm", 1, 61.0, True),  # tie on weeks and score: first cluster by name
        ("B", "2026-02-02", "bombora", "ops", 0, 30.0, False),
        ("C", "2026-03-02", "bombora", "crm", 4, 85.0, True),  # C unknown until 9 March
        ("E", "2026-03-23", "other", "crm", 1, 70.0, True),  # a third vendor counts only in the totals
    ], columns=["account_key", "week_start", "vendor", "topic_cluster", "surging_topics", "max_score", "is_surging"])
    technographics = pd.DataFrame([
        ("A", "CRM-Y", "CRM", "2025-01-01", "2026-06-01"),
        ("A", "CRM-Y", "Sales", "2025-02-01", "2026-06-01"),  # listed twice: the first row's category counts
        ("A", "Mailer", "Email", "2026-03-05", None),  # installed between two snapshots
        ("B", "CRM-X", "CRM", None, "2025-09-20"),  # last seen 180 days before the end of 18 March
        ("B", "Dialer", None, "2024-01-01", "2026-04-01"),
        ("C", "CRM-Y", "CRM", "2025-01-01", None),
    ], columns=["account_key", "technology", "category", "first_seen", "last_seen"])
    current = pd.DataFrame([
        ("O1", "A", "2026-01-10", "2026-03-05", "Closed Won", True, True, "New Business"),
        ("O2", "B", "2025-01-01", "2025-03-01", "Closed Won", True, True, "New Business"),
        ("O3", "B", "2026-02-01", "2026-03-15", "Closed Lost", True, False, "Existing Business"),
        ("O4", "C", "2026-03-01", None, "Discovery", False, False, None),
        ("O5", "D", "2026-03-20", "2026-04-10", "Closed Lost", True, False, "New Business"),
        ("O6", "E", "2026-02-01", "2026-03-09 18:00", "Closed Won", True, True, "New Business"),
    ], columns=["opportunity_id", "account_key", "created_date", "close_date", "stage_name", "is_closed", "is_won",
                "type"])
    versions = pd.concat([
        # O1 was a proposal due 30 April until 20 March, then restated as won on 5 March.
        current[current["opportunity_id"] == "O1"].assign(stage_name="Proposal", is_closed=False, is_won=False,
                                                           close_date="2026-04-30", valid_from=None,
                                                           valid_to="2026-03-20"),
        current[current["opportunity_id"] == "O1"].assign(valid_from="2026-03-20", valid_to=None),
        # O3 was won on 15 March, restated as lost on 1 April.
        current[current["opportunity_id"] == "O3"].assign(stage_name="Closed Won", is_won=True, valid_from=None,
                                                           valid_to="2026-04-01"),
        current[current["opportunity_id"] == "O3"].assign(valid_from="2026-04-01", valid_to=None),
        current[current["opportunity_id"].isin(["O2", "O4", "O5", "O6"])].assign(valid_from=None, valid_to=None),
    ])
    return ScoringInputs(companies=companies, technographics=technographics, intent=intent, activities=activities,
                         map_scores=scores, opportunities=current, opportunity_versions=versions,
                         contact_versions=contacts, competitor_technologies=frozenset({"CRM-Y", "Dialer"}))


def test_training_snapshots_of_the_synthetic_market_match(inputs, as_of, horizon_days):
    dates = snapshot_dates(inputs, as_of, horizon_days)
    expected = assert_same_snapshots(dates, inputs, feature_spec(inputs, as_of))
    assert expected["snapshot_date"].nunique() == len(dates) >= 6
    assert expected["eng_activities_30d"].gt(0).mean() > 0.05 and expected["map_scored_contacts"].gt(0).any()
    assert expected["intent_weeks_surging_8"].gt(0).any() and expected["won_deals"].gt(0).any()


def test_live_snapshot_of_the_synthetic_market_matches(inputs, as_of):
    live = assert_same_snapshots([as_of], inputs, feature_spec(inputs, as_of), use_crm_customer_flag=True)
    assert len(live) == len(inputs.companies) and live["is_customer"].sum() > 0


@pytest.mark.parametrize("live", [False, True])
def test_link_cases_match(live):
    inputs = _link_world()
    assert_same_snapshots([LINK_T, CONTACTS_CREATED, date(2026, 4, 20)], inputs, feature_spec(inputs, LINK_T),
                          use_crm_customer_flag=live)


@pytest.mark.parametrize("live", [False, True])
def test_every_point_in_time_rule_of_the_hard_world_matches(live):
    inputs = hard_world()
    expected = assert_same_snapshots(HARD_DATES, inputs, feature_spec(inputs, date(2026, 4, 26)),
                                     use_crm_customer_flag=live)
    by_date = expected.set_index(["snapshot_date", "account_key"])
    if not live:
        assert "C" not in by_date.loc["2026-03-08"].index and "C" in by_date.loc["2026-03-11"].index
    first, eighth, eleventh, end_of_march, april = (by_date.loc[pd.Timestamp(t)] for t in HARD_DATES)
    assert first.loc["A", "eng_activities_30d"] == 2  # Jane's form fill (no contact yet: a.com's) and the 30-day edge
    assert first.loc["A", "eng_web_visit_decayed"] == pytest.approx(0.5 ** (56 / 30))  # the 56-day edge
    assert eighth.loc["A", "eng_email_click_decayed"] > 0 and eighth.loc["A", "eng_days_since_last_activity"] == 0
    assert eleventh.loc["B", "eng_activities_30d"] == 3  # Jane's two, her contact's by then, and Dana's download
    assert end_of_march.loc["C", "eng_activities_30d"] == 4  # Dana's download follows her contact to C
    assert first.loc["A", "map_scored_contacts"] == 2 and eleventh.loc["A", "map_scored_contacts"] == 0
    assert eighth.loc["B", "map_score_max"] == 75.0 and eleventh.loc["B", "map_score_max"] == 90.0
    assert first.loc["D", "map_score_max"] == 30.0  # Sam's preferred contact, the later of two equal stamps
    assert eleventh.loc["A", "won_deals"] == 0 and end_of_march.loc["A", "days_since_last_won"] == 24
    assert end_of_march.loc["B", "won_deals"] == 2 and april.loc["B", "won_deals"] == 1
    assert april.loc["B", "days_since_last_lost"] == 42
    assert eleventh.loc["B", "tech_count"] == 2 and end_of_march.loc["B", "tech_count"] == 1  # CRM-X gone stale
    assert first.loc["A", "competitor_products"] == "CRM (CRM-Y)"
    assert first.loc["A", "intent_weeks_surging_8"] == 3 and eighth.loc["A", "intent_weeks_surging_8"] == 2
    assert first.loc["A", "intent_top_cluster"] == "sales ai" and eighth.loc["B", "intent_top_cluster"] == "crm"


def test_an_empty_history_gives_the_companies_and_nothing_else():
    inputs = ScoringInputs(companies=pd.DataFrame({"account_key": ["A", "B"], "employees": [10, 20]}))
    frame = assert_same_snapshots([date(2026, 3, 1), date(2026, 3, 8)], inputs, feature_spec(inputs, date(2026, 3, 8)))
    assert len(frame) == 4 and frame["tech_count"].eq(0).all() and np.isnan(frame["map_score_max"]).all()


def test_the_training_frame_labels_each_sql_snapshot_as_its_pandas_snapshot(inputs, as_of, horizon_days):
    spec = feature_spec(inputs, as_of)
    dates = snapshot_dates(inputs, as_of, horizon_days)[-4:]
    expected = []
    for t in dates:
        snapshot = build_snapshot(t, inputs, spec)
        snapshot["label"] = new_opportunity_label(t, snapshot, inputs, horizon_days)
        expected.append(snapshot.reset_index())
    expected = pd.concat(expected, ignore_index=True)
    actual = training_frame(inputs, spec, dates, horizon_days)
    pd.testing.assert_frame_equal(actual, expected, check_exact=False, rtol=1e-9, atol=1e-9)
    assert expected["label"].eq(1).sum() > 50 and expected["label"].isna().sum() > 50
