"""Contact personas and the contact score that orders who to call first inside an account.

The persona comes from rules on the normalised title (department breaks ties when the title alone
says nothing about the function). Rules beat a learned classifier here: titles are short, the
vocabulary is stable, a rep can read why someone is a "champion", and there is no labelled data in
a CRM to learn from. Order matters and is deliberate:

1. executive buyer: C-level, president, VP, head of, founder, owner, managing director; except a
   head of revenue, sales or marketing operations (or enablement), who runs the tool's team and
   sponsors it rather than signing for it: a champion;
2. technical evaluator when the job is the revenue team's systems (sales systems, CRM manager,
   Salesforce admin): they own the integration, whatever their seniority;
3. champion: a manager/director/lead of revenue, sales or marketing operations (or enablement,
   demand generation), the person who lives with the tool and sponsors it; directors of sales or
   marketing too, while first-line sales and marketing managers are end users of the tool;
4. other for functions outside the revenue team's buying group: product software engineering,
   marketing coordination, HR, recruiting, finance and office roles (they neither evaluate, sponsor
   nor use a revenue tool);
5. technical evaluator: IT, architecture, administrators, systems, data, security;
6. end user: representatives, account executives, analysts, coordinators, specialists, associates;
7. when the title names no function ("Manager", "Director of Operations"), the department decides;
   otherwise other.

``persona_fit_score`` is how over-represented each persona is among contacts of accounts that won
a deal, relative to all contacts (lift, scaled so the best persona is 100): the committee that
actually buys, learned from the CRM instead of assumed.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from models_ml.scoring.features import ENGAGEMENT_HALF_LIFE_DAYS, engagement_score_from_decayed

PERSONAS = ("executive buyer", "technical evaluator", "champion", "end user", "other")
CONTACT_SCORE_WEIGHTS = {"persona_fit_score": 0.4, "engagement_score": 0.35, "map_score_normalized": 0.25}

_ABBREVIATIONS = {
    r"\bsr\b": "senior", r"\bjr\b": "junior", r"\bmgr\b": "manager", r"\bdir\b": "director",
    r"\bsvp\b": "senior vice president", r"\bevp\b": "executive vice president",
    r"\bavp\b": "assistant vice president", r"\bvp\b": "vice president",
    r"\bops\b": "operations", r"\brevops\b": "revenue operations", r"\bmktg\b": "marketing",
    r"\beng\b": "engineer", r"\bsys\b": "systems", r"\bsdr\b": "sales development representative",
    r"\bbdr\b": "business development representative", r"\bae\b": "account executive",
    r"\bcsm\b": "customer success manager", r"\bgtm\b": "go to market",
    r"\bc(e|f|o|r|m|t|i|s|x|d|p|h)o\b": "chief officer",
}
_EXECUTIVE = re.compile(r"\b(chief|president|vice president|head|founder|co founder|owner|"
                        r"managing director|general manager|managing partner)\b")
_LEADER = re.compile(r"\b(manager|director|lead|leader)\b")
_REVENUE_FUNCTION = re.compile(r"\b(revenue|sales|marketing|demand generation|growth|go to market|"
                               r"business operations|sales enablement|crm)\b")
_TECHNICAL = re.compile(r"\b(engineer|engineering|architect|architecture|developer|development engineer|"
                        r"it|information technology|information systems|administrator|admin|devops|"
                        r"sysadmin|systems|system|network|security|infrastructure|data|database|"
                        r"software|technical|technology|cto|platform|salesforce|crm admin)\b")
_SYSTEMS = re.compile(r"\b(sales|marketing|revenue|business) systems\b|\bcrm (manager|admin|administrator|"
                      r"architect|developer)\b|\bsalesforce\b")
_CHAMPION_FUNCTION = re.compile(r"\b((revenue|sales|marketing|business|go to market) operations|enablement|"
                                r"revenue|demand generation|growth)\b")
_SENIOR_LEADER = re.compile(r"\b(senior manager|director|senior director)\b")
_REVENUE_OPERATIONS = re.compile(r"\b(revenue|sales|marketing|business|go to market) operations\b")
_HEAD_OF_OPERATIONS = re.compile(r"\bhead of\b.*\b((revenue|sales|marketing|go to market) operations|"
                                 r"(sales|revenue) enablement)\b")
_OUTSIDE_BUYING_GROUP = re.compile(r"\b(software|frontend|front end|backend|back end|full stack|mobile|qa|"
                                   r"test) (engineer|developer)\b|\bmarketing coordinator\b|\brecruit(er|ing)\b|"
                                   r"\b(hr|human resources|office) manager\b|\baccountant\b|\bcontroller\b|"
                                   r"\bproduct manager\b")
_END_USER = re.compile(r"\b(representative|rep|account executive|analyst|coordinator|specialist|"
                       r"associate|assistant|consultant|agent|executive assistant|advisor|"
                       r"account manager|customer success manager|strategist|planner)\b")
_DEPARTMENT_PERSONA = [
    (re.compile(r"\b(it|information technology|engineering|technology|systems|information systems)\b"),
     "technical evaluator"),
    (re.compile(r"\b(sales operations|revenue operations|marketing operations)\b"), "champion"),
    (re.compile(r"\b(executive|c suite|leadership|management)\b"), "executive buyer"),
    (re.compile(r"\b(sales|customer success|account management|business development)\b"), "end user"),
    (re.compile(r"\b(marketing|finance|human resources|hr|administration|legal|product|engineering)\b"), "other"),
]


def normalise_title(title: object) -> str:
    """Lower case, punctuation to spaces, common abbreviations spelled out."""
    if title is None or (isinstance(title, float) and np.isnan(title)) or title is pd.NA:
        return ""
    text = re.sub(r"[^a-z0-9]+", " ", str(title).lower().replace("&", " and "))
    for pattern, replacement in _ABBREVIATIONS.items():
        text = re.sub(pattern, replacement, text)
    return re.sub(r"\s+", " ", text).strip()


def classify_persona(title: object, department: object = None) -> str:
    """One of :data:`PERSONAS` for a contact's title (and department when the title is silent)."""
    text = normalise_title(title)
    if _HEAD_OF_OPERATIONS.search(text):
        return "champion"
    if _EXECUTIVE.search(text) and not re.search(r"\b(assistant to|executive assistant)\b", text):
        return "executive buyer"
    if _SYSTEMS.search(text):
        return "technical evaluator"
    if _LEADER.search(text) and _CHAMPION_FUNCTION.search(text):
        return "champion"
    if _LEADER.search(text) and _REVENUE_FUNCTION.search(text):
        return "end user" if re.search(r"\bmanager\b", text) and not _SENIOR_LEADER.search(text) else "champion"
    if _OUTSIDE_BUYING_GROUP.search(text):
        return "other"
    if _TECHNICAL.search(_REVENUE_OPERATIONS.sub(" ", text)):
        return "technical evaluator"
    if _END_USER.search(text):
        return "end user"
    dept = normalise_title(department)
    if dept:
        for pattern, persona in _DEPARTMENT_PERSONA:
            if pattern.search(dept):
                if persona == "champion" and not _LEADER.search(text):
                    return "end user"
                return persona
    return "other"


