"""Eloqua scores are lead-scoring ratings `A1` .. `D4`: the letter follows profile fit, the digit engagement."""

from __future__ import annotations

import pandas as pd
import pytest
from sample_world_helpers import current_records

RATING = r"^\s*[A-Da-d][1-4]\s*$"
LETTER_RANK = {"A": 3, "B": 2, "C": 1, "D": 0}
BUYING_ROLES = ("executive buyer", "champion", "technical evaluator")


def _one(folder, pattern: str):
    [path] = sorted(folder.glob(pattern))
    return path


@pytest.fixture(scope="module")
def eloqua(world) -> pd.DataFrame:
    """Each Eloqua-scored contact with its rating, buying role, company fit and Eloqua activity count."""
    out, _ = world
    scores = pd.read_csv(_one(out, "map/scores/eloqua_scores_*.csv"), dtype=str, keep_default_na=False)
    contacts = current_records(out / "crm/contacts")
    personas = pd.read_csv(out / "_truth/personas.csv", dtype=str)
    fit = pd.read_csv(out / "_truth/buying_stage.csv", dtype={"CRM_Id": str}, usecols=["CRM_Id", "fit"]).dropna()
    activities = pd.read_csv(_one(out, "map/activities/eloqua_activities_*.csv.gz"), dtype=str)
    rating = scores["score"].str.strip().str.upper()
    frame = (scores.assign(letter=rating.str[0], digit=rating.str[1])
             .merge(contacts[["Email", "Id", "AccountId"]], left_on="email", right_on="Email", how="left")
             .merge(personas, on="Id", how="left")
             .merge(fit, left_on="AccountId", right_on="CRM_Id", how="left"))
    per_email = activities["email"].str.lower().value_counts()
    return frame.assign(rank=frame["letter"].map(LETTER_RANK), buying_role=frame["persona"].isin(BUYING_ROLES),
                        activity_count=frame["email"].str.lower().map(per_email).fillna(0))


def test_every_eloqua_score_is_a_rating_with_no_grade(world):
    out, _ = world
    paths = sorted(out.glob("map/scores/eloqua_scores_*"))
    assert paths
    for path in paths:
        scores = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert len(scores) > 500
        assert scores["score"].str.fullmatch(RATING).all(), scores.loc[~scores["score"].str.fullmatch(RATING), "score"].head()
        assert (scores["grade"] == "").all()
        assert (scores["source_system"] == "eloqua").all()


def test_ratings_use_the_whole_scale_and_arrive_as_exports_do(eloqua):
    assert set(eloqua["letter"]) == set("ABCD")
    assert set(eloqua["digit"]) == set("1234")
    assert eloqua["digit"].value_counts().idxmax() == "4"
    assert (eloqua["letter"] == "A").mean() < (eloqua["letter"].isin(["C", "D"])).mean()
    raw = eloqua["score"]
    assert raw.str.contains("[a-d]").any()
    assert (raw != raw.str.strip()).any()
    assert (raw == raw.str.strip().str.upper()).mean() > 0.85


def test_better_fitting_contacts_get_better_letters(eloqua):
    """Buying roles beat other roles at equally fitting companies, and better-fitting companies beat worse
    ones within each role group: a letter drawn at random would show neither gap."""
    known = eloqua.dropna(subset=["fit", "persona"])
    assert len(known) > 0.95 * len(eloqua)
    better_company = known["fit"] > known["fit"].median()
    mean_rank = known.groupby([known["buying_role"], better_company])["rank"].mean()
    for better in (False, True):
        assert mean_rank[(True, better)] - mean_rank[(False, better)] > 0.3
    for role in (False, True):
        assert mean_rank[(role, True)] - mean_rank[(role, False)] > 0.3
    by_letter = known.groupby("letter")["fit"].mean()
    assert list(by_letter.sort_values(ascending=False).index) == list("ABCD")


def test_more_engaged_contacts_get_better_digits(eloqua):
    activity_by_digit = eloqua.groupby("digit")["activity_count"].mean()
    assert list(activity_by_digit.sort_values(ascending=False).index) == list("1234")
