"""Business settings from ``terrain.yaml``.

Revenue-operations teams change these choices (which intent topics matter, the scoring horizon,
segment bands, how territories are balanced) without touching code, so a typo must fail loudly:
every unknown key and invalid value raises :class:`SettingsError` naming the key. Every setting has
a default that works on any landing zone that follows the contract.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

CONFIG_ENV = "TERRAIN_CONFIG"
AS_OF_ENV = "TERRAIN_AS_OF"
DEFAULT_CONFIG_FILE = "terrain.yaml"
BALANCE_METRICS = ("potential", "workload", "accounts")


class SettingsError(ValueError):
    """A setting in terrain.yaml is unknown or invalid; the message names the key."""


@dataclass(frozen=True)
class Segment:
    name: str
    min_employees: int
    max_employees: int | None


@dataclass(frozen=True)
class ScoringSettings:
    horizon_days: int = 90
    as_of: date | None = None


@dataclass(frozen=True)
class IntentSettings:
    topics: dict[str, str] = field(default_factory=dict)
    surge_threshold: float = 60.0


@dataclass(frozen=True)
class IcpSettings:
    won_stage_prefixes: tuple[str, ...] = ("Closed Won",)


@dataclass(frozen=True)
class IdentitySettings:
    match_threshold: float = 0.92


@dataclass(frozen=True)
class TerritoryPlanSettings:
    territories_per_segment: dict[str, int] = field(default_factory=dict)
    balance_metric: str = "potential"
    tolerance: float = 0.05
    workload_tolerance: float | None = 0.10
    disruption_weight: float = 1.0
    whitespace_move_weight: float = 0.5
    compactness_weight: float = 0.5
    capacity_overflow_weight: float = 0.5
    locks: tuple[str, ...] = ()


DEFAULT_SEGMENTS = (
    Segment("SMB", 0, 200),
    Segment("Mid-Market", 200, 1000),
    Segment("Enterprise", 1000, None),
)


@dataclass(frozen=True)
class Settings:
    scoring: ScoringSettings = field(default_factory=ScoringSettings)
    intent: IntentSettings = field(default_factory=IntentSettings)
    icp: IcpSettings = field(default_factory=IcpSettings)
    segments: tuple[Segment, ...] = DEFAULT_SEGMENTS
    identity: IdentitySettings = field(default_factory=IdentitySettings)
    territory_plan: TerritoryPlanSettings = field(default_factory=TerritoryPlanSettings)

    def segment_for(self, employees: float | None) -> str:
        """The segment whose employee band holds ``employees`` (the smallest band when unknown)."""
        if employees is None:
            return self.segments[0].name
        for segment in self.segments:
            upper_ok = segment.max_employees is None or employees < segment.max_employees
            if employees >= segment.min_employees and upper_ok:
                return segment.name
        return self.segments[-1].name

    def dbt_vars(self) -> dict[str, Any]:
        """The settings dbt models read, as ``--vars``."""
        return {
            "segments": [asdict(s) for s in self.segments],
            "horizon_days": self.scoring.horizon_days,
            "as_of": self.scoring.as_of.isoformat() if self.scoring.as_of else None,
            "surge_threshold": self.intent.surge_threshold,
            "intent_topics": dict(self.intent.topics),
            "won_stage_prefixes": list(self.icp.won_stage_prefixes),
        }


def _require_mapping(value: Any, key: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SettingsError(f"{key}: expected a mapping, got {type(value).__name__}")
    return value


def _reject_unknown(section: dict, allowed: set[str], prefix: str) -> None:
    for key in section:
        if key not in allowed:
            name = f"{prefix}.{key}" if prefix else str(key)
            raise SettingsError(f"{name}: unknown setting (allowed: {', '.join(sorted(allowed))})")


def _number(value: Any, key: str, *, low: float | None = None, high: float | None = None,
            integer: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(f"{key}: expected a number, got {value!r}")
    if integer and int(value) != value:
        raise SettingsError(f"{key}: expected a whole number, got {value!r}")
    if low is not None and value < low:
        raise SettingsError(f"{key}: must be at least {low}, got {value!r}")
    if high is not None and value > high:
        raise SettingsError(f"{key}: must be at most {high}, got {value!r}")
    return int(value) if integer else float(value)


def _scoring(raw: dict) -> ScoringSettings:
    _reject_unknown(raw, {f.name for f in fields(ScoringSettings)}, "scoring")
    horizon = _number(raw.get("horizon_days", 90), "scoring.horizon_days", low=1, high=730, integer=True)
    as_of = raw.get("as_of")
    if as_of is not None and not isinstance(as_of, date):
        try:
            as_of = date.fromisoformat(str(as_of))
        except ValueError as exc:
            raise SettingsError(f"scoring.as_of: expected a date YYYY-MM-DD, got {as_of!r}") from exc
    return ScoringSettings(horizon_days=int(horizon), as_of=as_of)


def _intent(raw: dict) -> IntentSettings:
    _reject_unknown(raw, {f.name for f in fields(IntentSettings)}, "intent")
    topics = _require_mapping(raw.get("topics"), "intent.topics")
    for topic, cluster in topics.items():
        if not isinstance(cluster, str) or not cluster.strip():
            raise SettingsError(f"intent.topics.{topic}: expected a cluster name, got {cluster!r}")
    threshold = _number(raw.get("surge_threshold", 60), "intent.surge_threshold", low=0, high=100)
    return IntentSettings(topics={str(k): v.strip() for k, v in topics.items()}, surge_threshold=threshold)


def _icp(raw: dict) -> IcpSettings:
    _reject_unknown(raw, {f.name for f in fields(IcpSettings)}, "icp")
    prefixes = raw.get("won_stage_prefixes", ["Closed Won"])
    if not isinstance(prefixes, list) or not prefixes or not all(isinstance(p, str) and p for p in prefixes):
        raise SettingsError(f"icp.won_stage_prefixes: expected a non-empty list of stage names, got {prefixes!r}")
    return IcpSettings(won_stage_prefixes=tuple(prefixes))


def _segments(raw: Any) -> tuple[Segment, ...]:
    if raw is None:
        return DEFAULT_SEGMENTS
    if not isinstance(raw, list) or not raw:
        raise SettingsError("segments: expected a non-empty list of {name, min_employees, max_employees}")
    segments = []
    for i, item in enumerate(raw):
        key = f"segments[{i}]"
        item = _require_mapping(item, key)
        _reject_unknown(item, {"name", "min_employees", "max_employees"}, key)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise SettingsError(f"{key}.name: expected a segment name, got {name!r}")
        low = _number(item.get("min_employees", 0), f"{key}.min_employees", low=0, integer=True)
        high = item.get("max_employees")
        if high is not None:
            high = _number(high, f"{key}.max_employees", low=low + 1, integer=True)
        segments.append(Segment(name.strip(), int(low), None if high is None else int(high)))
    segments.sort(key=lambda s: s.min_employees)
    for before, after in zip(segments, segments[1:]):
        if before.max_employees != after.min_employees:
            raise SettingsError(
                f"segments: bands must be contiguous; {before.name} ends at {before.max_employees} "
                f"but {after.name} starts at {after.min_employees}")
    if segments[0].min_employees != 0 or segments[-1].max_employees is not None:
        raise SettingsError("segments: the bands must start at 0 employees and the last must have no max_employees")
    if len({s.name for s in segments}) != len(segments):
        raise SettingsError("segments: segment names must be unique")
    return tuple(segments)


def _identity(raw: dict) -> IdentitySettings:
    _reject_unknown(raw, {f.name for f in fields(IdentitySettings)}, "identity")
    threshold = _number(raw.get("match_threshold", 0.92), "identity.match_threshold", low=0.5, high=1.0)
    return IdentitySettings(match_threshold=threshold)


def _territory_plan(raw: dict) -> TerritoryPlanSettings:
    """Segment names are the customer's (the Segment of its territories), so any name is valid here."""
    _reject_unknown(raw, {f.name for f in fields(TerritoryPlanSettings)}, "territory_plan")
    counts = _require_mapping(raw.get("territories_per_segment"), "territory_plan.territories_per_segment")
    for name, count in counts.items():
        _number(count, f"territory_plan.territories_per_segment.{name}", low=1, integer=True)
    metric = raw.get("balance_metric", "potential")
    if metric not in BALANCE_METRICS:
        raise SettingsError(f"territory_plan.balance_metric: expected one of {', '.join(BALANCE_METRICS)}, got {metric!r}")
    tolerance = _number(raw.get("tolerance", 0.05), "territory_plan.tolerance", low=0.001, high=1.0)
    workload_band = raw.get("workload_tolerance", 0.10)
    if workload_band is not None:
        workload_band = _number(workload_band, "territory_plan.workload_tolerance", low=0.001, high=1.0)
    weight = _number(raw.get("disruption_weight", 1.0), "territory_plan.disruption_weight", low=0)
    whitespace = _number(raw.get("whitespace_move_weight", 0.5), "territory_plan.whitespace_move_weight", low=0)
    compactness = _number(raw.get("compactness_weight", 0.5), "territory_plan.compactness_weight", low=0)
    overflow = _number(raw.get("capacity_overflow_weight", 0.5), "territory_plan.capacity_overflow_weight", low=0)
    locks = raw.get("locks", []) or []
    if not isinstance(locks, list):
        raise SettingsError(f"territory_plan.locks: expected a list of CRM account ids, got {locks!r}")
    return TerritoryPlanSettings(
        territories_per_segment={k: int(v) for k, v in counts.items()},
        balance_metric=metric, tolerance=tolerance, workload_tolerance=workload_band, disruption_weight=weight,
        whitespace_move_weight=whitespace, compactness_weight=compactness, capacity_overflow_weight=overflow,
        locks=tuple(str(x) for x in locks))


