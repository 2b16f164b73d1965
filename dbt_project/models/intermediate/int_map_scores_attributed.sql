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

domain_keys as (

    select * from {{ source('identity', 'domain_keys') }}
    where not {{ is_free_mail_domain('domain') }}

),

known_from as (

    select * from {{ ref('int_company_known_from') }}

),

attributed as (

    select
        scores.*,
        domain_keys.account_key as domain_account_key,
        known_from.known_from as domain_known_from
    from scores
    left join domain_keys
        on scores.email_domain = domain_keys.domain
    left join known_from
        on domain_keys.account_key = known_from.account_key

)

select * from attributed
