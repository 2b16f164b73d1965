"""Business settings from ``terrain.yaml``: one typed schema, one default per key.

Revenue-operations teams change these choices (which intent topics matter, the scoring horizon,
segment bands, how territories are balanced) without touching code, so a typo must fail loudly:
every unknown key and invalid value raises :class:`SettingsError` naming the key. Every setting has
a default that works on any landing zone that follows the contract.

The schema is the pydantic dataclasses below: their fields are the keys, their types and bounds the
validation, their defaults the only defaults (the planner's keep living in
:class:`models_ml.territory.PlanSettings` and the persona rules in :mod:`models_ml.scoring.personas`,
and are read from there). What follows from it: the Dagster launchpad's ``settings`` resource
(:func:`orchestration.resources.terrain_settings`), the dbt vars (:meth:`Settings.dbt_vars`; the
defaults in ``dbt_project.yml`` are tested equal), and the shipped ``terrain.yaml`` (tested equal).
Dataclasses rather than models, so ``dataclasses.replace`` gives a validated copy.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, PlainSerializer, StringConstraints, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from models_ml.scoring.personas import DEFAULT_PERSONA_RULES, PERSONAS, RULE_FIELDS, PersonaRule, check_pattern
from models_ml.territory.inputs import BALANCE_METRICS, PlanSettings

CONFIG_ENV = "TERRAIN_CONFIG"
AS_OF_ENV = "TERRAIN_AS_OF"
DEFAULT_CONFIG_FILE = "terrain.yaml"
SCHEMA = ConfigDict(extra="forbid")
PLANNER = PlanSettings()


class SettingsError(ValueError):
    """A setting in terrain.yaml is unknown or invalid; the message names the key."""


def _none_as(empty: Any):
    """A key written with no value (``topics:``) means its default, as if it were left out."""
    return BeforeValidator(lambda value: empty if value is None else value)


def _unique_stripped(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip() for value in values))


def _pattern(value: str) -> str:
    try:
        check_pattern(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a valid pattern ({exc})") from exc
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Count = Annotated[int, Field(strict=True)]
Number = Annotated[float, Field(strict=True)]
Pattern = Annotated[Text, AfterValidator(_pattern)]
Alternatives = Annotated[tuple[Pattern, ...], BeforeValidator(lambda v: () if v is None else [v] if isinstance(v, str) else v)]


@dataclass(frozen=True, config=SCHEMA)
class ScoringSettings:
    """When accounts are scored and how far ahead readiness looks."""

    horizon_days: Annotated[Count, Field(ge=1, le=730)] = Field(
        90, description="Readiness is a new opportunity within this many days after as_of.")
    as_of: date | None = Field(
        None, description="The scoring date, YYYY-MM-DD; null: the Sunday that ends the latest intent week loaded "
                          "(`terrain run --as-of` overrides it for one run).")
    engagement_half_life_days: Annotated[Count, Field(ge=1)] = Field(
        30, description="Marketing activity this many days old counts half in engagement scores.")
    retrain_every_days: Annotated[Count, Field(ge=1)] = Field(
        28, description="The readiness and fit models are retrained when the newest is this many days older than "
                        "as_of; the runs in between score with the active model.")
    retrain_when_psi_above: Annotated[Number, Field(gt=0)] | None = Field(
        0.25, description="Retrain early when the last run's readiness scores drifted from the same model's scores the "
                          "run before by a PSI above this; null: drift never retrains.")


@dataclass(frozen=True, config=SCHEMA)
class IntentSettings:
    """Which intent topics count and when a topic is surging."""

    topics: Annotated[dict[str, Text], _none_as({})] = Field(
        default_factory=dict, description="Topic -> cluster; empty: every delivered topic counts, grouped by the "
                                          "vendor's Category.")
    surge_threshold: Annotated[Number, Field(ge=0, le=100)] = Field(
        60.0, description="Bombora Composite Score at or above which a topic is surging.")


@dataclass(frozen=True, config=SCHEMA)
class IcpSettings:
    """What a won deal is, and the products that compete with ours."""

    won_stage_prefixes: Annotated[tuple[Annotated[str, Field(min_length=1)], ...], Field(min_length=1)] = Field(
        ("Closed Won",), description="Opportunity stages that count as won: StageName starts with one of these.")
    competitor_technologies: Annotated[tuple[Text, ...], _none_as(()), AfterValidator(_unique_stripped)] = Field(
        (), description="Competing products by technographics Technology or Category (any case), e.g. [Gong, Sales "
                        "Engagement]; empty: the models learn from every installed technology.")


@dataclass(frozen=True, config=SCHEMA)
class PersonaRuleSetting:
    """One persona rule as terrain.yaml writes it: each field one word or pattern, or a list of them."""

    persona: Literal[PERSONAS] = Field(description="The persona a contact matching this rule gets.")
    title: Alternatives = Field((), description="The title contains one of these (whole words, any case).")
    seniority: Alternatives = Field((), description="And one of these.")
    title_not: Alternatives = Field((), description="And none of these.")
    department: Alternatives = Field((), description="The department contains one of these.")

    def __post_init__(self) -> None:
        if not (self.title or self.seniority or self.department):
            raise ValueError("a rule needs a title, seniority or department to match")


def _rules_in(value: Any) -> Any:
    if value is None:
        value = DEFAULT_PERSONA_RULES
    if isinstance(value, (list, tuple)):
        return [rule.to_dict() if isinstance(rule, PersonaRule) else rule for rule in value]
    return value


def _persona_rules(rules: tuple[PersonaRuleSetting, ...]) -> tuple[PersonaRule, ...]:
    return tuple(PersonaRule(rule.persona, **{name: getattr(rule, name) for name in RULE_FIELDS}) for rule in rules)


PersonaRules = Annotated[
    tuple[PersonaRuleSetting, ...], Field(min_length=1), BeforeValidator(_rules_in), AfterValidator(_persona_rules),
    PlainSerializer(lambda rules: [rule.to_dict() for rule in rules]),
]


@dataclass(frozen=True, config=SCHEMA)
class PersonaSettings:
    """The ordered title and department rules that give a contact its persona (first match wins)."""

    rules: PersonaRules = Field(
        DEFAULT_PERSONA_RULES, description="First matching rule wins, no match: other. A field left out is not "
                                           "checked; abbreviations (vp, cio, ops) are spelled out as in titles.")


@dataclass(frozen=True, config=SCHEMA)
class Segment:
    """An employee band: lower bound inclusive, upper bound exclusive (null: no upper bound)."""

    name: Text = Field(description="The segment's name.")
    min_employees: Annotated[Count, Field(ge=0)] = Field(0, description="Lowest employee count in the band.")
    max_employees: Count | None = Field(None, description="First employee count above the band; null for the last.")

    def __post_init__(self) -> None:
        if self.max_employees is not None and self.max_employees <= self.min_employees:
            raise ValueError(f"max_employees must be above min_employees ({self.min_employees}), "
                             f"got {self.max_employees}")


def _contiguous(segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
    segments = tuple(sorted(segments, key=lambda s: s.min_employees))
    for before, after in zip(segments, segments[1:]):
        if before.max_employees != after.min_employees:
            raise ValueError(f"bands must be contiguous; {before.name} ends at {before.max_employees} "
                             f"but {after.name} starts at {after.min_employees}")
    if segments[0].min_employees != 0 or segments[-1].max_employees is not None:
        raise ValueError("the bands must start at 0 employees and the last must have no max_employees")
    if len({s.name for s in segments}) != len(segments):
        raise ValueError("segment names must be unique")
    return segments


DEFAULT_SEGMENTS = (
    Segment("SMB", 0, 200),
    Segment("Mid-Market", 200, 1000),
    Segment("Enterprise", 1000, None),
)

Segments = Annotated[tuple[Segment, ...], Field(min_length=1), _none_as(DEFAULT_SEGMENTS), AfterValidator(_contiguous)]


@dataclass(frozen=True, config=SCHEMA)
class IdentitySettings:
    """When a vendor company and a CRM account are one company."""

    match_threshold: Annotated[Number, Field(ge=0.5, le=1.0)] = Field(
        0.92, description="Splink match probability above which a vendor company and a CRM account are one company.")


@dataclass(frozen=True, config=SCHEMA)
class TerritoryPlanSettings:
    """How territories are redrawn. Segment names are the customer's (the Segment of its territories)."""

    territories_per_segment: Annotated[dict[str, Annotated[Count, Field(ge=1)]], _none_as({})] = Field(
        default_factory=dict, description="Segment (as your territories name it) -> number of geographic "
                                          "territories; default keeps the current count.")
    balance_metric: Literal[BALANCE_METRICS] = Field(
        PLANNER.balance_metric, description="What territories are balanced on: potential, workload or accounts.")
    tolerance: Annotated[Number, Field(gt=0, lt=1)] = Field(
        PLANNER.tolerance, description="Allowed deviation from the group mean (0.05 = 5%).")
    workload_tolerance: Annotated[Number, Field(gt=0, lt=1)] | None = Field(
        PLANNER.workload_tolerance, description="Allowed deviation of each territory's workload when balancing "
                                                "potential; null: no workload band.")
    disruption_weight: Annotated[Number, Field(ge=0)] = Field(
        PLANNER.disruption_weight, description="How strongly moving accounts is penalised.")
    whitespace_move_weight: Annotated[Number, Field(ge=0)] = Field(
        PLANNER.whitespace_move_weight, description="Cost of moving a company not yet in the CRM, against 1 for an "
                                                    "account in a rep's book.")
    compactness_weight: Annotated[Number, Field(ge=0)] = Field(
        PLANNER.compactness_weight, description="How strongly (squared) distance from a territory's centre is "
                                                "penalised.")
    capacity_overflow_weight: Annotated[Number, Field(ge=0)] = Field(
        PLANNER.capacity_overflow_weight, description="Cost of one account over a rep's Max_Accounts__c, in moved "
                                                      "book accounts (above 1: plans relieve overloaded reps).")
    locks: Annotated[tuple[str, ...], BeforeValidator(lambda v: [] if v is None else
                                                      [str(x) for x in v] if isinstance(v, list) else v)] = Field(
        PLANNER.locks, description="CRM account ids kept in their current territory.")


