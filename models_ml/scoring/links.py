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
import pyarrow as pa
import pyarrow.compute as pc


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
    scores and contacts (code -1: no address; see :func:`lower_cased_codes`), and ``accounts``, the
    companies of contact versions (code -1: a contact whose account is no company)."""

    emails: int
    accounts: np.ndarray


def lower_cased_codes(*columns: pd.Series) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct lower-cased values of ``columns`` and each column's codes into them (-1: missing).

    The same as ``pd.factorize`` of the columns lower-cased with ``str.lower`` and joined: values in
    order of first appearance. Millions of addresses repeat a few hundred thousand distinct ones, so
    the rows are told apart by their exact text in Arrow first and only the distinct values are
    lower-cased: equal texts have equal lower cases, and the first appearance of a lower case is that
    of its first text.
    """
    lengths = [len(c) for c in columns]
    texts = np.concatenate([c.astype("string").to_numpy(dtype=object) for c in columns]
                           or [np.empty(0, dtype=object)])
    by_text = pa.array(texts, type=pa.large_string(), from_pandas=True).dictionary_encode()
    by_lower_case = _lower_cased(by_text.dictionary).dictionary_encode()
    to_lower_case = np.append(by_lower_case.indices.to_numpy(), -1)
    codes = to_lower_case[by_text.indices.fill_null(-1).to_numpy()]
    bounds = np.cumsum([0] + lengths)
    values = np.asarray(by_lower_case.dictionary.to_pandas(), dtype=object)
    return values, [codes[bounds[k]:bounds[k + 1]] for k in range(len(columns))]


def _lower_cased(texts: pa.Array) -> pa.Array:
    """``str.lower`` of each text: Arrow's ASCII lower case where a text is ASCII (the same), Python's elsewhere."""
    lowered = pc.ascii_lower(texts)
    ascii_only = pc.string_is_ascii(texts).to_numpy(zero_copy_only=False)
    if ascii_only.all():
        return lowered
    others = np.flatnonzero(~ascii_only)
    values = lowered.to_numpy(zero_copy_only=False)
    values[others] = [text.lower() for text in texts.take(pa.array(others)).to_pylist()]
    return pa.array(values, type=texts.type)


def lower_cased_text(values: np.ndarray, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The lower-cased text of each row by its code from :func:`lower_cased_codes`, missing where -1."""
    picked = values.take(np.maximum(codes, 0)) if len(values) else np.full(len(codes), None, dtype=object)
    return pd.Series(np.where(codes >= 0, picked, None), index=index, dtype=object).astype("string")


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
