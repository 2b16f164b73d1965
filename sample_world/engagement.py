"""Marketing-automation activity and lead scores for CRM contacts, in each tool's own dialect.

Contacts at companies that are researching or evaluating open, click, visit and download more;
champions and evaluators engage most. Each tool scores on its own scale (Pardot adds a grade, Eloqua
gives a rating such as `B2` instead of a number), so scores have to be normalised before they can be
compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_world import lead_rating
from sample_world.catalog import ACTIVITY_TYPES, MAP_SYSTEM_SHARE, MAP_SYSTEMS

PERSONA_ENGAGEMENT = {"executive buyer": 0.6, "technical evaluator": 1.3, "champion": 1.6, "end user": 0.9, "other": 0.4}
STATE_RATE = np.array([0.05, 0.35, 0.7])
DORMANT_MIX = np.array([0.70, 0.14, 0.10, 0.02, 0.01, 0.03])
IN_MARKET_MIX = np.array([0.33, 0.18, 0.26, 0.08, 0.06, 0.09])
ACTIVITY_WEIGHT = np.array([1.0, 3.0, 2.0, 8.0, 6.0, 5.0])
TIMESTAMP_FORMATS = {"marketo": "%Y-%m-%dT%H:%M:%SZ", "pardot": "%Y-%m-%d %H:%M:%S",
                     "eloqua": "%Y-%m-%dT%H:%M:%S.000+00:00", "hubspot": "%Y-%m-%dT%H:%M:%S.000Z"}
CAMPAIGNS = np.array(["Q3 Forecasting Webinar", "RevOps Benchmark Report", "Territory Planning Guide", "Monthly Newsletter",
                      "Pipeline Health Checklist", "Product Update", "Customer Story: Scaling Sales", "Event Follow-up"], dtype=object)
GRADES = np.array(["F", "D", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"], dtype=object)
PERSONA_GRADE = {"executive buyer": 8.5, "technical evaluator": 7.0, "champion": 8.0, "end user": 5.0, "other": 2.0}


def map_audience(rng: np.random.Generator, contacts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(contact rows known to a marketing tool, the tool of each): one tool per account."""
    accounts = contacts["AccountId"].astype("category").cat.codes.to_numpy()
    system_of_account = rng.choice(len(MAP_SYSTEMS), size=accounts.max() + 1, p=MAP_SYSTEM_SHARE)
    known = contacts["Email"].notna().to_numpy() & (rng.random(len(contacts)) < 0.85)
    rows = np.flatnonzero(known)
    return rows, system_of_account[accounts[rows]]


