"""Record identifiers in the shapes real systems use: Salesforce 18-character Ids, DUNS-like ids."""

from __future__ import annotations

import numpy as np

BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8)

SALESFORCE_PREFIX = {"account": "001", "contact": "003", "user": "005", "opportunity": "006"}


def _base62(values: np.ndarray, width: int) -> np.ndarray:
    """Fixed-width base-62 text of non-negative integers, vectorised."""
    digits = np.empty((len(values), width), dtype=np.uint8)
    rest = values.astype(np.uint64)
    for position in range(width - 1, -1, -1):
        digits[:, position] = BASE62[(rest % 62).astype(np.intp)]
        rest = rest // 62
    return digits.view(f"S{width}").ravel().astype(str)


CASE_SUFFIX = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)


def _case_suffix(ids15: np.ndarray) -> np.ndarray:
    """Salesforce's 3-character suffix encoding which letters are upper case, chunk by chunk.

    It makes 18-character Ids unique even when compared case-insensitively.
    """
    raw = np.frombuffer(np.asarray(ids15, dtype="S15").tobytes(), dtype=np.uint8).reshape(-1, 15)
    upper = ((raw >= ord("A")) & (raw <= ord("Z"))).reshape(-1, 3, 5)
    codes = (upper * (1 << np.arange(5))).sum(axis=2)
    return CASE_SUFFIX[codes].view("S3").ravel().astype(str)


def salesforce_ids(kind: str, start: int, count: int, org_salt: int) -> np.ndarray:
    """18-character Ids: object prefix, org pod, a scrambled sequence number and the case suffix."""
    seq = np.arange(start, start + count, dtype=np.uint64)
    salt = org_salt + 1_000_003 * list(SALESFORCE_PREFIX).index(kind)
    scrambled = (seq * np.uint64(2_654_435_761) + np.uint64(salt)) % np.uint64(62**9)
    ids15 = np.char.add(SALESFORCE_PREFIX[kind] + "Hs0", _base62(scrambled, 9))
    return np.char.add(ids15, _case_suffix(ids15)).astype(object)


def vendor_company_ids(count: int, salt: int) -> np.ndarray:
    """Nine-digit DUNS-like ids, unique (3**18 is a unit modulo 10**9), one in ten with a leading zero."""
    seq = np.arange(count, dtype=np.int64)
    values = (seq * 387_420_489 + salt) % 1_000_000_000
    return np.char.zfill(values.astype(str), 9)