def persona_fit_scores(contacts: pd.DataFrame, won_accounts: pd.Index) -> dict[str, float]:
    """0-100 per persona: lift of its share on won accounts over its share on all accounts."""
    overall = contacts["persona"].value_counts(normalize=True)
    won = contacts.loc[contacts["account_key"].isin(won_accounts), "persona"].value_counts(normalize=True)
    if won.empty:
        return {p: 50.0 for p in PERSONAS}
    lift = (won / overall).reindex(list(PERSONAS)).fillna(0.0)
    return (100.0 * lift / lift.max()).round(1).to_dict()


def contact_engagement(t: date, contacts: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Per contact: engagement_score (0-100, decayed like the account score) and unsubscribed flag.

    Activities are matched to contacts by ``contact_id`` when the MAP carries it, else by email.
    """
    end = pd.Timestamp(t) + pd.Timedelta(days=1)
    rows = activities[activities["activity_ts"] < end]
    by_email = contacts.dropna(subset=["email"]).assign(email=lambda f: f["email"].str.lower())
    email_to_contact = by_email.drop_duplicates("email").set_index("email")["contact_id"]
    contact = rows["contact_id"].where(rows["contact_id"].isin(contacts["contact_id"]),
                                       rows["email"].str.lower().map(email_to_contact))
    age = (end - rows["activity_ts"]).dt.total_seconds() / 86400.0
    rows = rows.assign(contact=contact, decay=np.power(0.5, age / ENGAGEMENT_HALF_LIFE_DAYS)).dropna(subset=["contact"])
    decayed = rows.pivot_table(index="contact", columns="activity_type", values="decay", aggfunc="sum", fill_value=0.0)
    ids = pd.Index(contacts["contact_id"])
    score = engagement_score_from_decayed(decayed).reindex(ids).fillna(0.0)
    unsubscribed = ids.isin(rows.loc[rows["activity_type"] == "unsubscribe", "contact"])
    return pd.DataFrame({"engagement_score": score.to_numpy(), "unsubscribed": unsubscribed}, index=ids)


def score_contacts(t: date, contacts: pd.DataFrame, activities: pd.DataFrame,
                   map_scores: pd.DataFrame, won_accounts: pd.Index) -> pd.DataFrame:
    """``contact_priority`` rows: persona, its fit, engagement, MAP score, contact_score and rank.

    ``contact_score`` is a weighted mean of the available components (a contact unknown to the MAP
    is judged on persona and engagement alone). Opted-out contacts (the CRM flag or an unsubscribe)
    keep their scores, so analysts see them, but get no ``rank_in_account``: nobody should be
    sequenced into outreach they declined.
    """
    out = contacts.copy().reset_index(drop=True)
    departments = out["department"] if "department" in out.columns else pd.Series(None, index=out.index)
    out["persona"] = [classify_persona(title, dept) for title, dept in zip(out["title"], departments)]
    fit = persona_fit_scores(out, won_accounts)
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