def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone such as UTC or America/New_York") from None
    return name


@dataclass(frozen=True, config=SCHEMA)
class ScheduleSettings:
    """When the weekly refresh starts: Monday, after the vendors' weekly files have landed."""

    timezone: Annotated[Text, AfterValidator(_time_zone)] = Field(
        "UTC", description="IANA time zone of the Monday start, e.g. America/New_York (daylight saving followed).")
    hour: Annotated[Count, Field(ge=0, le=23)] = Field(
        6, description="Hour of Monday (0-23, in that time zone) at which the weekly refresh starts.")


@dataclass(frozen=True, config=SCHEMA)
class Settings:
    """Everything terrain.yaml can say; every key optional."""

    scoring: Annotated[ScoringSettings, _none_as({})] = Field(default_factory=ScoringSettings)
    intent: Annotated[IntentSettings, _none_as({})] = Field(default_factory=IntentSettings)
    icp: Annotated[IcpSettings, _none_as({})] = Field(default_factory=IcpSettings)
    personas: Annotated[PersonaSettings, _none_as({})] = Field(default_factory=PersonaSettings)
    segments: Segments = Field(
        DEFAULT_SEGMENTS, description="Employee bands. They place only companies that no segmented territory covers: "
                                      "a territory's Segment wins.")
    identity: Annotated[IdentitySettings, _none_as({})] = Field(default_factory=IdentitySettings)
    territory_plan: Annotated[TerritoryPlanSettings, _none_as({})] = Field(default_factory=TerritoryPlanSettings)
    schedule: Annotated[ScheduleSettings, _none_as({})] = Field(default_factory=ScheduleSettings)

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
            "engagement_half_life_days": self.scoring.engagement_half_life_days,
        }


