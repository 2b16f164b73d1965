"""The twelve landing sources: where each is dropped, what it must contain and the rules its rows obey.

This registry is the single statement of the landing contract inside the code. The reader uses it to
match headers, the parser to type columns, the Great Expectations suites to check rows and the
store to create ``raw.*`` tables with their full schema, so a rule changes in one place only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ColumnType(str, Enum):
    """Raw column types; every delivered value is read as text first and parsed to one of these."""

    TEXT = "VARCHAR"
    NUMBER = "DOUBLE"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    TIMESTAMP = "TIMESTAMP"


class ValueForm(str, Enum):
    """A form a value may take on some system's scale; the value is the form in the contract's words."""

    NUMBER = "a number"
    ELOQUA_RATING = "a rating A1 to D4"
    PARDOT_GRADE = "a grade A+ to F"


@dataclass(frozen=True)
class ScaleRule:
    """The forms a value may take, chosen by another column of the same row.

    Lead scores come on each marketing system's own scale, so ``A1`` is a valid Eloqua score and a
    malformed Marketo one. A row whose ``by`` value names no listed system is not judged here: the
    ``by`` column's own allowed values judge it.
    """

    by: str
    forms: tuple[tuple[str, tuple[ValueForm, ...]], ...]

    def expected(self, key: str) -> str:
        """The rule in words for rows whose ``by`` value is ``key``."""
        forms = dict(self.forms)[key]
        return f"on the {key} scale: " + " or ".join(form.value for form in forms)


@dataclass(frozen=True)
class Column:
    """One contract column.

    ``name`` is the header as the contract spells it; ``allowed`` values are compared trimmed and
    case-insensitively because exports from different tools differ in case only. ``scale`` holds a
    text column whose valid forms depend on another column of the row.
    """

    name: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    min_value: float | None = None
    max_value: float | None = None
    allowed: tuple[str, ...] = ()
    scale: ScaleRule | None = None

    @property
    def raw_name(self) -> str:
        """The column's name in ``raw.*``: the contract name with spaces replaced by underscores."""
        return self.name.replace(" ", "_")

    @property
    def header_key(self) -> str:
        return header_key(self.name)


@dataclass(frozen=True)
class Source:
    """A landing source: a folder of deliveries that loads into one raw table."""

    folder: str
    table: str
    columns: tuple[Column, ...]
    week_from_file_name: bool = False
    description: str = ""
    extra_columns: tuple[tuple[str, ColumnType], ...] = field(default=())

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for candidate in self.columns:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.folder} has no column {name!r}")


def header_key(name: str) -> str:
    """How a delivered header is compared with the contract: trimmed, case-folded, `_` as space."""
    return " ".join(name.replace("_", " ").split()).casefold()


T, N, B, D, TS = ColumnType.TEXT, ColumnType.NUMBER, ColumnType.BOOLEAN, ColumnType.DATE, ColumnType.TIMESTAMP

ACTIVITY_TYPES = (
    "email_open", "email_click", "web_visit", "form_fill", "webinar_attended", "content_download",
    "unsubscribe",
)
MAP_SYSTEMS = ("marketo", "pardot", "eloqua", "hubspot")
G2_SIGNAL_TYPES = ("profile", "pricing", "comparison", "category", "alternatives", "reviews")
RULE_OPERATORS = ("equals", "in", "starts_with", "between", "gte", "lt")

_NUMBER, _RATING, _GRADE = ValueForm.NUMBER, ValueForm.ELOQUA_RATING, ValueForm.PARDOT_GRADE
LEAD_SCORE_SCALE = ScaleRule("source_system", (
    ("marketo", (_NUMBER,)), ("hubspot", (_NUMBER,)), ("pardot", (_NUMBER,)), ("eloqua", (_RATING, _NUMBER)),
))
"""Eloqua's lead-scoring rating is a profile letter and an engagement digit (``A1`` .. ``D4``);
Eloqua's numeric profile and engagement scores are accepted too."""
LEAD_GRADE_SCALE = ScaleRule("source_system", (("pardot", (_GRADE,)),))


def _req(name: str, type_: ColumnType = T, **rules) -> Column:
    return Column(name, type_, required=True, **rules)


def _opt(name: str, type_: ColumnType = T, **rules) -> Column:
    return Column(name, type_, **rules)


