"""People marketing knows at companies sales has not reached: leads, and what they do before an account exists.

A marketing database is not a copy of the CRM. It holds newsletter sign-ups, webinar guests and
downloaders at many companies that have no account yet, and whether it knows anyone at a company
has nothing to do with whether that company will buy. So marketing reaches the same share of the
companies outside the CRM whether or not they later join it with a deal:

- a company that is still outside the CRM on the scoring date and is reached has leads: people
  drawn like the contacts of an account of its size, active as its buying cycle drives them;
- a company that joined the CRM during the history with its first deal keeps the marketing
  activity its people had before the account existed only when it was reached; when it was not,
  marketing met its people when sales did.

Without this, every company outside the CRM with any marketing activity would be one that later
opened an opportunity: a backtest would learn "activity here means a deal is coming" and find
it never holds on the scoring date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_world import engagement
from sample_world.buying_cycle import History
from sample_world.contacts import build_contacts
from sample_world.crm_accounts import CrmAccounts

LEAD_REACH = 0.4
"""Share of companies outside the CRM at whom marketing knows at least one person."""


def reached_companies(rng: np.random.Generator, history: History) -> np.ndarray:
    """Whether marketing knew people at each company before sales did (drawn for every company; only
    companies outside the CRM when the history began use it)."""
    return rng.random(len(history.crm_joined_week)) < LEAD_REACH


def without_unreached_prehistory(activities: pd.DataFrame, contact_company: np.ndarray, account_row: np.ndarray,
                                 account_created: pd.DatetimeIndex, history: History, reached: np.ndarray) -> pd.DataFrame:
    """`activities` less what the people of an unreached newcomer did before its account was created."""
    row = activities["contact_row"].to_numpy()
    company = contact_company[row]
    newcomer = history.crm_joined_week[company] >= 0
    before_account = activities["ts"].to_numpy() < account_created[account_row[row]].to_numpy()
    return activities.loc[~(newcomer & ~reached[company] & before_account)].reset_index(drop=True)


def lead_activities(rng: np.random.Generator, companies: pd.DataFrame, history: History, reached: np.ndarray,
                    mondays: list[pd.Timestamp], as_of: pd.Timestamp, org_salt: int) -> pd.DataFrame:
    """Marketing activity of the leads at reached companies still outside the CRM on the scoring date,
    in the shape of :func:`engagement.simulate_activity`'s log (``contact_row`` is -1: no CRM contact)."""
    outside = np.flatnonzero(reached & (history.crm_joined_week == np.iinfo(np.int32).max))
    placeholder = pd.DataFrame({"Id": [f"lead-company-{i}" for i in outside]})
    pseudo_accounts = CrmAccounts(records=placeholder, company_idx=outside, is_duplicate=np.zeros(len(outside), bool),
                                  primary_id_of_company=pd.Series(dtype=object))
    people, person_company = build_contacts(rng, companies, pseudo_accounts, as_of, org_salt)
    audience, systems = engagement.map_audience(rng, people)
    activities, _ = engagement.simulate_activity(rng, people, person_company, audience, systems,
                                                 history.recent_states, mondays)
    return activities.assign(contact_row=-1)
