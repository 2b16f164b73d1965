"""Contact personas and the contact score that orders who to call first inside an account.

The persona comes from an ordered list of rules on the normalised title and department (the
``personas.rules`` setting; :data:`DEFAULT_PERSONA_RULES` when it is not set). Rules beat a learned
classifier here: titles are short, the vocabulary is stable, a rep can read why someone is a
"champion", there is no labelled data in a CRM to learn from, and a seller whose buying group is
drawn differently (a CIO who evaluates rather than signs) can say so in one line.

A rule names a persona and lists of alternatives: the title must contain one of ``title`` (the
function) and one of ``seniority``, none of ``title_not``, and the department one of ``department``;
fields a rule leaves out are not checked. The first rule that matches decides; a contact no rule
matches is ``other``. Alternatives are words or regular expressions matched as whole words on the
normalised text (lower case, punctuation as spaces, common abbreviations spelled out: VP, Sr, Ops,
RevOps, CIO, SFDC ...); the same spelling-out applies to the rules, so a rule may say ``cio`` or
``chief information officer``.

The default order is deliberate, for a seller of revenue-operations software:

1. other: assistants to executives and office staff, whatever the title names ("Executive
   Assistant to the CEO");
2. other: functions outside the revenue team's buying group at any level: people and HR, legal,
   health care, product management, product and non-IT engineering, the physical operations
   (warehouse, plant, supply chain, purchasing, facilities), customer service, design and writing,
   education;
3. champion: the head of a revenue, sales, marketing, business or customer-success operations or
   enablement team (they run the tool's team and sponsor it rather than sign for it);
4. executive buyer: C-level, president, vice president, head, founder, owner, managing director,
   general or country manager, executive director;
5. other: finance below the executive floor (accounting, control, tax, treasury, audit, payroll);
6. technical evaluator: the revenue team's own systems (sales or business systems, CRM, Salesforce,
   HubSpot, marketing technology), whatever the seniority: they own the integration;
7. champion: a manager, director or lead of revenue operations, enablement, demand generation, the
   deal desk or sales strategy; then a director of sales, marketing or customer success (first-line
   sales and marketing managers are end users of the tool);
8. end user: pre-sales engineers and consultants (they sit in the sales team);
9. technical evaluator: IT, information systems, security, networks, infrastructure, architecture,
   data engineering, integration, business applications, administrators;
10. other: project and programme managers, marketing and event coordination;
11. end user: everyone else in sales, marketing, business development or customer success
    (representatives, account executives, account and territory managers, campaigns, renewals);
12. when the title names no function ("Manager", "Director", "Analyst"), the department supplies it,
    read with the title's seniority as the title rules read it: executive departments (executive
    buyer), leaders of an operations department (champion) and its staff (end user), IT (technical
    evaluator), directors of a sales or marketing department (champion) and its staff (end user),
    departments outside the buying group (other);
13. end user: a title that names an individual contributor and nothing else (analyst, specialist,
    associate, consultant), the most common persona in a revenue team.

``persona_fit_score`` says how much more often a persona appears on won deals than on lost and
open ones. The CRM delivers no contact roles, so a contact counts on every deal of its account it
could have taken part in: created before the deal closed (before the scoring date for a deal still
open). Per persona, its share of won appearances among all its appearances is shrunk towards the
overall share with :data:`FIT_PRIOR_APPEARANCES` pseudo-appearances, so a persona seen on a handful
of deals stays near neutral; the score is the odds ratio of that share to the overall share, on a
0-100 scale where 50 means "as common on lost and open deals as on won ones" (``100 * OR / (1 + OR)``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from models_ml.scoring.features import ENGAGEMENT_HALF_LIFE_DAYS, engagement_score_from_decayed
from models_ml.scoring.text_keys import is_in

PERSONAS = ("executive buyer", "technical evaluator", "champion", "end user", "other")
CONTACT_SCORE_WEIGHTS = {"persona_fit_score": 0.4, "engagement_score": 0.35, "map_score_normalized": 0.25}
FIT_PRIOR_APPEARANCES = 30.0
NEUTRAL_FIT = 50.0

_ABBREVIATIONS = {
    "sr": "senior", "snr": "senior", "jr": "junior", "mgr": "manager", "mngr": "manager", "dir": "director",
    "exec": "executive", "acct": "account", "asst": "assistant", "assoc": "associate", "coord": "coordinator",
    "admin": "administrator", "sysadmin": "systems administrator", "mgmt": "management",
    "svp": "senior vice president", "evp": "executive vice president", "avp": "assistant vice president",
    "rvp": "regional vice president", "gvp": "group vice president", "vp": "vice president",
    "gm": "general manager", "cofounder": "co founder",
    "ops": "operations", "revops": "revenue operations", "rev": "revenue", "salesops": "sales operations",
    "mops": "marketing operations", "bizops": "business operations", "mktg": "marketing", "mkt": "marketing",
    "martech": "marketing technology", "bizdev": "business development", "bd": "business development",
    "bdm": "business development manager", "sdr": "sales development representative",
    "bdr": "business development representative", "ae": "account executive", "csm": "customer success manager",
    "gtm": "go to market", "sfdc": "salesforce", "dba": "database administrator", "bi": "business intelligence",
    "hr": "human resources", "hrbp": "human resources business partner", "engr": "engineer",
    "eng": "engineering", "dev": "developer", "sys": "systems", "sre": "site reliability engineer",
    "ceo": "chief executive officer", "coo": "chief operating officer", "cfo": "chief financial officer",
    "cro": "chief revenue officer", "cmo": "chief marketing officer", "cso": "chief sales officer",
    "cco": "chief commercial officer", "cio": "chief information officer", "cto": "chief technology officer",
    "ciso": "chief information security officer", "cdo": "chief data officer", "cpo": "chief product officer",
    "chro": "chief human resources officer", "cgo": "chief growth officer", "clo": "chief legal officer",
    "cao": "chief administrative officer", "cxo": "chief experience officer",
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_SPELLED_PAIRS = {"fp and a": "financial planning and analysis", "l and d": "learning and development",
                  "biz dev": "business development", "bus dev": "business development"}

RULE_FIELDS = ("title", "seniority", "title_not", "department")


@dataclass(frozen=True)
class PersonaRule:
    """One line of the persona rules: a persona and what a contact's title and department must show.

    Each field is a list of alternatives; a rule matches when every field it sets is met: the title
    contains one of ``title`` and one of ``seniority``, none of ``title_not``, and the department
    contains one of ``department``.
    """

    persona: str
    title: tuple[str, ...] = ()
    seniority: tuple[str, ...] = ()
    title_not: tuple[str, ...] = ()
    department: tuple[str, ...] = ()

    def matches(self, title: str, department: str) -> bool:
        """Whether a normalised ``title`` and ``department`` meet the rule."""
        return ((not self.title or bool(_compiled(self.title).search(title)))
                and (not self.seniority or bool(_compiled(self.seniority).search(title)))
                and not (self.title_not and _compiled(self.title_not).search(title))
                and (not self.department or bool(_compiled(self.department).search(department))))

    def to_dict(self) -> dict:
        """The rule as terrain.yaml writes it."""
        out: dict = {"persona": self.persona}
        out.update({key: list(getattr(self, key)) for key in RULE_FIELDS if getattr(self, key)})
        return out


def expand_abbreviations(text: str) -> str:
    """Common title abbreviations spelled out, whole words only, in titles and rule patterns alike."""
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], text)


@functools.cache
def _compiled(alternatives: tuple[str, ...]) -> re.Pattern:
    """Alternatives as one whole-word, case-insensitive regular expression (``re.error`` when invalid)."""
    body = "|".join(f"(?:{expand_abbreviations(a.strip())})" for a in alternatives)
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


def check_pattern(pattern: str) -> None:
    """Raise ``re.error`` when ``pattern`` is not a valid rule pattern."""
    _compiled((pattern,))


def normalise_title(title: object) -> str:
    """Lower case, punctuation to spaces, common abbreviations spelled out."""
    if title is None or title is pd.NA or (isinstance(title, float) and np.isnan(title)):
        return ""
    text = re.sub(r"[^a-z0-9]+", " ", str(title).lower().replace("&", " and ")).strip()
    for pair, spelled in _SPELLED_PAIRS.items():
        text = re.sub(rf"\b{pair}\b", spelled, text)
    return expand_abbreviations(text)


_OPERATIONS_FUNCTIONS = (
    "(revenue|sales|marketing|business|go to market|commercial|customer success) operations", "enablement",
    "demand generation", "deal desk",
    "(sales|commercial|revenue) (strategy|excellence|effectiveness|optimi[sz]ation|productivity|planning)")
_LEADERS = ("manager", "director", "lead", "leader", "head", "supervisor")
_DIRECTORS = ("director", "head")
_REVENUE_FUNCTIONS = ("sales", "marketing", "revenue", "business development", "growth", "go to market", "commercial",
                      "customer success", "partnerships", "channel")
_OPERATIONS_DEPARTMENTS = ("(revenue|sales|marketing|business|go to market|commercial) operations", "enablement")
_REVENUE_DEPARTMENTS = ("sales", "marketing", "customer success", "account management", "business development",
                        "revenue", "growth")

DEFAULT_PERSONA_RULES: tuple[PersonaRule, ...] = (
    PersonaRule("other", title=(
        "executive assistant", "assistant to", "personal assistant", "administrative assistant", "secretary",
        "receptionist", "office (manager|administrator|assistant|coordinator)")),
    PersonaRule("other", title_not=("product marketing",), title=(
        "human resources", "people", "talent", "recruit[a-z]*", "payroll", "benefits", "learning and development",
        "organi[sz]ational development", "legal", "counsel", "attorney", "lawyer", "solicitor", "paralegal",
        "compliance", "medical", "nursing", "nurse", "clinical", "physician", "pharmacist", "doctor",
        "product (manager|owner|management|director|lead)", "chief product officer", "vice president (of )?product",
        "head of product",
        "(software|frontend|front end|backend|back end|full stack|fullstack|web) (engineer(ing)?|develop(er|ment))",
        "(mobile|ios|android|game|embedded|firmware|hardware|qa|test|test automation) (engineer(ing)?|developer)",
        "(mechanical|civil|electrical|chemical|structural|process|manufacturing) engineer(ing)?",
        "warehouse", "plant", "production", "supply chain", "logistics", "procurement", "purchasing", "buyer",
        "facilities", "maintenance", "fleet", "driver", "store manager", "retail", "customer (service|support|care)",
        "call (center|centre)", "quality", "health and safety", "security (guard|officer)", "designer",
        "copywriter", "writer", "editor", "translator", "photographer", "teacher", "professor", "lecturer",
        "student", "intern", "retired", "volunteer", "chef", "cook", "scientist", "researcher",
        "(lab|laboratory|maintenance|field service) technician", "clerk")),
    PersonaRule("champion", seniority=("head",), title=_OPERATIONS_FUNCTIONS),
    PersonaRule("executive buyer", title=(
        "chief", "president", "vice president", "head", "founder", "co founder", "owner", "proprietor",
        "managing director", "general manager", "country manager", "country director", "executive director",
        "managing partner", "chairman", "chairwoman", "chair")),
    PersonaRule("other", title=(
        "accountant", "accounting", "accounts (payable|receivable)", "bookkeeper", "bookkeeping", "controller",
        "comptroller", "financial", "finance", "tax", "treasury", "treasurer", "audit", "auditor", "billing", "credit",
        "collections", "actuary", "underwriter")),
    PersonaRule("technical evaluator", title=(
        "(sales|marketing|revenue|business|go to market) systems", "crm", "salesforce", "hubspot", "marketo",
        "pardot", "eloqua", "dynamics", "netsuite", "marketing technology",
        "marketing automation (administrator|architect|developer|engineer)")),
    PersonaRule("champion", seniority=_LEADERS, title=_OPERATIONS_FUNCTIONS),
    PersonaRule("champion", seniority=_DIRECTORS, title=_REVENUE_FUNCTIONS),
    PersonaRule("end user", title=("sales engineer", "pre sales", "presales", "solutions? consultant",
                                   "sales consultant")),
    PersonaRule("technical evaluator", title=(
        "it", "information technology", "information systems", "information security", "cyber ?security",
        "security", "network", "infrastructure", "architect", "architecture", "devops", "site reliability engineer",
        "systems", "system", "database",
        "data (engineer|engineering|architect|architecture|platform|warehouse|warehousing|integration|infrastructure)",
        "business intelligence", "integration", "applications?", "erp", "sap", "cloud", "platform", "technology",
        "technical", "help ?desk", "service desk", "desktop support", "administrator")),
    PersonaRule("other", title=("project manager", "program manager", "programme manager", "project coordinator",
                                "marketing coordinator", "events?")),
    PersonaRule("end user", title=(
        "representative", "reps?", "account executive", "account manager", "customer success", "client success",
        "success manager", "business development", "sales", "marketing", "territory manager", "partner manager",
        "channel manager", "renewals?", "new business", "campaigns?", "appointment setter", "lead generation",
        "trainer")),
    PersonaRule("executive buyer", department=("executive", "c suite", "leadership", "board", "office of the ceo")),
    PersonaRule("champion", seniority=_LEADERS, department=_OPERATIONS_DEPARTMENTS),
    PersonaRule("end user", department=_OPERATIONS_DEPARTMENTS),
    PersonaRule("technical evaluator", department=(
        "it", "information technology", "information systems", "technology", "systems", "data", "security",
        "infrastructure")),
    PersonaRule("champion", seniority=_DIRECTORS, department=_REVENUE_DEPARTMENTS),
    PersonaRule("end user", department=_REVENUE_DEPARTMENTS),
    PersonaRule("other", department=(
        "finance", "accounting", "human resources", "people", "legal", "administration", "product", "engineering",
        "operations", "facilities", "procurement", "purchasing", "manufacturing", "customer (service|support)")),
    PersonaRule("end user", title=("analyst", "specialist", "associate", "coordinator", "consultant", "strategist",
                                   "planner", "advisor")),
)


def classify_persona(title: object, department: object = None,
                     rules: Iterable[PersonaRule] = DEFAULT_PERSONA_RULES) -> str:
    """One of :data:`PERSONAS` for a contact's title and department: the first rule that matches."""
    text, dept = normalise_title(title), normalise_title(department)
    for rule in rules:
        if rule.matches(text, dept):
            return rule.persona
    return "other"