_SOURCES: tuple[Source, ...] = (
    Source("crm/accounts", "crm_accounts", (
        _req("Id"), _req("Name"), _opt("Website"), _opt("BillingStreet"), _opt("BillingCity"),
        _opt("BillingState"), _opt("BillingPostalCode"), _opt("BillingCountry"), _opt("Industry"),
        _opt("NumberOfEmployees", N, min_value=0), _opt("AnnualRevenue", N, min_value=0),
        _req("OwnerId"), _opt("Type"), _opt("ParentId"), _opt("CreatedDate", TS),
        _opt("LastModifiedDate", TS), _opt("Named_Account__c", B), _opt("Exclude_From_Realign__c", B),
    ), description="Salesforce Account export"),
    Source("crm/opportunities", "crm_opportunities", (
        _req("Id"), _req("AccountId"), _opt("Name"), _req("StageName"), _opt("Amount", N, min_value=0),
        _req("CloseDate", D), _req("CreatedDate", TS), _opt("IsClosed", B), _opt("IsWon", B),
        _opt("Type"), _opt("Product_Family__c"), _opt("OwnerId"), _opt("LastModifiedDate", TS),
    ), description="Salesforce Opportunity export"),
    Source("crm/contacts", "crm_contacts", (
        _req("Id"), _req("AccountId"), _opt("FirstName"), _opt("LastName"), _opt("Email"), _opt("Title"),
        _opt("Department"), _opt("LeadSource"), _opt("HasOptedOutOfEmail", B), _opt("CreatedDate", TS),
        _opt("LastModifiedDate", TS),
    ), description="Salesforce Contact export"),
    Source("crm/users", "crm_users", (
        _req("Id"), _req("Name"), _opt("Email"), _opt("Title"), _opt("ManagerId"), _opt("IsActive", B),
        _opt("Sales_Role__c"), _opt("Segment__c"), _opt("Home_Postal_Code__c"), _opt("Hire_Date__c", D),
        _opt("Annual_Quota__c", N, min_value=0), _opt("Max_Accounts__c", N, min_value=0),
        _opt("Industry_Focus__c"),
    ), description="the sales roster"),
    Source("territories/definitions", "territory_definitions", (
        _req("Territory_Id"), _req("Name"), _opt("Parent_Territory_Id"), _opt("Level"),
        _opt("Owner_User_Id"), _opt("Segment"),
    ), description="the current territory hierarchy"),
    Source("territories/rules", "territory_rules", (
        _req("Territory_Id"), _req("Priority", N), _req("Field"),
        _req("Operator", allowed=RULE_OPERATORS), _req("Value"),
    ), description="territory assignment rules"),
    Source("vendor/firmographics", "vendor_firmographics", (
        _req("Company_Id"), _req("Company_Name"), _opt("Website"), _opt("Street"), _opt("City"),
        _opt("State"), _opt("Postal_Code"), _opt("Country"), _opt("NAICS_Code"), _opt("Industry"),
        _opt("Employee_Count", N, min_value=0), _opt("Revenue_USD", N, min_value=0),
        _opt("Founded_Year", N), _opt("Parent_Company_Id"), _opt("Ultimate_Parent_Id"),
        _opt("Is_Public", B), _opt("LastModifiedDate", TS),
    ), description="the third-party account universe"),
    Source("vendor/technographics", "vendor_technographics", (
        _req("Company_Id"), _req("Technology"), _opt("Category"), _opt("Domain"),
        _opt("First_Seen", D), _opt("Last_Seen", D),
    ), description="installed products"),
    Source("intent/bombora", "intent_bombora", (
        _req("Domain"), _req("Topic"), _req("Composite Score", N, min_value=0, max_value=100),
        _opt("Company Name"), _opt("Size"), _opt("Industry"), _opt("Category"), _opt("Metro Area"),
        _opt("Metro Composite Score", N, min_value=0, max_value=100), _opt("Domain Origin Country"),
        _opt("Week", D),
    ), week_from_file_name=True, extra_columns=(("week_start", D),),
        description="Bombora Company Surge"),
    Source("intent/g2", "intent_g2", (
        _req("company_domain"), _req("category"), _req("signal_type", allowed=G2_SIGNAL_TYPES),
        _req("date", D), _opt("company_name"), _opt("company_intent_score", N),
        _opt("visitor_count", N, min_value=0),
    ), description="G2 buyer intent"),
    Source("map/activities", "map_activities", (
        _req("email"), _req("activity_type", allowed=ACTIVITY_TYPES), _req("activity_ts", TS),
        _opt("campaign"), _opt("source_system", allowed=MAP_SYSTEMS),
    ), description="marketing-automation activity log"),
    Source("map/scores", "map_scores", (
        _req("email"), _req("source_system", allowed=MAP_SYSTEMS), _req("score", scale=LEAD_SCORE_SCALE),
        _opt("grade", scale=LEAD_GRADE_SCALE), _opt("scored_at", TS),
    ), description="marketing-automation lead scores"),
)

SOURCES: dict[str, Source] = {source.table: source for source in _SOURCES}
"""Landing sources by raw table name (``crm_accounts`` ... ``map_scores``)."""


def get_source(name: str) -> Source:
    """A source by raw table name or landing folder (``crm_accounts`` or ``crm/accounts``)."""
    if name in SOURCES:
        return SOURCES[name]
    for source in _SOURCES:
        if source.folder == name.strip("/"):
            return source
    raise KeyError(f"unknown landing source {name!r}; known: {', '.join(SOURCES)}")
