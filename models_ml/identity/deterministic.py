"""The certain matches: a CRM account and a vendor company on the same registered domain.

A company's website is the strongest identifier both sources share, so a domain held by exactly
one vendor company settles the match, unless the names and addresses flatly disagree (a CRM
website field pasted from a partner's site). A domain held by several vendor companies (a parent
and subsidiaries on one website) settles nothing alone: the name must pick one company clearly,
otherwise the pair is left to the probabilistic model.
"""

from __future__ import annotations

import duckdb
import pandas as pd

DOMAIN_METHOD = "domain"
DOMAIN_AND_NAME_METHOD = "domain+name"

# A unique-domain pair is rejected only when names and addresses all disagree.
UNIQUE_DOMAIN_MIN_NAME_SIMILARITY = 0.70
# On a shared domain the name must identify the company, and stand clear of the runner-up.
SHARED_DOMAIN_MIN_NAME_SIMILARITY = 0.90
SHARED_DOMAIN_MIN_NAME_SIMILARITY_SAME_ZIP = 0.80
SHARED_DOMAIN_MIN_MARGIN = 0.03


def domain_matches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """CRM-to-vendor matches decided by domain, from ``identity_records``.

    Returns columns crm_unique_id, vendor_unique_id, match_probability, match_method: at most one
    vendor company per CRM account. Deterministic evidence is reported with probability 1.0.
    """
    return con.execute(
        f"""
        with crm as (
            select * from identity_records where record_source = 'crm' and domain is not null
        ), vendor as (
            select *, count(*) over (partition by domain) as companies_on_domain
            from identity_records where record_source = 'vendor' and domain is not null
        ), candidates as (
            select c.unique_id as crm_unique_id,
                   v.unique_id as vendor_unique_id,
                   v.companies_on_domain,
                   case when c.name_norm = v.name_norm then 1.0
                        else coalesce(jaro_winkler_similarity(c.name_norm, v.name_norm), 0) end
                       as name_similarity,
                   coalesce(c.zip5 = v.zip5, false) as same_zip,
                   coalesce(c.name_first_token = v.name_first_token, false) as same_first_token
            from crm c join vendor v on c.domain = v.domain
        ), ranked as (
            select *,
                   row_number() over (partition by crm_unique_id
                                      order by name_similarity desc, same_zip desc,
                                               vendor_unique_id) as rank,
                   lead(name_similarity) over (partition by crm_unique_id
                                               order by name_similarity desc, same_zip desc,
                                                        vendor_unique_id) as runner_up_similarity
            from candidates
        )
        select crm_unique_id, vendor_unique_id, 1.0 as match_probability,
               case when companies_on_domain = 1 then '{DOMAIN_METHOD}'
                    else '{DOMAIN_AND_NAME_METHOD}' end as match_method
        from ranked
        where rank = 1
          and case
                when companies_on_domain = 1 then
                    name_similarity >= {UNIQUE_DOMAIN_MIN_NAME_SIMILARITY}
                    or same_zip or same_first_token
                else
                    (name_similarity >= {SHARED_DOMAIN_MIN_NAME_SIMILARITY}
                     or (same_zip and name_similarity >= {SHARED_DOMAIN_MIN_NAME_SIMILARITY_SAME_ZIP}))
                    and name_similarity - coalesce(runner_up_similarity, 0) >= {SHARED_DOMAIN_MIN_MARGIN}
              end
        order by crm_unique_id
        """
    ).df()