def classify_contacts(contacts: pd.DataFrame, rules: Iterable[PersonaRule] = DEFAULT_PERSONA_RULES) -> pd.Series:
    """The persona of every contact (``title``, optional ``department``), each distinct pair classified once."""
    rules = tuple(rules)
    titles = contacts["title"] if "title" in contacts.columns else pd.Series(None, index=contacts.index)
    departments = contacts["department"] if "department" in contacts.columns else pd.Series(None, index=contacts.index)
    pairs = pd.DataFrame({"title": titles.astype("string"), "department": departments.astype("string")})
    distinct = pairs.drop_duplicates()
    persona = {(t, d): classify_persona(None if pd.isna(t) else t, None if pd.isna(d) else d, rules)
               for t, d in zip(distinct["title"], distinct["department"])}
    return pd.Series([persona[(t, d)] for t, d in zip(pairs["title"], pairs["department"])],
                     index=contacts.index, dtype=object)


def deal_appearances(contacts: pd.DataFrame, opportunities: pd.DataFrame, t: date) -> pd.DataFrame:
    """Each contact on each deal of its account known at ``t``: ``persona`` and ``won`` per appearance.

    A deal counts when it was created by the end of ``t``; it is won when it closed won by then,
    otherwise lost or still open. A contact appears on it when it existed before the deal closed
    (before the end of ``t`` for a deal still open); without ``created_at`` every contact does.
    """
    end = pd.Timestamp(t) + pd.Timedelta(days=1)
    deals = opportunities[opportunities["created_date"] < end]
    closed = deals["is_closed"].fillna(False).astype(bool) & (deals["close_date"] < end)
    deals = pd.DataFrame({"account_key": deals["account_key"],
                          "won": closed & deals["is_won"].fillna(False).astype(bool),
                          "until": (deals["close_date"] + pd.Timedelta(days=1)).where(closed, end)})
    created = (pd.to_datetime(contacts["created_at"], errors="coerce", utc=True, format="mixed").dt.tz_localize(None)
               if "created_at" in contacts.columns else pd.NaT)
    people = contacts[["account_key", "persona"]].assign(created=created)
    pairs = people.merge(deals, on="account_key")
    present = pairs["created"].isna() | (pairs["created"] < pairs["until"])
    return pairs.loc[present, ["persona", "won"]].reset_index(drop=True)


