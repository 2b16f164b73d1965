"""Who a marketing activity or a lead score belonged to at the end of day ``t``.

Today's CRM ties an e-mail address to a company through a contact that may have been created long
after the activity: contacts are created when a buying cycle starts, so a past snapshot linked
through today's contacts learns from its future. At ``t`` a row belongs to:

1. the company of the CRM contact with its e-mail address, if that contact existed at ``t``, by the
   e-mail and account of the contact's version at ``t`` (the most recently modified contact when
   several share the address);
2. else the company owning the address's e-mail domain, if that company was known at ``t`` (free-mail
   domains never own one: the warehouse leaves them out);
3. else a link given with the row that holds at every date (``account_key``; the warehouse gives
   none, a caller that resolves its own links may);
4. else no company.

The contact's version at ``t`` is the one whose span ``[valid_from, valid_to)`` holds the end of
``t`` (an open end is null); a contact exists at ``t`` when ``known_from`` is before the end of ``t``
or unknown. E-mail addresses and contacts' companies are integer codes (:class:`LinkCodes`), so
the link of millions of rows is an array lookup per snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def valid_at(frame: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
    """Rows whose version span holds the instant just before ``end``: the version at ``t``."""
    return ((frame["valid_from"].isna() | (frame["valid_from"] < end))
            & (frame["valid_to"].isna() | (frame["valid_to"] >= end)))


def known_at(stamps: pd.Series, end: pd.Timestamp) -> pd.Series:
    """Known before ``end``; an unknown time counts as always known."""
    return stamps.isna() | (stamps < end)


@dataclass(frozen=True)
class LinkCodes:
    """Integer codes for the lookups: ``emails`` distinct lower-cased addresses across activities,
    scores and contacts (code -1: no address), and ``accounts``, the companies of contact versions
    (code -1: a contact whose account is no company)."""

    emails: int
    accounts: np.ndarray

    @staticmethod
    def encode(*email_columns: pd.Series) -> tuple[int, list[np.ndarray]]:
        """The number of distinct addresses and each column's codes."""
        lengths = [len(c) for c in email_columns]
        joined = pd.concat([c.astype("string").str.lower() for c in email_columns], ignore_index=True)
        codes, uniques = pd.factorize(joined, use_na_sentinel=True)
        bounds = np.cumsum([0] + lengths)
        return len(uniques), [codes[bounds[k]:bounds[k + 1]] for k in range(len(email_columns))]


def contacts_at(contact_versions: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Each contact that existed at ``t`` in its version at ``t``, one per e-mail address.

    ``contact_versions`` must be sorted with the preferred contact of an address first (see
    :class:`~models_ml.scoring.inputs.ScoringInputs`).
    """
    versions = contact_versions[known_at(contact_versions["known_from"], end) & valid_at(contact_versions, end)]
    versions = versions[versions["email_code"] >= 0]
    return versions.drop_duplicates("email_code", keep="first")


NO_CONTACT = -2


def accounts_at(rows: pd.DataFrame, contact_versions: pd.DataFrame, codes: LinkCodes,
                end: pd.Timestamp) -> pd.Series:
    """The company each row (``email_code``, ``domain_account_key``, ``domain_known_from``,
    ``account_key``) belonged to at ``t``; None where it belonged to none."""
    contacts = contacts_at(contact_versions, end)
    contact_account = np.full(codes.emails + 1, NO_CONTACT, dtype=np.int64)
    contact_account[contacts["email_code"].to_numpy()] = contacts["account_code"].to_numpy()
    found = contact_account[rows["email_code"].to_numpy()]
    by_contact = codes.accounts.take(np.maximum(found, 0)) if len(codes.accounts) else np.full(len(rows), None)
    domain = rows["domain_account_key"].where(known_at(rows["domain_known_from"], end))
    fallback = domain.fillna(rows["account_key"]).to_numpy(dtype=object, na_value=None)
    linked = np.where(found >= 0, by_contact, np.where(found == NO_CONTACT, fallback, None))
    return pd.Series(linked, index=rows.index, dtype=object)
