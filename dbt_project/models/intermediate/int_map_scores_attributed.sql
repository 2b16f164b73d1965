{#-
    Every normalised lead score with the company its e-mail domain belongs to and since when that
    company is known, so a snapshot at a past date t can tie the score as it could have been tied
    then: through a CRM contact with that e-mail that existed at t (scoring reads
    stg_crm__contact_versions), else through the domain when its company was known at t, else not
    at all. Free-mail domains never tie a score to a company.
-#}
with

scores as (

    select * from {{ ref('int_map_scores_normalized') }}

),

company_domains as (

    select * from {{ ref('int_company_domains') }}

),

attributed as (

    select
        scores.*,
        company_domains.account_key as domain_account_key,
        company_domains.known_from as domain_known_from
    from scores
    left join company_domains
        on scores.email_domain = company_domains.domain

)

select * from attributed
