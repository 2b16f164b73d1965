"""Model versions on disk: ``<data_dir>/models/<model_name>/<version>/``.

Each version holds the LightGBM model as text (``model.txt``, from ``Booster.save_model``: readable,
portable across LightGBM builds, never a pickle) and ``metadata.json`` (features, feature spec,
calibration, metrics, training window, trained_at); a fit version also keeps the scores it
published (``scores.parquet``, by account key), which the weeks until the next retrain reuse. A version name is
``<model_name>-<as_of>-<8 hex of the model and metadata>``, so retraining the same data gives the
same name and nothing is duplicated.

The 8 hex digits hash the content in a form that float noise cannot move (:func:`content_digest`),
without the model's ``tree_sizes`` line (the byte length of each tree's text, which changes when a
threshold prints with more digits). Features summed in another order differ in their last bits;
the trees read them rounded to :data:`~models_ml.scoring.readiness.FEATURE_DECIMALS` decimals
(:func:`~models_ml.scoring.readiness.model_matrix`), so the same data gives the same trees. Should
noise get past that, the digest still ignores it:

* numbers that are feature values (``threshold`` and ``feature_infos`` lines) are taken on the
  grid the rounded features make: a split threshold is the midpoint of two rounded values, so
  it sits on a grid one decimal finer, and rounding to that grid removes noise without ever
  landing half-way between two grid points;
* every other real number (leaf values, gains, calibration, metrics) is rounded to
  :data:`SIGNIFICANT_DIGITS` significant digits. Noise sits around the 16th digit, far below the
  6th, while a real change of the data moves leaf values, splits or row counts well above it.

The active version is the pinned one (``pinned.json``) when there is a pin, else the newest.
Rolling back pins the version before the active one; pinning is how an analyst freezes scores
during a planning cycle while training keeps running.

Beside the versions, a model's folder remembers which version the quality gate let through
(``published.json``) and the last scoring run (``last_scoring.json``: the version that scored, the
run's as_of, and the drift of its scores against the same version's scores the run before), which
is what decides when the next run retrains (:func:`models_ml.scoring.run.retrain_reason`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import lightgbm as lgb
import pandas as pd

from models_ml.scoring.features import FeatureSpec
from models_ml.scoring.readiness import FEATURE_DECIMALS, ReadinessModel

MODEL_FILE = "model.txt"
METADATA_FILE = "metadata.json"
PIN_FILE = "pinned.json"
PUBLISHED_FILE = "published.json"
LAST_SCORING_FILE = "last_scoring.json"
SCORES_FILE = "scores.parquet"
SIGNIFICANT_DIGITS = 6
_TREE_SIZES = re.compile(r"^tree_sizes=.*$\n?", re.MULTILINE)
_FEATURE_VALUE_LINES = ("threshold=", "feature_infos=")
_REAL_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?(?![\w.])")


def _rounded(value: float) -> float:
    """``value`` to :data:`SIGNIFICANT_DIGITS` significant digits; -0.0 becomes 0.0."""
    if not math.isfinite(value):
        return value
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") + 0.0


def _on_feature_grid(value: float) -> float:
    """``value`` on the grid of split thresholds: one decimal finer than the rounded features."""
    if not math.isfinite(value):
        return value
    return round(value, FEATURE_DECIMALS + 1) + 0.0


def _canonical_line(line: str) -> str:
    canonical = _on_feature_grid if line.startswith(_FEATURE_VALUE_LINES) else _rounded
    return _REAL_NUMBER.sub(lambda match: repr(canonical(float(match.group()))), line)


def _canonical_model_text(text: str) -> str:
    return "\n".join(_canonical_line(line) for line in _TREE_SIZES.sub("", text).split("\n"))


def _canonical_metadata(value):
    if isinstance(value, float):
        return _rounded(value)
    if isinstance(value, dict):
        return {str(key): _canonical_metadata(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical_metadata(item) for item in value]
    return value


def content_digest(model_text: str, metadata: dict) -> str:
    """SHA-256 of a model's text and metadata with float noise taken out (see the module docstring)."""
    metadata_text = json.dumps(_canonical_metadata(metadata), sort_keys=True, default=str)
    return hashlib.sha256((_canonical_model_text(model_text) + metadata_text).encode()).hexdigest()


