"""Third-party intent: Bombora weekly Company Surge files and G2 daily buyer-intent signals.

Both vendors see only companies with a web domain, only some of the research that happens, and
report topics unrelated to the seller as well; dormant companies produce occasional noise surges.
Foreign companies research like any other; Bombora names their country in English (`Canada`,
`United Kingdom`, `Germany`) and their city as the metro area.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_world.catalog import BACKGROUND_TOPICS, G2_CATEGORIES, G2_SIGNAL_TYPES, RELEVANT_TOPICS

SIZE_BANDS = (np.array([10, 50, 200, 500, 1000, 5000, 10000]),
              np.array(["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10000+"], dtype=object))
APPEAR = np.array([0.010, 0.40, 0.55])
G2_APPEAR = np.array([0.002, 0.10, 0.30])


def size_band(employees: np.ndarray) -> np.ndarray:
    """Bombora's company size label."""
    bins, labels = SIZE_BANDS
    return labels[np.searchsorted(bins, employees, side="left")]


def _domain_owners(companies: pd.DataFrame) -> np.ndarray:
    """One company row per registered domain: subsidiaries that share a parent's domain merge into it."""
    domain = companies["domain"]
    rows = np.flatnonzero(domain.notna().to_numpy())
    first = ~domain.iloc[rows].duplicated().to_numpy()
    return rows[first]


def bombora_week(rng: np.random.Generator, companies: pd.DataFrame, state: np.ndarray, monday: pd.Timestamp,
                 with_week: bool) -> pd.DataFrame:
    """One week's surge file: in-market companies surge on relevant topics, others add noise."""
    owners = _domain_owners(companies)
    s = state[owners]
    active = owners[rng.random(len(owners)) < APPEAR[s]]
    s = state[active]
    n_relevant = np.where(s > 0, 1 + rng.binomial(3, 0.4, len(active)), (rng.random(len(active)) < 0.3).astype(int))
    n_background = np.where(s > 0, rng.binomial(2, 0.3, len(active)), 1 + rng.binomial(2, 0.4, len(active)))
    rel_rows = np.repeat(np.arange(len(active)), n_relevant)
    bg_rows = np.repeat(np.arange(len(active)), n_background)
    rel_topic = rng.integers(0, len(RELEVANT_TOPICS), len(rel_rows))
    bg_topic = len(RELEVANT_TOPICS) + rng.integers(0, len(BACKGROUND_TOPICS), len(bg_rows))
    rel_mean = np.select([s[rel_rows] == 2, s[rel_rows] == 1], [67.0, 59.0], 50.0)
    scores = np.r_[rng.normal(rel_mean, 12.0), rng.normal(52.0, 13.0, len(bg_rows))]
    rows = np.r_[rel_rows, bg_rows]
    topics = np.r_[rel_topic, bg_topic]
    frame = pd.DataFrame({"row": rows, "topic": topics, "score": np.clip(np.rint(scores), 1, 100).astype(int)})
    frame = frame.sort_values(["row", "topic", "score"]).drop_duplicates(["row", "topic"], keep="last")
    company = active[frame["row"].to_numpy()]
    topic_names = np.array([t for t, _ in RELEVANT_TOPICS + BACKGROUND_TOPICS], dtype=object)
    categories = np.array([c for _, c in RELEVANT_TOPICS + BACKGROUND_TOPICS], dtype=object)
    topic = frame["topic"].to_numpy()
    score = frame["score"].to_numpy()
    out = pd.DataFrame(
        {
            "Company Name": companies["name"].to_numpy()[company],
            "Domain": companies["domain"].to_numpy()[company],
            "Size": size_band(companies["employees"].to_numpy()[company]),
            "Industry": companies["sector_title"].to_numpy()[company],
            "Category": categories[topic],
            "Topic": topic_names[topic],
            "Composite Score": score,
            "Metro Area": companies["metro"].to_numpy()[company],
            "Metro Composite Score": np.clip(score + rng.integers(-15, 6, len(score)), 1, 100),
            "Domain Origin Country": companies["country_name"].to_numpy()[company],
        }
    )
    if with_week:
        out.insert(0, "Week", monday.strftime("%Y-%m-%d"))
    return out


def g2_week(rng: np.random.Generator, companies: pd.DataFrame, state: np.ndarray, monday: pd.Timestamp) -> pd.DataFrame:
    """A week of G2 signals: evaluating companies look at pricing, comparisons and alternatives."""
    owners = _domain_owners(companies)
    active = owners[rng.random(len(owners)) < G2_APPEAR[state[owners]]]
    per_company = 1 + rng.binomial(4, 0.35, len(active))
    company = np.repeat(active, per_company)
    s = state[company]
    n = len(company)
    late_stage = np.array([0.15, 0.25, 0.2, 0.1, 0.2, 0.1])
    early_stage = np.array([0.3, 0.05, 0.1, 0.35, 0.05, 0.15])
    signal = np.where((s == 2) & (rng.random(n) < 0.7), rng.choice(6, n, p=late_stage), rng.choice(6, n, p=early_stage))
    day = rng.integers(0, 7, n)
    frame = pd.DataFrame(
        {
            "company_domain": companies["domain"].to_numpy()[company],
            "company_name": companies["name"].to_numpy()[company],
            "category": np.asarray(G2_CATEGORIES, dtype=object)[rng.integers(0, len(G2_CATEGORIES), n)],
            "signal_type": np.asarray(G2_SIGNAL_TYPES, dtype=object)[signal],
            "date": (monday + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d"),
            "company_intent_score": np.clip(np.rint(rng.normal(35 + 20 * s, 15)), 1, 100).astype(int),
            "visitor_count": 1 + rng.poisson(0.5 + 0.8 * s),
        }
    )
    return frame.drop_duplicates(["company_domain", "category", "signal_type", "date"]).reset_index(drop=True)
