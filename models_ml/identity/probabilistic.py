"""Fellegi-Sunter matching with Splink 5 for the accounts a domain cannot settle.

The model is trained without labels: u probabilities from random pairs, m probabilities by
expectation maximisation on two blocks (same ZIP and house number, same name), and a
term-frequency adjustment on exact names, so that two ``Zyntra`` records count for more than two
``First National`` ones. Three comparisons: the name (as words, with typo levels), the location
(ZIP, house number, city, state as one ladder) and the domain when both records have one.

Both sources go into one table and Splink deduplicates it, so a single model scores CRM-to-vendor
pairs and CRM-to-CRM pairs (duplicates in the CRM). Vendor-to-vendor pairs are excluded in every
blocking rule: vendor companies are distinct by definition. Ids are prefixed ``c:``/``v:`` so a
CRM record always sorts left of a vendor record, which lets ``l.record_source = 'crm'`` filter
before the join and keeps blocking near-linear in the CRM size.
"""

from __future__ import annotations

import logging

import duckdb
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.exceptions import EMTrainingException

logger = logging.getLogger(__name__)

SPLINK_METHOD = "splink"

_CRM_LEFT = "l.record_source = 'crm'"

# Every rule joins a CRM record to records that share a narrow key, never a bare ZIP: a dense
# business ZIP holds thousands of companies, and scoring all their pairs would dominate the run.
PREDICTION_BLOCKS: tuple[str, ...] = (
    f"{_CRM_LEFT} and l.domain = r.domain",
    f"{_CRM_LEFT} and l.zip5 = r.zip5 and l.street_number = r.street_number",
    f"{_CRM_LEFT} and l.zip5 = r.zip5 and left(l.name_norm, 2) = left(r.name_norm, 2)",
    f"{_CRM_LEFT} and l.name_first_token = r.name_first_token and l.zip3 = r.zip3",
    f"{_CRM_LEFT} and l.name_norm = r.name_norm and l.state = r.state",
)
TRAINING_BLOCKS: tuple[str, ...] = (
    f"{_CRM_LEFT} and l.zip5 = r.zip5 and l.street_number = r.street_number",
    f"{_CRM_LEFT} and l.name_norm = r.name_norm",
)

_COLUMNS = (
    "unique_id", "record_source", "name_norm", "name_tokens", "name_first_token", "domain",
    "zip5", "zip3", "city", "state", "street_number",
)


def _fixed(column: str, m_exact: float, u_exact: float) -> cl.CustomComparison:
    """An exact-match comparison whose m probabilities are set, not trained.

    Among true matches a different domain is rare and, in a clean block, never seen:
    EM then drives the "different" m probability to exactly 0, which Splink 5 rejects. The share
    of true matches that disagree is a known business fact (a second website), so it
    is fixed. Its u probability is counted exactly (see ``rare_agreement_u``).
    """
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(m_probability=m_exact, fix_m_probability=True,
                                                  u_probability=u_exact, fix_u_probability=True),
            cll.ElseLevel().configure(m_probability=1 - m_exact, fix_m_probability=True,
                                      u_probability=1 - u_exact, fix_u_probability=True),
        ],
    )


_TOKEN_JACCARD = (
    "len(list_intersect(name_tokens_l, name_tokens_r))"
    " / len(list_distinct(list_concat(name_tokens_l, name_tokens_r)))"
)


def _name() -> cl.CustomComparison:
    """Company names compared as words, not as prefixes: Jaro-Winkler rewards a shared first
    word, and ``Hooli Dental`` is not ``Hooli Dynamics``. Typos and dropped words get their own
    levels; exact names carry a term-frequency adjustment (a common name proves less)."""
    return cl.CustomComparison(
        output_column_name="name_norm",
        comparison_levels=[
            cll.NullLevel("name_norm"),
            cll.ExactMatchLevel("name_norm", term_frequency_adjustments=True)
            .configure(m_probability=0.55),
            cll.CustomLevel(
                "abs(length(name_norm_l) - length(name_norm_r)) <= 2 "
                "and least(length(name_norm_l), length(name_norm_r)) >= 6 "
                "and damerau_levenshtein(name_norm_l, name_norm_r) <= 2",
                label_for_charts="name typo",
            ).configure(m_probability=0.15),
            cll.CustomLevel(f"{_TOKEN_JACCARD} >= 0.66", label_for_charts="most words shared")
            .configure(m_probability=0.12),
            cll.CustomLevel(f"{_TOKEN_JACCARD} >= 0.5", label_for_charts="half the words shared")
            .configure(m_probability=0.08),
            cll.CustomLevel("jaro_winkler_similarity(name_norm_l, name_norm_r) >= 0.92",
                            label_for_charts="similar spelling").configure(m_probability=0.05),
            cll.ElseLevel().configure(m_probability=0.05),
        ],
    )