ADAPTER = TypeAdapter(Settings)
JSON_SCHEMA = ADAPTER.json_schema()


def settings_document(settings: Settings) -> dict[str, Any]:
    """``settings`` as terrain.yaml (and Dagster run config) write them: plain lists, maps and text."""
    return ADAPTER.dump_python(settings, mode="json")


def schema_node(node: dict) -> dict:
    """A JSON-schema node with references followed and ``X | None`` read as ``X``."""
    while True:
        if "$ref" in node:
            node = JSON_SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in node:
            node = next(option for option in node["anyOf"] if option.get("type") != "null")
        else:
            return node


def _schema_at(loc: tuple) -> dict:
    node = schema_node(JSON_SCHEMA)
    for part in loc:
        if isinstance(part, int):
            node = schema_node(node.get("items", {}))
        elif "properties" in node:
            node = schema_node(node["properties"].get(part, {}))
        else:
            node = schema_node(node.get("additionalProperties") or {})
    return node


def _key(loc: tuple) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else str(part)
    return key or "terrain.yaml"


def _explain(error: dict) -> str:
    """One pydantic error in the words of terrain.yaml's documentation."""
    kind, got, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        allowed = ", ".join(sorted(_schema_at(error["loc"][:-1]).get("properties", {})))
        return f"unknown setting (allowed: {allowed})"
    bounds = {"greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt"),
              "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}
    if kind in bounds:
        words, name = bounds[kind]
        return f"must be {words} {ctx[name]}, got {got!r}"
    if kind.startswith(("date_", "datetime_")):
        return f"expected a date YYYY-MM-DD, got {got!r}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("missing", "missing_argument"):
        return "required"
    messages = {
        "int_type": "expected a whole number", "float_type": "expected a number",
        "literal_error": f"expected one of {ctx.get('expected', '').replace(chr(39), '')}",
        "tuple_type": "expected a list", "list_type": "expected a list", "too_short": "expected a non-empty list",
        "dict_type": "expected a mapping", "dataclass_type": "expected a mapping", "string_type": "expected text",
        "string_too_short": "expected a non-empty text",
    }
    return f"{messages.get(kind, error['msg'])}, got {got!r}"


def _first_causes(errors: list[dict]) -> list[dict]:
    """Pydantic also reports a list as too short when its only items were invalid; the items say why."""
    def inside(error: dict, other: dict) -> bool:
        return len(other["loc"]) > len(error["loc"]) and other["loc"][:len(error["loc"])] == error["loc"]
    return [e for e in errors if not (e["type"] == "too_short" and any(inside(e, other) for other in errors))]


def parse_settings(raw: Any) -> Settings:
    """Validate a parsed terrain.yaml document (or the launchpad's run config) and fill in defaults."""
    try:
        return ADAPTER.validate_python({} if raw is None else raw)
    except ValidationError as exc:
        errors = _first_causes(exc.errors())
        raise SettingsError("; ".join(f"{_key(e['loc'])}: {_explain(e)}" for e in errors)) from None


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
        try:
            settings = replace(settings, scoring=replace(settings.scoring, as_of=override))
        except ValidationError:
            raise SettingsError(f"{AS_OF_ENV}: scoring.as_of: expected a date YYYY-MM-DD, got {override!r}") from None
    return settings
