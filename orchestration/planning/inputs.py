"""The territory planner's inputs, read from the warehouse.

What a plan balances, what pins an account and which territories and reps take part are dbt
models (``intermediate.int_plan_accounts``, ``int_plan_territories``, ``int_plan_reps``), tested
and documented there; this module reads them whole. Named accounts come from their one definition,
``int_named_accounts``, through ``int_plan_accounts.named_territory_id``.
``READS`` names every table read here: the territory asset's upstream.
"""

from __future__ import annotations

import duckdb
import pandas as pd

ACCOUNTS = "intermediate.int_plan_accounts"
TERRITORIES = "intermediate.int_plan_territories"
REPS = "intermediate.int_plan_reps"
READS = (ACCOUNTS, TERRITORIES, REPS)


def load_accounts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(f"select * from {ACCOUNTS}").df()


def load_territories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Leaf territories with their rep; `industry_focus` stays the CRM's `;`-separated text,
    which the planner parses."""
    return con.execute(f"select * from {TERRITORIES}").df()


def load_reps(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(f"select * from {REPS}").df()
