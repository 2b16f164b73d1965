"""The hidden buying cycle that every observable signal is a noisy shadow of.

Each company moves weekly between three states: dormant (0), researching (1) and evaluating (2).
Good-fit companies start researching more often; evaluating companies create opportunities most
often. Intent, engagement and opportunities are drawn from these states, so the signals carry real
but imperfect information, and the generator knows each company's exact chance of a new
opportunity in the horizon (the oracle propensity).

The simulation also keeps a ledger of every relationship change (a won new logo makes a customer,
a lost renewal a former customer) and each company's standing when the two years began, so the
CRM can show an account's `Type` as it was at any past date, not only today's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sample_world.catalog import PRODUCTS, SECTOR_FIT

PROSPECT, CUSTOMER, FORMER_CUSTOMER, PARTNER = 0, 1, 2, 3
NEW_BUSINESS, EXISTING_BUSINESS, RENEWAL = 0, 1, 2

RESEARCH_TO_EVALUATE = 0.20
RESEARCH_TO_DORMANT = 0.08
EVALUATE_TO_DORMANT = 0.10
OPPORTUNITY_HAZARD_RESEARCH = 0.03
OPPORTUNITY_HAZARD_EVALUATE = 0.16
WHITESPACE_COVERAGE = 0.12
"""A company outside the CRM reaches sales (inbound or outbound) at about an eighth of the rate."""
RENEWAL_LEAD_WEEKS = 10
BURN_IN_WEEKS = 40


@dataclass(frozen=True)
class CycleParameters:
    """Per-company constants of the latent process."""

    fit: np.ndarray
    entry_base: np.ndarray
    dormant_hazard: np.ndarray
    competitor: np.ndarray


@dataclass
class History:
    """What the simulated two years left behind, as of the scoring date."""

    weeks: int
    recent_states: np.ndarray
    state_at_as_of: np.ndarray
    status: np.ndarray
    in_crm: np.ndarray
    crm_joined_week: np.ndarray
    owned: np.ndarray
    open_until: np.ndarray
    opportunities: pd.DataFrame
    params: CycleParameters
    initial_status: np.ndarray | None = None
    status_changes: pd.DataFrame | None = None
    extras: dict = field(default_factory=dict)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def size_fit(employees: np.ndarray) -> np.ndarray:
    """Mid-sized sales organisations need revenue tooling most; micro businesses hardly at all."""
    bins = np.array([20, 50, 200, 1000, 5000])
    effect = np.array([-1.3, -0.5, 0.0, 0.55, 0.45, 0.2])
    return effect[np.searchsorted(bins, employees, side="right")]


def cycle_parameters(rng: np.random.Generator, companies: pd.DataFrame, roles: dict[str, np.ndarray]) -> CycleParameters:
    """Latent fit from size, industry and installed stack, plus an unobserved company effect."""
    n = len(companies)
    fit = (
        size_fit(companies["employees"].to_numpy())
        + companies["sector"].map(SECTOR_FIT).to_numpy()
        + 0.5 * roles["crm_salesforce"]
        + 0.45 * roles["sales_engagement"]
        + 0.3 * roles["competitor"]
        + 0.2 * roles["data_vendor"]
        + rng.normal(0.0, 0.5, n)
    )
    entry = -4.9 + 0.9 * fit
    dormant = 0.0022 * np.exp(0.4 * fit)
    return CycleParameters(fit=fit, entry_base=entry, dormant_hazard=dormant, competitor=roles["competitor"].copy())


def entry_probability(params: CycleParameters, status: np.ndarray) -> np.ndarray:
    """Weekly chance a dormant company starts researching; customers look to expand."""
    bonus = np.select([status == CUSTOMER, status == FORMER_CUSTOMER], [0.35, 0.2], 0.0)
    return _sigmoid(params.entry_base + bonus)


def opportunity_hazards(params: CycleParameters, in_crm: np.ndarray, status: np.ndarray) -> np.ndarray:
    """(n, 3) weekly chance of a new opportunity in each state, scaled by sales coverage."""
    coverage = np.where(in_crm, 1.0, WHITESPACE_COVERAGE) * np.where(status == PARTNER, 0.2, 1.0)
    hazards = np.column_stack(
        [
            params.dormant_hazard,
            np.full(len(coverage), OPPORTUNITY_HAZARD_RESEARCH),
            np.full(len(coverage), OPPORTUNITY_HAZARD_EVALUATE),
        ]
    )
    return hazards * coverage[:, None]


def transition(rng: np.random.Generator, state: np.ndarray, entry: np.ndarray) -> np.ndarray:
    """One week of the Markov chain."""
    draw = rng.random(len(state))
    new = state.copy()
    new[(state == 0) & (draw < entry)] = 1
    new[(state == 1) & (draw < RESEARCH_TO_EVALUATE)] = 2
    new[(state == 1) & (draw >= RESEARCH_TO_EVALUATE) & (draw < RESEARCH_TO_EVALUATE + RESEARCH_TO_DORMANT)] = 0
    new[(state == 2) & (draw < EVALUATE_TO_DORMANT)] = 0
    return new


def initial_relationships(rng: np.random.Generator, companies: pd.DataFrame, fit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(in_crm, status) two years ago: the sales team already works the larger, better-fit firms."""
    n = len(companies)
    log_emp = np.log10(companies["employees"].to_numpy())
    in_crm = rng.random(n) < _sigmoid(-3.9 + 0.7 * fit + 0.6 * log_emp)
    in_crm |= ~companies["in_vendor"].to_numpy()
    status = np.full(n, PROSPECT, dtype=np.int8)
    draw = rng.random(n)
    customer_p = _sigmoid(-2.2 + 0.6 * fit)
    status[in_crm & (draw < customer_p)] = CUSTOMER
    status[in_crm & (draw >= customer_p) & (draw < customer_p + 0.06)] = FORMER_CUSTOMER
    status[in_crm & (draw > 0.99)] = PARTNER
    return in_crm, status