def parse_settings(raw: Any) -> Settings:
    """Validate a parsed terrain.yaml document and fill in defaults."""
    raw = _require_mapping(raw, "terrain.yaml")
    _reject_unknown(raw, {f.name for f in fields(Settings)}, "")
    segments = _segments(raw.get("segments"))
    return Settings(
        scoring=_scoring(_require_mapping(raw.get("scoring"), "scoring")),
        intent=_intent(_require_mapping(raw.get("intent"), "intent")),
        icp=_icp(_require_mapping(raw.get("icp"), "icp")),
        segments=segments,
        identity=_identity(_require_mapping(raw.get("identity"), "identity")),
        territory_plan=_territory_plan(_require_mapping(raw.get("territory_plan"), "territory_plan")),
    )


def config_path() -> Path | None:
    """The settings file in force: ``$TERRAIN_CONFIG``, else ``./terrain.yaml`` when it exists."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        path = Path(explicit)
        if not path.exists():
            raise SettingsError(f"{CONFIG_ENV}={explicit}: file not found")
        return path
    local = Path(DEFAULT_CONFIG_FILE)
    return local if local.exists() else None


def load_settings(path: Path | str | None = None) -> Settings:
    """Load and validate the settings; built-in defaults when there is no file.

    ``$TERRAIN_AS_OF`` (set by ``terrain run --as-of``) overrides ``scoring.as_of`` for one run.
    """
    path = Path(path) if path else config_path()
    settings = Settings()
    if path is not None:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise SettingsError(f"{path}: not valid YAML: {exc}") from exc
        try:
            settings = parse_settings(document)
        except SettingsError as exc:
            raise SettingsError(f"{path}: {exc}") from exc
    override = os.environ.get(AS_OF_ENV)
    if override:
        settings = replace(settings, scoring=_scoring({"horizon_days": settings.scoring.horizon_days,
                                                        "as_of": override}))
    return settings