def persona_fit_scores(contacts: pd.DataFrame, won_accounts: pd.Index | None = None,
                       opportunities: pd.DataFrame | None = None, t: date | None = None,
                       prior: float = FIT_PRIOR_APPEARANCES) -> dict[str, float]:
    """0-100 per persona: how much more often it appears on won deals than on lost and open ones.

    With ``opportunities`` (and the scoring date ``t``) appearances are counted per deal
    (:func:`deal_appearances`); without them, per contact, at ``won_accounts`` against the others.
    50 is neutral: the persona is as common on lost and open deals as on won ones, or too rarely
    seen to say.
    """
    if opportunities is not None and len(opportunities) and t is not None:
        appearances = deal_appearances(contacts, opportunities, t)
    else:
        won = contacts["account_key"].isin(won_accounts if won_accounts is not None else [])
        appearances = pd.DataFrame({"persona": contacts["persona"], "won": won})
    won_share = appearances["won"].mean() if len(appearances) else np.nan
    if not 0 < won_share < 1:
        return {p: NEUTRAL_FIT for p in PERSONAS}
    counts = appearances.groupby("persona")["won"].agg(["sum", "size"]).reindex(list(PERSONAS)).fillna(0.0)
    shrunk = (counts["sum"] + prior * won_share) / (counts["size"] + prior)
    odds_ratio = (shrunk / (1.0 - shrunk)) / (won_share / (1.0 - won_share))
    return (100.0 * odds_ratio / (1.0 + odds_ratio)).round(1).to_dict()


