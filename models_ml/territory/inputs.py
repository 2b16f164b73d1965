"""What the territory planner reads: account and territory columns, and the plan settings.

Both tables are plain DataFrames so the pipeline can pass query results straight in. Optional
columns get neutral defaults here, once, so the rest of the package can rely on every column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

BALANCE_METRICS = ("potential", "workload", "accounts")

ACCOUNT_COLUMNS = {
    "account_key": "stable company key (required)",
    "segment": "segment name, e.g. SMB, Mid-Market, Enterprise (required)",
    "county_fips": "5-digit county FIPS; missing means the account cannot be placed on the map",
    "current_territory_id": "territory today (UNASSIGNED or null when none)",
    "potential": "expected value in USD, the default balance metric",
    "workload": "effort to cover the account (size x motion weight); defaults to 1",
    "is_customer": "customers are costlier to move",
    "has_open_opportunity": "accounts with open deals are costlier to move",
    "customer_revenue": "revenue from a customer, for the share of revenue moved",
    "locked": "Exclude_From_Realign__c or a settings lock: stays in its current territory",
    "named_territory_id": "named account / carve-out: fixed to this territory",
    "naics_sector": "2-digit NAICS sector, matched against reps' industry focus",
    "capacity_units": "how much the account fills a rep's book against max_accounts; defaults to 1 "
                      "(a pipeline may count only CRM accounts, since whitespace is not yet anyone's book)",
    "in_book": "the account is in a rep's book today (a CRM account); whitespace is not, so moving it "
               "breaks no relationship and costs `whitespace_move_weight`; defaults to true",
}

TERRITORY_COLUMNS = {
    "territory_id": "territory id (required)",
    "segment": "segment the territory serves (required)",
    "owner_user_id": "rep owning the territory",
    "area_id": "parent area in the hierarchy",
    "region_id": "region in the hierarchy; counties are kept inside their region where they were",
    "home_county_fips": "rep home county",
    "home_lat": "rep home latitude (else from home_county_fips)",
    "home_lon": "rep home longitude",
    "max_accounts": "rep capacity in accounts; null means no limit",
    "industry_focus": "list (or ';'-separated text) of 2-digit NAICS sectors the rep is strong in",
    "tenure_years": "rep tenure in years",
}

UNASSIGNED = "UNASSIGNED"


@dataclass(frozen=True)
class PlanSettings:
    """The `territory_plan` block of terrain.yaml, plus solver knobs with working defaults.

    The defaults of the block's keys are written here only: the settings schema
    (orchestration/settings.py) takes them from this class, so terrain.yaml and the planner agree.

    Named-account, vertical and mixed territories are planned account by account from their
    kind (see `groups`); account_level_segments also plans a segment's geographic territories
    account by account, when a team prefers books to maps for it. A book holds a few thousand
    accounts at most; a segment with more than `max_account_level_accounts` is a market, not a
    book, and is planned on the map whatever this says.
    """

    territories_per_segment: dict[str, int] = field(default_factory=dict)
    balance_metric: str = "potential"
    tolerance: float = 0.05
    workload_tolerance: float | None = 0.10  # a second band, on workload, when balancing potential; None: none
    disruption_weight: float = 1.0
    locks: tuple[str, ...] = ()
    account_level_segments: tuple[str, ...] = ()
    max_account_level_accounts: int = 3000
    compactness_weight: float = 0.5
    strength_weight: float = 0.1
    region_weight: float = 0.5
    whitespace_move_weight: float = 0.5
    customer_move_weight: float = 2.0
    opportunity_move_weight: float = 1.0
    capacity_overflow_weight: float = 0.5  # an account over a rep's Max_Accounts__c costs this many moved accounts
    candidate_territories: int = 6
    time_limit_seconds: float = 60.0  # per segment, a safety net: plans stop on work done (see solver)
    hard_deadline_seconds: float | None = None  # per segment solve, enforced (see deadline); None: 2 x time limit + 30 s
    mip_gap: float = 0.01
    max_repair_rounds: int = 12

    def __post_init__(self) -> None:
        if self.balance_metric not in BALANCE_METRICS:
            raise ValueError(f"territory_plan.balance_metric must be one of {BALANCE_METRICS}, got {self.balance_metric!r}")
        if not 0 < self.tolerance < 1:
            raise ValueError(f"territory_plan.tolerance must be between 0 and 1, got {self.tolerance!r}")
        if self.workload_tolerance is not None and not 0 < self.workload_tolerance < 1:
            raise ValueError(f"territory_plan.workload_tolerance must be between 0 and 1, got {self.workload_tolerance!r}")
        for name in ("disruption_weight", "whitespace_move_weight", "compactness_weight"):
            if getattr(self, name) < 0:
                raise ValueError(f"territory_plan.{name} must be >= 0, got {getattr(self, name)!r}")
        for segment, count in self.territories_per_segment.items():
            if int(count) < 1:
                raise ValueError(f"territory_plan.territories_per_segment.{segment} must be >= 1, got {count!r}")


def _bool(series: pd.Series) -> pd.Series:
    return series.astype("boolean").fillna(False).astype(bool)


def _text(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip().replace("", pd.NA)


def _require(df: pd.DataFrame, name: str, columns: list[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing required columns: {', '.join(missing)}")


def normalize_accounts(accounts: pd.DataFrame, settings: PlanSettings) -> pd.DataFrame:
    """Accounts with every ACCOUNT_COLUMNS column present and typed; settings locks applied."""
    _require(accounts, "accounts", ["account_key", "segment"])
    df = accounts.copy()
    df["account_key"] = df["account_key"].astype(str)
    if df["account_key"].duplicated().any():
        raise ValueError("accounts has duplicate account_key values")
    for col in ("county_fips", "current_territory_id", "named_territory_id", "naics_sector"):
        df[col] = _text(df[col]) if col in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    digits = df["county_fips"].str.isdigit().fillna(False).astype(bool)
    df["county_fips"] = df["county_fips"].where(~digits, df["county_fips"].str.zfill(5))
    df["segment"] = df["segment"].astype(str)
    df["current_territory_id"] = df["current_territory_id"].fillna(UNASSIGNED)
    for col, default in (("potential", 0.0), ("workload", 1.0), ("customer_revenue", 0.0), ("capacity_units", 1.0)):
        df[col] = pd.to_numeric(df[col], errors="coerce").fillna(default).clip(lower=0) if col in df.columns else default
    for col in ("is_customer", "has_open_opportunity", "locked"):
        df[col] = _bool(df[col]) if col in df.columns else False
    crm_lock = df["locked"].copy()
    df["in_book"] = _bool(df["in_book"]) if "in_book" in df.columns else True
    if settings.locks:
        df["locked"] = df["locked"] | df["account_key"].isin(set(map(str, settings.locks)))
        if "crm_account_id" in df.columns:
            df["locked"] = df["locked"] | df["crm_account_id"].astype(str).isin(set(map(str, settings.locks)))
    df["_lock_source"] = np.where(crm_lock, "crm", np.where(df["locked"], "settings", ""))
    # A query returns rows in no promised order; the plan must not depend on it.
    return df.sort_values("account_key", kind="stable").reset_index(drop=True)


def _focus(value) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ()
    items = value.split(";") if isinstance(value, str) else list(value)
    return tuple(sorted({str(v).strip()[:2] for v in items if str(v).strip()}))


def normalize_territories(territories: pd.DataFrame, counties: pd.DataFrame | None) -> pd.DataFrame:
    """Territories with every TERRITORY_COLUMNS column; rep home lat/lon filled from the county."""
    _require(territories, "territories", ["territory_id", "segment"])
    df = territories.copy()
    df["territory_id"] = df["territory_id"].astype(str)
    if df["territory_id"].duplicated().any():
        raise ValueError("territories has duplicate territory_id values")
    df["segment"] = df["segment"].astype(str)
    for col in ("owner_user_id", "area_id", "region_id", "home_county_fips"):
        df[col] = _text(df[col]) if col in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    df["home_county_fips"] = df["home_county_fips"].str.zfill(5)
    for col in ("home_lat", "home_lon", "max_accounts", "tenure_years"):
        df[col] = pd.to_numeric(df[col], errors="coerce") if col in df.columns else np.nan
    if counties is not None and len(counties):
        where = counties.set_index("fips")
        missing = df["home_lat"].isna() & df["home_county_fips"].isin(where.index)
        df.loc[missing, "home_lat"] = df.loc[missing, "home_county_fips"].map(where["lat"])
        df.loc[missing, "home_lon"] = df.loc[missing, "home_county_fips"].map(where["lon"])
    df["industry_focus"] = df["industry_focus"].map(_focus) if "industry_focus" in df.columns else [()] * len(df)
    return df.sort_values(["segment", "territory_id"], kind="stable").reset_index(drop=True)
