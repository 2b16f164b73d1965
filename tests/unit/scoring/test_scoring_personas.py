from datetime import date

import numpy as np
import pandas as pd

from models_ml.scoring.personas import (PERSONAS, classify_persona, normalise_title, persona_fit_scores,
                                        score_contacts)

LABELLED_TITLES = [
    ("Chief Executive Officer", "executive buyer"), ("CEO & Co-Founder", "executive buyer"),
    ("CRO", "executive buyer"), ("Chief Revenue Officer", "executive buyer"),
    ("VP, Sales", "executive buyer"), ("SVP Global Sales", "executive buyer"),
    ("Vice President of Marketing", "executive buyer"), ("Head of Revenue Operations", "executive buyer"),
    ("EVP, Go-To-Market", "executive buyer"), ("President", "executive buyer"),
    ("Founder", "executive buyer"), ("Managing Director", "executive buyer"),
    ("CFO", "executive buyer"), ("Chief Information Officer", "executive buyer"),
    ("General Manager, North America", "executive buyer"), ("Owner", "executive buyer"),
    ("Director of Revenue Operations", "champion"), ("Sr. Manager, Sales Operations", "champion"),
    ("RevOps Manager", "champion"), ("Marketing Operations Manager", "champion"),
    ("Director, Sales Ops", "champion"), ("Sales Enablement Lead", "champion"),
    ("Senior Director, Marketing Operations", "champion"), ("Revenue Operations Lead", "champion"),
    ("Director of Demand Generation", "champion"), ("Sales Manager", "end user"),
    ("Director of Sales Systems", "technical evaluator"), ("Regional Sales Manager", "end user"),
    ("Software Engineer", "technical evaluator"), ("Senior Solutions Architect", "technical evaluator"),
    ("IT Manager", "technical evaluator"), ("Director of IT", "technical evaluator"),
    ("Salesforce Administrator", "technical evaluator"), ("Systems Administrator", "technical evaluator"),
    ("DevOps Engineer", "technical evaluator"), ("Data Engineer", "technical evaluator"),
    ("IT Operations Specialist", "technical evaluator"), ("Network Engineer", "technical evaluator"),
    ("Information Security Analyst", "technical evaluator"), ("CRM Admin", "technical evaluator"),
    ("Enterprise Architect", "technical evaluator"), ("Platform Engineering Manager", "technical evaluator"),
    ("Account Executive", "end user"), ("Senior Account Executive", "end user"),
    ("Sales Development Representative", "end user"), ("SDR", "end user"), ("BDR", "end user"),
    ("Sales Operations Analyst", "end user"), ("Marketing Coordinator", "end user"),
    ("Marketing Specialist", "end user"), ("Customer Success Manager", "end user"),
    ("Inside Sales Rep", "end user"), ("Business Analyst", "end user"),
    ("Account Manager", "end user"), ("Sales Associate", "end user"),
    ("Office Manager", "other"), ("Paralegal", "other"), ("Registered Nurse", "other"),
    ("Teacher", "other"), ("Student", "other"), ("", "other"), (None, "other"),
    ("Warehouse Supervisor", "other"), ("Receptionist", "other"),
]


def test_rules_reach_90_percent_on_real_titles():
    predicted = [classify_persona(title) for title, _ in LABELLED_TITLES]
    accuracy = np.mean([p == truth for p, (_, truth) in zip(predicted, LABELLED_TITLES)])
    assert accuracy >= 0.9, [(t, p) for p, (t, truth) in zip(predicted, LABELLED_TITLES) if p != truth]
    assert set(predicted) == set(PERSONAS)


def test_normalisation_spells_out_abbreviations():
    assert normalise_title("Sr. Mgr, RevOps & Mktg") == "senior manager revenue operations and marketing"
    assert classify_persona("Manager", department="Information Technology") == "technical evaluator"
    assert classify_persona("Manager", department="Sales Operations") == "champion"


def test_persona_fit_is_the_lift_on_won_accounts():
    contacts = pd.DataFrame({"account_key": ["w1", "w1", "w2", "l1", "l1", "l2"],
                             "persona": ["champion", "end user", "champion", "end user", "other", "end user"]})
    fit = persona_fit_scores(contacts, pd.Index(["w1", "w2"]))
    assert fit["champion"] == 100.0
    assert fit["other"] == 0.0
    assert 0 < fit["end user"] < fit["champion"]


def test_opted_out_contacts_are_scored_but_never_ranked():
    contacts = pd.DataFrame({
        "contact_id": ["1", "2", "3", "4"], "account_key": ["A", "A", "A", "B"],
        "email": ["a@x.com", "b@x.com", "c@x.com", "d@y.com"],
        "title": ["VP Sales", "Account Executive", "IT Manager", "Paralegal"],
        "has_opted_out_of_email": [False, True, False, False]})
    activities = pd.DataFrame({
        "account_key": ["A", "A", "A", "A"], "email": ["b@x.com", "b@x.com", "c@x.com", "A@X.COM"],
        "contact_id": [pd.NA] * 4, "activity_type": ["form_fill", "webinar_attended", "unsubscribe", "web_visit"],
        "activity_ts": pd.to_datetime(["2026-03-01", "2026-02-20", "2026-02-01", "2026-02-27"])})
    scores = pd.DataFrame({"email": ["a@x.com", "a@x.com"], "source_system": ["marketo", "marketo"],
                           "score_normalized": [40.0, 90.0],
                           "scored_at": pd.to_datetime(["2026-01-01", "2026-04-01"])})
    out = score_contacts(date(2026, 3, 1), contacts, activities, scores, pd.Index(["A"])).set_index("contact_id")
    assert out.loc["2", "engagement_score"] > out.loc["1", "engagement_score"] > 0
    assert out.loc["2", "is_opted_out"] and out.loc["3", "is_opted_out"]  # CRM flag, unsubscribe
    assert pd.isna(out.loc["2", "rank_in_account"]) and pd.isna(out.loc["3", "rank_in_account"])
    assert out.loc["1", "rank_in_account"] == 1 and out.loc["4", "rank_in_account"] == 1
    assert out.loc["1", "map_score_normalized"] == 40.0  # the April score is after t
    assert out["contact_score"].between(0, 100).all()


def test_contact_table_from_the_synthetic_market(scoring_output, world):
    contacts = scoring_output.contact_priority
    truth = world["contacts"].set_index("contact_id")["persona"]
    assert (contacts.set_index("contact_id")["persona"] == truth.reindex(contacts["contact_id"])).mean() > 0.9
    ranked = contacts.dropna(subset=["rank_in_account"])
    assert not ranked["is_opted_out"].any()
    for _, group in ranked.groupby("account_key"):
        assert sorted(group["rank_in_account"]) == list(range(1, len(group) + 1))
        top = group.sort_values("rank_in_account")["contact_score"].to_numpy()
        assert (np.diff(top) <= 0).all()