def _location(u_zip_house: float, u_zip: float) -> cl.CustomComparison:
    """Where the company sits, as one comparison: ZIP, city and state are not independent
    evidence, and counting them separately would triple the weight of one address."""
    return cl.CustomComparison(
        output_column_name="location",
        comparison_levels=[
            cll.CustomLevel("(zip5_l is null or zip5_r is null) and (city_l is null or city_r is null)",
                            label_for_charts="no address").configure(is_null_level=True),
            cll.CustomLevel("zip5_l = zip5_r and street_number_l = street_number_r",
                            label_for_charts="same ZIP and house number")
            .configure(m_probability=0.7, u_probability=u_zip_house, fix_u_probability=True),
            cll.CustomLevel("zip5_l = zip5_r", label_for_charts="same ZIP")
            .configure(m_probability=0.15, u_probability=u_zip, fix_u_probability=True),
            cll.CustomLevel("city_l = city_r and state_l = state_r", label_for_charts="same city")
            .configure(m_probability=0.06),
            cll.CustomLevel("zip3_l = zip3_r", label_for_charts="same ZIP area")
            .configure(m_probability=0.04),
            cll.CustomLevel("state_l = state_r", label_for_charts="same state")
            .configure(m_probability=0.03),
            cll.ElseLevel().configure(m_probability=0.02),
        ],
    )


def _comparisons(rare_u: dict[str, float]) -> list:
    """The evidence, with prior m probabilities (share of true matches at each level).

    The priors are what a revenue-operations analyst would guess; EM refines the trainable
    ones. When a training block is degenerate anyway, the prior is kept (see ``scored_pairs``).
    """
    return [
        _name(),
        _location(rare_u["zip_house"], rare_u["zip"]),
        _fixed("domain", 0.95, rare_u["domain"]),
    ]


def rare_agreement_u(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Exact chance that two random records agree on a domain, a ZIP, a ZIP and house number.

    Random sampling cannot estimate these: two random companies share a domain about once in a
    million pairs, so a sample of a million pairs sees none, and Splink then caps the level's
    weight at 2^10, far below what a shared domain or street address is worth. Counting
    ``sum(n * (n - 1))`` over each value's records gives the exact share of agreeing pairs.
    """
    sql = """
        with counts as (
            select count(*) as n from identity_splink_input
            where {condition} group by {key}
        )
        select coalesce(sum(n * (n - 1)), 0) from counts
    """
    total = con.execute("select count(*) from identity_splink_input").fetchall()[0][0]
    pairs = max(total * (total - 1), 1)
    floor = 1 / pairs

    def share(key: str) -> float:
        condition = " and ".join(f"{column} is not null" for column in key.split(", "))
        agreeing = con.execute(sql.format(condition=condition, key=key)).fetchall()[0][0]
        return max(float(agreeing) / pairs, floor)

    zip_house = share("zip5, street_number")
    return {
        "zip_house": zip_house,
        "zip": max(share("zip5") - zip_house, floor),
        "domain": share("domain"),
    }


def _prior(con: duckdb.DuckDBPyConnection) -> float:
    """Chance that two random records are one company: about one match per CRM account."""
    crm, total = con.execute(
        "select count(*) filter (where record_source = 'crm'), count(*) from identity_records"
    ).fetchall()[0]
    pairs = total * (total - 1) / 2
    return min(0.5, max(crm, 1) / pairs) if pairs else 0.5


def scored_pairs(
    con: duckdb.DuckDBPyConnection,
    match_threshold: float,
    seed: int = 7,
    max_training_pairs: float = 8e5,
) -> pd.DataFrame:
    """Score CRM-vendor and CRM-CRM pairs from ``identity_records`` at or above the threshold.

    Returns columns left_unique_id (always a CRM record), right_unique_id, match_probability,
    match_method. Splink works on ``con`` (its work tables are prefixed ``__splink__``), so
    ``con`` should be a scratch connection, not the warehouse.
    """
    con.execute(
        f"create or replace table identity_splink_input as select {', '.join(_COLUMNS)} "
        "from identity_records"
    )
    if con.execute("select count(*) from identity_splink_input").fetchall()[0][0] < 2:
        return _empty_pairs()
    db_api = DuckDBAPI(con.cursor())
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=_comparisons(rare_agreement_u(con)),
        blocking_rules_to_generate_predictions=list(PREDICTION_BLOCKS),
        probability_two_random_records_match=_prior(con),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
    )
    linker = Linker(db_api.register("identity_splink_input"),
                    settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_training_pairs, seed=seed)
    for block in TRAINING_BLOCKS:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block, max_pairs=max_training_pairs
            )
        except (ValueError, EMTrainingException) as degenerate:
            logger.warning("EM on block %r kept its prior m probabilities: %s", block, degenerate)
    predictions = linker.inference.predict(
        threshold_match_probability=match_threshold, warning_mode="never"
    )
    pairs = con.execute(
        f"""
        select unique_id_l as left_unique_id, unique_id_r as right_unique_id,
               match_probability, '{SPLINK_METHOD}' as match_method
        from {predictions.physical_name}
        order by left_unique_id, right_unique_id
        """
    ).df()
    predictions.drop_table_from_database_and_remove_from_cache()
    return pairs


def _empty_pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {"left_unique_id": pd.Series(dtype="object"), "right_unique_id": pd.Series(dtype="object"),
         "match_probability": pd.Series(dtype="float64"),
         "match_method": pd.Series(dtype="object")}
    )