def _choose_product(rng: np.random.Generator, owned: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """New logos mostly start with the entry product; customers add one they do not own yet."""
    n = len(owned)
    entry_mix = np.array([0.5, 0.2, 0.2, 0.1])
    first = rng.choice(len(PRODUCTS), size=n, p=entry_mix)
    bits = (owned[:, None] >> np.arange(len(PRODUCTS))) & 1
    priority = rng.random((n, len(PRODUCTS))) + bits * 2.0
    cross_sell = np.argmin(priority, axis=1)
    return np.where(kind == EXISTING_BUSINESS, cross_sell, first).astype(np.int8)


def simulate_history(rng: np.random.Generator, companies: pd.DataFrame, params: CycleParameters, weeks: int, recent_weeks: int) -> History:
    """Run the chain through a burn-in and `weeks` weeks of history ending in the as-of week."""
    n = len(companies)
    in_crm, status = initial_relationships(rng, companies, params.fit)
    initial_status = status.copy()
    changes = []
    crm_joined = np.where(in_crm, -1, np.iinfo(np.int32).max).astype(np.int32)
    owned = np.zeros(n, dtype=np.uint8)
    customers = status == CUSTOMER
    owned[customers] = 1 | (rng.integers(0, 16, customers.sum()) & rng.integers(0, 16, customers.sum())).astype(np.uint8)
    anniversary = rng.integers(0, 52, n).astype(np.int16)
    customer_since = np.full(n, -1000, dtype=np.int32)
    open_until = np.full(n, -1, dtype=np.int32)
    pending_won = np.zeros(n, dtype=bool)
    pending_new = np.zeros(n, dtype=bool)
    pending_product = np.zeros(n, dtype=np.int8)
    state = np.zeros(n, dtype=np.int8)
    recent = np.zeros((recent_weeks, n), dtype=np.int8)
    win_logit = -0.6 + 0.5 * params.fit - 0.5 * params.competitor
    segment_cycle = companies["segment"].map({"SMB": 4.0, "Mid-Market": 8.0, "Enterprise": 13.0}).to_numpy()
    log = []

    for week in range(-BURN_IN_WEEKS, weeks):
        if week >= weeks - recent_weeks:
            recent[week - (weeks - recent_weeks)] = state
        coverage = np.where(in_crm, 1.0, WHITESPACE_COVERAGE) * np.where(status == PARTNER, 0.2, 1.0)
        hazard = np.where(state == 0, params.dormant_hazard,
                          np.where(state == 1, OPPORTUNITY_HAZARD_RESEARCH, OPPORTUNITY_HAZARD_EVALUATE))
        hazard = np.where(open_until > week, 0.0, hazard * coverage)
        event = rng.random(n) < hazard
        if week >= 0 and event.any():
            rows = np.flatnonzero(event)
            kind = np.where(status[rows] == CUSTOMER, EXISTING_BUSINESS, NEW_BUSINESS).astype(np.int8)
            product = _choose_product(rng, owned[rows], kind)
            length = 2 + rng.geometric(1.0 / segment_cycle[rows])
            won = rng.random(len(rows)) < _sigmoid(win_logit[rows] + 0.4 * (kind == EXISTING_BUSINESS))
            joined_now = ~in_crm[rows]
            crm_joined[rows[joined_now]] = week
            in_crm[rows] = True
            open_until[rows] = week + length
            pending_won[rows], pending_new[rows], pending_product[rows] = won, kind == NEW_BUSINESS, product
            log.append(pd.DataFrame({"company_idx": rows, "created_week": week, "close_week": week + length,
                                     "kind": kind, "won": won, "product": product}))
        state[event] = 0
        state = transition(rng, state, entry_probability(params, status))
        if week < 0:
            continue
        closing = np.flatnonzero((open_until == week) & pending_won)
        bits = (np.uint8(1) << pending_product[closing].astype(np.uint8)).astype(np.uint8)
        owned[closing] |= bits
        new_logo = closing[pending_new[closing]]
        status[new_logo] = CUSTOMER
        changes.append(pd.DataFrame({"company_idx": new_logo, "week": week, "status": CUSTOMER}))
        anniversary[new_logo] = week % 52
        customer_since[new_logo] = week
        due = np.flatnonzero((status == CUSTOMER) & (anniversary == week % 52) & (customer_since < week - RENEWAL_LEAD_WEEKS))
        if len(due):
            renewed = rng.random(len(due)) < _sigmoid(2.0 + 0.4 * params.fit[due] - 0.7 * params.competitor[due])
            status[due[~renewed]] = FORMER_CUSTOMER
            changes.append(pd.DataFrame({"company_idx": due[~renewed], "week": week, "status": FORMER_CUSTOMER}))
            owned[due[~renewed]] = 0
            log.append(pd.DataFrame({"company_idx": due, "created_week": week - RENEWAL_LEAD_WEEKS, "close_week": week,
                                     "kind": RENEWAL, "won": renewed, "product": _lowest_product(owned[due] | 1)}))

    upcoming = np.flatnonzero((status == CUSTOMER) & (((anniversary - weeks) % 52) < RENEWAL_LEAD_WEEKS))
    close = weeks + (anniversary[upcoming] - weeks) % 52
    log.append(pd.DataFrame({"company_idx": upcoming, "created_week": close - RENEWAL_LEAD_WEEKS, "close_week": close,
                             "kind": RENEWAL, "won": rng.random(len(upcoming)) < 0.85,
                             "product": _lowest_product(owned[upcoming])}))
    opportunities = pd.concat(log, ignore_index=True)
    opportunities = opportunities.loc[opportunities["created_week"] < weeks].reset_index(drop=True)
    return History(weeks=weeks, recent_states=recent, state_at_as_of=state, status=status, in_crm=in_crm,
                   crm_joined_week=crm_joined, owned=owned, open_until=open_until, opportunities=opportunities,
                   params=params, initial_status=initial_status,
                   status_changes=pd.concat(changes, ignore_index=True).astype(
                       {"company_idx": np.int64, "week": np.int32, "status": np.int8}))


def _lowest_product(owned: np.ndarray) -> np.ndarray:
    """The first product a customer owns: the one its renewal is booked under."""
    bits = (owned[:, None] >> np.arange(len(PRODUCTS))) & 1
    return np.argmax(bits, axis=1).astype(np.int8)


def horizon_fractions(horizon_days: int) -> np.ndarray:
    """Share of each future week (Monday after as_of onwards) that lies inside the horizon."""
    weeks = int(np.ceil(horizon_days / 7))
    return np.clip((horizon_days - 7 * np.arange(weeks)) / 7.0, 0.0, 1.0)


def oracle_propensity(history: History, horizon_days: int) -> np.ndarray:
    """Exact chance of a new opportunity in the horizon given the hidden state at as_of."""
    params, n = history.params, len(history.state_at_as_of)
    prob = np.zeros((n, 3))
    prob[np.arange(n), history.state_at_as_of] = 1.0
    hazards = opportunity_hazards(params, history.in_crm, history.status)
    entry = entry_probability(params, history.status)
    chance = np.zeros(n)
    for offset, fraction in enumerate(horizon_fractions(horizon_days)):
        open_now = (history.open_until <= history.weeks + offset)[:, None]
        q = hazards * fraction * open_now
        chance += (prob * q).sum(axis=1)
        alive = prob * (1.0 - q)
        prob = np.column_stack(
            [
                alive[:, 0] * (1 - entry) + alive[:, 1] * RESEARCH_TO_DORMANT + alive[:, 2] * EVALUATE_TO_DORMANT,
                alive[:, 0] * entry + alive[:, 1] * (1 - RESEARCH_TO_EVALUATE - RESEARCH_TO_DORMANT),
                alive[:, 1] * RESEARCH_TO_EVALUATE + alive[:, 2] * (1 - EVALUATE_TO_DORMANT),
            ]
        )
    return chance


def simulate_outcomes(rng: np.random.Generator, history: History, horizon_days: int) -> np.ndarray:
    """Draw the future: 1 where a new opportunity is created within the horizon."""
    params, n = history.params, len(history.state_at_as_of)
    state = history.state_at_as_of.copy()
    hazards = opportunity_hazards(params, history.in_crm, history.status)
    entry = entry_probability(params, history.status)
    happened = np.zeros(n, dtype=bool)
    for offset, fraction in enumerate(horizon_fractions(horizon_days)):
        open_now = history.open_until <= history.weeks + offset
        q = hazards[np.arange(n), state] * fraction * open_now
        happened |= (rng.random(n) < q)
        state = transition(rng, state, entry)
    return happened