def simulate_activity(rng: np.random.Generator, contacts: pd.DataFrame, contact_company: np.ndarray, rows: np.ndarray,
                      systems: np.ndarray, recent_states: np.ndarray, mondays: list[pd.Timestamp]) -> tuple[pd.DataFrame, np.ndarray]:
    """(activity log over the recent weeks, decayed engagement per audience row at as_of).

    The log also names each activity's contact row and kind (-1 for an unsubscribe), which say when
    a person first raised a hand and when they opted out."""
    persona = contacts["persona"].to_numpy()[rows]
    factor = pd.Series(persona).map(PERSONA_ENGAGEMENT).to_numpy()
    opted_out = contacts["HasOptedOutOfEmail"].to_numpy()[rows] == "true"
    company = contact_company[rows]
    engagement = np.zeros(len(rows))
    parts = []
    for week, monday in enumerate(mondays):
        state = recent_states[week][company]
        rate = STATE_RATE[state] * factor * np.where(opted_out, 0.2, 1.0)
        count = rng.poisson(rate)
        who = np.repeat(np.arange(len(rows)), count)
        in_market = state[who] > 0
        kind = np.where(in_market, rng.choice(6, len(who), p=IN_MARKET_MIX), rng.choice(6, len(who), p=DORMANT_MIX))
        kind = np.where(opted_out[who] & (kind <= 1), 2, kind)
        engagement = engagement * 0.85 + np.bincount(who, weights=ACTIVITY_WEIGHT[kind], minlength=len(rows))
        seconds = rng.integers(0, 7 * 86400, len(who))
        parts.append(pd.DataFrame({"who": who, "kind": kind, "ts": monday + pd.to_timedelta(seconds, unit="s")}))
    log = pd.concat(parts, ignore_index=True)
    unsubscribed = np.flatnonzero(opted_out)
    log = pd.concat([log, pd.DataFrame({"who": unsubscribed, "kind": -1,
                                        "ts": mondays[0] + pd.to_timedelta(rng.integers(0, 86400 * 7 * len(mondays), len(unsubscribed)), unit="s")})],
                    ignore_index=True)
    email = contacts["Email"].to_numpy()[rows][log["who"].to_numpy()]
    shout = rng.random(len(log)) < 0.04
    email = np.where(shout, pd.Series(email).str.upper().to_numpy(), email)
    activity_names = np.asarray(ACTIVITY_TYPES + ("unsubscribe",), dtype=object)
    activities = pd.DataFrame(
        {
            "email": email,
            "activity_type": activity_names[log["kind"].to_numpy()],
            "ts": log["ts"].to_numpy(),
            "campaign": np.where(log["kind"].to_numpy() == 2, None, CAMPAIGNS[rng.integers(0, len(CAMPAIGNS), len(log))]),
            "source_system": np.asarray(MAP_SYSTEMS, dtype=object)[systems[log["who"].to_numpy()]],
            "contact_row": rows[log["who"].to_numpy()],
            "kind": log["kind"].to_numpy(),
        }
    ).sort_values(["ts", "email"], kind="stable").reset_index(drop=True)
    return activities, engagement


def format_activities(activities: pd.DataFrame, system: str) -> pd.DataFrame:
    """One tool's activity export with its own timestamp style."""
    part = activities.loc[activities["source_system"] == system]
    return pd.DataFrame({"email": part["email"].to_numpy(), "activity_type": part["activity_type"].to_numpy(),
                         "activity_ts": pd.DatetimeIndex(part["ts"]).strftime(TIMESTAMP_FORMATS[system]),
                         "campaign": part["campaign"].to_numpy(), "source_system": system})


def lead_scores(rng: np.random.Generator, contacts: pd.DataFrame, rows: np.ndarray, systems: np.ndarray,
                engagement: np.ndarray, company_fit: np.ndarray, scored_at: pd.Timestamp) -> pd.DataFrame:
    """Each tool's score on its own scale: Pardot also grades profile fit A+ to F; Eloqua's score is its
    rating `A1` .. `D4` (profile letter from role and company fit, engagement digit, see `lead_rating`)."""
    persona = contacts["persona"].to_numpy()[rows]
    name = np.asarray(MAP_SYSTEMS, dtype=object)[systems]
    noise = rng.normal(0, 1, len(rows))
    number = np.select(
        [name == "marketo", name == "pardot"],
        [np.rint(8 * engagement + 15 * noise + 20), np.rint(20 * engagement + 30 * noise + 50)],
        np.rint(np.minimum(100, 7 * engagement + 10 * noise + 10)),
    )
    number = np.maximum(number, 0)
    grade_value = pd.Series(persona).map(PERSONA_GRADE).to_numpy() + rng.normal(0, 1.5, len(rows))
    grade = np.where(name == "pardot", GRADES[np.clip(np.rint(grade_value), 0, 10).astype(int)], None)
    eloqua = np.flatnonzero(name == "eloqua")
    ratings = lead_rating.rating(lead_rating.profile_share(persona[eloqua], company_fit[eloqua], noise[eloqua]),
                                 lead_rating.engagement_share(engagement[eloqua]))
    score = number.astype(object)
    score[eloqua] = lead_rating.as_exported(rng, ratings)
    return pd.DataFrame({"email": contacts["Email"].to_numpy()[rows], "source_system": name, "score": score,
                         "grade": grade, "scored_at": scored_at.strftime("%Y-%m-%dT%H:%M:%SZ")})