@dataclass(frozen=True)
class ModelRegistry:
    data_dir: Path

    @property
    def root(self) -> Path:
        return Path(self.data_dir) / "models"

    def save(self, model_name: str, booster: lgb.Booster, metadata: dict, as_of: date,
             scores: pd.DataFrame | None = None) -> str:
        """Store a trained booster, its metadata and the scores it published (optional); returns the version name."""
        text = booster.model_to_string()
        version = f"{model_name}-{as_of.isoformat()}-{content_digest(text, metadata)[:8]}"
        target = self.root / model_name / version
        if target.exists():
            return version
        record = dict(metadata, model_name=model_name, model_version=version, as_of=as_of.isoformat(),
                      trained_at=metadata.get("trained_at") or datetime.now(UTC).isoformat())
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=target.parent))
        (staging / MODEL_FILE).write_text(text, encoding="utf-8")
        (staging / METADATA_FILE).write_text(json.dumps(record, indent=2, sort_keys=True, default=str), encoding="utf-8")
        if scores is not None:
            scores.to_parquet(staging / SCORES_FILE)
        os.replace(staging, target)
        return version

    def versions(self, model_name: str) -> list[str]:
        """Stored versions, oldest first (by trained_at, then name)."""
        folder = self.root / model_name
        if not folder.exists():
            return []
        found = [p.name for p in folder.iterdir() if p.is_dir() and (p / METADATA_FILE).exists()]
        return sorted(found, key=lambda v: (self.metadata(model_name, v).get("trained_at", ""), v))

    def metadata(self, model_name: str, version: str) -> dict:
        return json.loads((self.root / model_name / version / METADATA_FILE).read_text(encoding="utf-8"))

    def stored_scores(self, model_name: str, version: str) -> pd.DataFrame | None:
        """The scores a version published when it was trained, or None when it kept none."""
        path = self.root / model_name / version / SCORES_FILE
        return pd.read_parquet(path) if path.exists() else None

    def load_booster(self, model_name: str, version: str) -> lgb.Booster:
        return lgb.Booster(model_file=str(self.root / model_name / version / MODEL_FILE))

    def pinned(self, model_name: str) -> str | None:
        path = self.root / model_name / PIN_FILE
        return json.loads(path.read_text(encoding="utf-8"))["version"] if path.exists() else None

    def pin(self, model_name: str, version: str) -> None:
        if version not in self.versions(model_name):
            raise KeyError(f"{model_name}: no stored version {version}")
        path = self.root / model_name / PIN_FILE
        path.write_text(json.dumps({"version": version, "pinned_at": datetime.now(UTC).isoformat()}),
                        encoding="utf-8")

    def mark_published(self, model_name: str, version: str) -> None:
        """Record the version whose scores passed the quality gate and reached users."""
        path = self.root / model_name / PUBLISHED_FILE
        path.write_text(json.dumps({"version": version, "published_at": datetime.now(UTC).isoformat()}),
                        encoding="utf-8")

    def published(self, model_name: str) -> str | None:
        path = self.root / model_name / PUBLISHED_FILE
        return json.loads(path.read_text(encoding="utf-8"))["version"] if path.exists() else None

    def record_scoring(self, model_name: str, version: str, as_of: date, score_psi: float | None) -> None:
        """Remember the run that scored with ``version``: its as_of and its scores' drift (None: not measured)."""
        path = self.root / model_name / LAST_SCORING_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        psi = score_psi if score_psi is not None and math.isfinite(score_psi) else None
        path.write_text(json.dumps({"version": version, "as_of": as_of.isoformat(), "score_psi": psi}),
                        encoding="utf-8")

    def last_scoring(self, model_name: str) -> dict | None:
        """The last run's record (version, as_of, score_psi), or None before the first run."""
        path = self.root / model_name / LAST_SCORING_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def unpin(self, model_name: str) -> None:
        (self.root / model_name / PIN_FILE).unlink(missing_ok=True)

    def active_version(self, model_name: str) -> str | None:
        versions = self.versions(model_name)
        return self.pinned(model_name) or (versions[-1] if versions else None)

    def previous_version(self, model_name: str, version: str) -> str | None:
        versions = self.versions(model_name)
        position = versions.index(version) if version in versions else len(versions)
        return versions[position - 1] if position > 0 else None

    def rollback(self, model_name: str) -> str:
        """Pin the version before the active one and return it."""
        active = self.active_version(model_name)
        previous = self.previous_version(model_name, active) if active else None
        if previous is None:
            raise LookupError(f"{model_name}: no earlier version to roll back to")
        self.pin(model_name, previous)
        return previous

    def delete(self, model_name: str, version: str) -> None:
        if self.pinned(model_name) == version:
            self.unpin(model_name)
        shutil.rmtree(self.root / model_name / version)


READINESS = "readiness"


def save_readiness(registry: ModelRegistry, model: ReadinessModel, as_of: date, metadata: dict) -> str:
    """Store a readiness model with what it needs to score again: features, spec, calibration."""
    record = dict(metadata, features=model.features, feature_spec=model.spec.to_dict(),
                  platt_slope=model.platt_slope, platt_intercept=model.platt_intercept)
    return registry.save(READINESS, model.booster, record, as_of)


def load_readiness(registry: ModelRegistry, version: str | None = None) -> tuple[ReadinessModel, dict]:
    """The given version, else the active one (pinned, else newest)."""
    version = version or registry.active_version(READINESS)
    if version is None:
        raise LookupError("no readiness model stored")
    meta = registry.metadata(READINESS, version)
    model = ReadinessModel(booster=registry.load_booster(READINESS, version), features=list(meta["features"]),
                           spec=FeatureSpec.from_dict(meta["feature_spec"]),
                           platt_slope=float(meta["platt_slope"]), platt_intercept=float(meta["platt_intercept"]))
    return model, meta
