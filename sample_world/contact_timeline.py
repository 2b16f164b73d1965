"""When each person enters the CRM: the buying group when its cycle starts, everyone else long before.

In a real CRM contacts are not a static list. When a company starts a buying cycle, the people
who drive it (champions and evaluators most, executives and users less, hardly anyone else) are
created as contacts when they first raise a hand (a form fill, a webinar, a download) or when a
rep first reaches out, whichever comes first, and at the latest when the opportunity is opened
(it needs its contacts). Before that, the marketing tool already knew their e-mail from a
newsletter or a list: opens, clicks and web visits from the weeks before the contact existed.
Nearly a third of the people marketing knew before sales did had signed up with a private
(free-mail) address, and that is the address the CRM and the marketing tool know them by. A
quarter of the buying group was in the CRM already from an earlier cycle.

Everyone else keeps an older creation date from list imports, events and past deals, never
earlier than their account: a newcomer's converted lead is created with the account, the rest of
its people after it.

So linking past marketing activity through today's contacts credits a company with engagement it
could not have been credited with at the time: a snapshot must use the contacts that existed then.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_world.contacts import FREE_MAIL

BUYING_GROUP = {"executive buyer": 0.55, "technical evaluator": 0.75, "champion": 0.85, "end user": 0.45, "other": 0.15}
"""Chance a contact of each persona takes part in their company's buying cycle."""
ALREADY_KNOWN = 0.25
SALES_TOUCH_DAYS = 21.0
"""Mean days from the cycle's start to a rep's first outreach."""
REST_OF_GROUP_DAYS = 10.0
"""After the first outreach the rep adds the rest of the buying group within about this many days."""
HAND_RAISES = (3, 4, 5)
"""Activity kinds that create a contact: form fill, webinar attended, content download."""
LEAD_CONVERSION_SECONDS = (60, 900)
PRIVATE_ADDRESS_SHARE = 0.3
"""Share of the buying group known to marketing before the CRM who signed up with a private address."""


def cycle_starts(recent_states: np.ndarray) -> np.ndarray:
    """Week index (within the recent weeks) when each company's first cycle of the period started; -1 if
    none started (dormant throughout, or already in a cycle when the period began)."""
    entered = (recent_states[1:] > 0) & (recent_states[:-1] == 0)
    return np.where(entered.any(axis=0), entered.argmax(axis=0) + 1, -1)


def _truncated_exponential(rng: np.random.Generator, mean_days: float, limit_days: np.ndarray) -> np.ndarray:
    """Days to an event with the given mean, drawn given that it happened within `limit_days`."""
    mass = 1.0 - np.exp(-np.maximum(limit_days, 0.0) / mean_days)
    return -mean_days * np.log1p(-rng.random(len(limit_days)) * mass)