def contact_engagement(t: date, contacts: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Per contact: engagement_score (0-100, decayed like the account score) and unsubscribed flag.

    Activities are matched to contacts by ``contact_id`` when the MAP carries it, else by email.
    """
    end = pd.Timestamp(t) + pd.Timedelta(days=1)
    rows = activities[activities["activity_ts"] < end]
    by_email = contacts.dropna(subset=["email"]).assign(email=lambda f: f["email"].str.lower())
    email_to_contact = by_email.drop_duplicates("email").set_index("email")["contact_id"]
    # ScoringInputs' activities carry each address lower-cased already (``contact``, where there is one).
    emails = rows["contact"].where(rows["email"].notna()) if "contact" in rows else rows["email"].str.lower()
    contact = rows["contact_id"].where(is_in(rows["contact_id"], contacts["contact_id"]), emails.map(email_to_contact))
    age = (end - rows["activity_ts"]).dt.total_seconds() / 86400.0
    rows = rows.assign(contact=contact, decay=np.power(0.5, age / ENGAGEMENT_HALF_LIFE_DAYS)).dropna(subset=["contact"])
    decayed = rows.pivot_table(index="contact", columns="activity_type", values="decay", aggfunc="sum", fill_value=0.0)
    ids = pd.Index(contacts["contact_id"])
    score = engagement_score_from_decayed(decayed).reindex(ids).fillna(0.0)
    unsubscribed = ids.isin(rows.loc[rows["activity_type"] == "unsubscribe", "contact"])
    return pd.DataFrame({"engagement_score": score.to_numpy(), "unsubscribed": unsubscribed}, index=ids)


def score_contacts(t: date, contacts: pd.DataFrame, activities: pd.DataFrame,
                   map_scores: pd.DataFrame, won_accounts: pd.Index,
                   opportunities: pd.DataFrame | None = None,
                   rules: Iterable[PersonaRule] = DEFAULT_PERSONA_RULES) -> pd.DataFrame:
    """``contact_priority`` rows: persona, its fit, engagement, MAP score, contact_score and rank.

    ``contact_score`` is a weighted mean of the available components (a contact unknown to the MAP
    is judged on persona and engagement alone). Opted-out contacts (the CRM flag or an unsubscribe)
    keep their scores, so analysts see them, but get no ``rank_in_account``: nobody should be
    sequenced into outreach they declined.
    """
    out = contacts.copy().reset_index(drop=True)
    out["persona"] = classify_contacts(out, rules)
    fit = persona_fit_scores(out, won_accounts, opportunities, t)
    out["persona_fit_score"] = out["persona"].map(fit).astype(float)
    engagement = contact_engagement(t, out, activities)
    out["engagement_score"] = engagement["engagement_score"].to_numpy()
    cutoff = pd.Timestamp(t) + pd.Timedelta(days=1)
    latest = (map_scores[map_scores["scored_at"] < cutoff].sort_values("scored_at")
              .drop_duplicates(["email", "source_system"], keep="last")
              .groupby("email")["score_normalized"].max())
    out["map_score_normalized"] = out["email"].str.lower().map(latest).astype(float)
    weights = pd.DataFrame({c: np.where(out[c].notna(), w, 0.0) for c, w in CONTACT_SCORE_WEIGHTS.items()})
    values = out[list(CONTACT_SCORE_WEIGHTS)].fillna(0.0)
    out["contact_score"] = ((values * weights.to_numpy()).sum(axis=1) / weights.sum(axis=1)).round(1)
    opted = out.get("has_opted_out_of_email", pd.Series(False, index=out.index))
    out["is_opted_out"] = opted.fillna(False).astype(bool).to_numpy() | engagement["unsubscribed"].to_numpy()
    reachable = out[~out["is_opted_out"]].sort_values(["account_key", "contact_score", "contact_id"],
                                                      ascending=[True, False, True])
    out["rank_in_account"] = pd.Series(reachable.groupby("account_key").cumcount() + 1).reindex(out.index).astype("Int64")
    return out
