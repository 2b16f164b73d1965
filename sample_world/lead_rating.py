"""Eloqua's lead-scoring rating: a profile letter (A best .. D worst) and an engagement digit (1 best .. 4 worst).

Eloqua's lead-scoring model scores two things separately and reports them as one rating such as `B2`.
The profile half weighs who the person is (the title's buying role) and the company they work at
(size, industry, installed stack: the generator's latent company fit); the engagement half weighs
recent activity, recent weeks counting most. Each half is a share of its possible points and falls
into a quarter (75 %, 50 %, 25 %), so most contacts sit at C or D and 3 or 4, and A1 is rare.
Exports are not tidy: some ratings come lower-case or with a stray space.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PROFILE_LETTERS = np.array(list("DCBA"), dtype=object)
ENGAGEMENT_DIGITS = np.array(list("4321"), dtype=object)
QUARTER_CUTS = np.array([0.25, 0.5, 0.75])
PERSONA_PROFILE = {"executive buyer": 0.9, "champion": 0.85, "technical evaluator": 0.7, "end user": 0.35, "other": 0.05}
"""Share of the title points each buying role earns: whoever signs or drives the purchase scores highest."""
PERSONA_WEIGHT = 0.55
COMPANY_FIT_CENTRE = 0.5
"""Latent fit at which a company earns half its points; the typical contact's company sits a little below."""
PROFILE_NOISE = 0.1
"""Stale titles and half-filled firmographic fields move a contact's profile share by about this much."""
ENGAGEMENT_SCALE = 2.0
"""Decayed activity points (a form fill is 8, an open 1) at which the engagement share reaches 63 % (1 - 1/e)."""
LOWER_CASE_SHARE = 0.04
PADDED_SHARE = 0.02
"""Share padded on each side: a leading space on this many, a trailing space on as many again."""


def profile_share(persona: np.ndarray, company_fit: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Share of Eloqua's profile points, from the buying role and the company's fit."""
    role = pd.Series(persona).map(PERSONA_PROFILE).to_numpy(dtype=float)
    company = 1.0 / (1.0 + np.exp(-(company_fit - COMPANY_FIT_CENTRE)))
    return PERSONA_WEIGHT * role + (1.0 - PERSONA_WEIGHT) * company + PROFILE_NOISE * noise


def engagement_share(engagement: np.ndarray) -> np.ndarray:
    """Share of Eloqua's engagement points, saturating: the tenth webinar adds little to the first nine."""
    return 1.0 - np.exp(-engagement / ENGAGEMENT_SCALE)


def rating(profile: np.ndarray, engaged: np.ndarray) -> np.ndarray:
    """`A1` .. `D4` from the two shares, each cut at Eloqua's quarters."""
    letter = PROFILE_LETTERS[np.searchsorted(QUARTER_CUTS, profile, side="right")]
    digit = ENGAGEMENT_DIGITS[np.searchsorted(QUARTER_CUTS, engaged, side="right")]
    return letter + digit


def as_exported(rng: np.random.Generator, ratings: np.ndarray) -> np.ndarray:
    """Ratings as an export delivers them: a few lower-cased, a few with a leading or trailing space."""
    n = len(ratings)
    lower = rng.random(n) < LOWER_CASE_SHARE
    pad = rng.random(n)
    text = pd.Series(ratings, dtype=object)
    text = text.where(~lower, text.str.lower())
    text = text.where(pad >= PADDED_SHARE, " " + text)
    text = text.where((pad < PADDED_SHARE) | (pad >= 2 * PADDED_SHARE), text + " ")
    return text.to_numpy(dtype=object)