def creation_dates(rng: np.random.Generator, contacts: pd.DataFrame, account_row: np.ndarray, account_created: pd.DatetimeIndex,
                   contact_company: np.ndarray, recent_states: np.ndarray, mondays: list[pd.Timestamp],
                   activity_log: pd.DataFrame, opp_company: np.ndarray, opp_created: pd.DatetimeIndex,
                   as_of: pd.Timestamp) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """(CreatedDate of every contact, whether the contact joined with a buying cycle after marketing knew
    them). `activity_log` holds (contact_row, kind, ts) of the marketing activity."""
    n = len(contacts)
    latest = as_of + pd.Timedelta(hours=23)
    base = pd.DatetimeIndex(pd.to_datetime(contacts["CreatedDate"], utc=True).dt.tz_localize(None))
    own_account = account_created[account_row]
    first_of_account = np.r_[True, account_row[1:] != account_row[:-1]]
    converted = own_account + pd.to_timedelta(rng.integers(*LEAD_CONVERSION_SECONDS, n), unit="s")
    afterwards = own_account + (latest - own_account) * rng.random(n) ** 2
    too_early = np.asarray(base < own_account)
    created = np.where(too_early, np.where(first_of_account, converted.to_numpy(), afterwards.to_numpy()), base.to_numpy())

    start_week = cycle_starts(recent_states)[contact_company]
    triggered = start_week >= 0
    monday = np.asarray([m.to_datetime64() for m in mondays], dtype="datetime64[ns]")
    cycle_start = monday[np.maximum(start_week, 0)] + (rng.random(n) * 6.9 * 86400e9).astype("timedelta64[ns]")
    company_start = pd.Series(cycle_start).groupby(contact_company).transform("min").to_numpy()
    persona = contacts["persona"].to_numpy()
    in_group = triggered & (rng.random(n) < pd.Series(persona).map(BUYING_GROUP).to_numpy(dtype=float))
    known = (rng.random(n) < ALREADY_KNOWN) & (created < company_start)
    joins = in_group & ~known

    raised = activity_log.loc[np.isin(activity_log["kind"].to_numpy(), HAND_RAISES), ["contact_row", "ts"]]
    raised = raised.loc[raised["ts"].to_numpy() >= company_start[raised["contact_row"].to_numpy()]]
    first_raise = raised.groupby("contact_row")["ts"].min().reindex(np.arange(n)).to_numpy()

    days_left = (latest - pd.DatetimeIndex(company_start)).total_seconds().to_numpy() / 86400.0
    outreach = _truncated_exponential(rng, SALES_TOUCH_DAYS, days_left)
    company_outreach = pd.Series(outreach).groupby(contact_company).transform("first").to_numpy()
    added = np.minimum(company_outreach + rng.random(n) * REST_OF_GROUP_DAYS, np.maximum(days_left, 0.0))
    touched = company_start + (added * 86400e9).astype("timedelta64[ns]")

    deals = pd.DataFrame({"company": opp_company, "created": opp_created.to_numpy()})
    deals = deals.loc[deals["created"].to_numpy() >= pd.Series(company_start).groupby(contact_company).first()
                      .reindex(deals["company"]).to_numpy()]
    first_deal = deals.groupby("company")["created"].min().reindex(contact_company).to_numpy()

    when = np.fmin(np.fmin(first_raise, touched), first_deal)
    first_seen = activity_log.groupby("contact_row")["ts"].min().reindex(np.arange(n)).to_numpy()
    known_to_marketing = joins & (first_seen < when)
    when = np.maximum(when, (own_account + pd.Timedelta(minutes=1)).to_numpy())
    when = np.minimum(when, latest.to_datetime64())
    return pd.DatetimeIndex(np.where(joins, when, created)).floor("s"), known_to_marketing


def private_addresses(rng: np.random.Generator, contacts: pd.DataFrame, known_to_marketing: np.ndarray,
                      activities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(contacts, activities) with some of the people marketing knew first on the private address they
    signed up with: the CRM and the marketing tool hold that address, before and after the contact was
    created."""
    email = contacts["Email"]
    local = email.str.split("@").str[0]
    private = local + pd.Series(rng.integers(1, 999, len(contacts))).astype(str) + "@" \
        + pd.Series(FREE_MAIL[rng.integers(0, len(FREE_MAIL), len(contacts))])
    already = email.str.split("@").str[1].isin(FREE_MAIL).to_numpy()
    switch = known_to_marketing & email.notna().to_numpy() & ~already & (rng.random(len(contacts)) < PRIVATE_ADDRESS_SHARE)
    switch &= ~private.isin(set(email.dropna())).to_numpy() & ~private.duplicated(keep="first").to_numpy()
    contacts = contacts.assign(Email=email.where(~switch, private))
    moved = switch[activities["contact_row"].to_numpy()]
    new_address = contacts["Email"].to_numpy(dtype=object)[activities["contact_row"].to_numpy()]
    shouted = (activities["email"] == activities["email"].str.upper()).to_numpy() & moved
    renamed = np.where(shouted, pd.Series(new_address).str.upper().to_numpy(dtype=object), new_address)
    activities = activities.assign(email=np.where(moved, renamed, activities["email"].to_numpy(dtype=object)))
    return contacts, activities
