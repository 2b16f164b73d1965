{#-
    Which company owns an e-mail domain and since when that company is known: the one way a
    marketing activity or lead score without a CRM contact is tied to a company. Free-mail
    domains never tie anything to a company.
-#}
{{ config(materialized='ephemeral') }}

with

domain_keys as (

    select * from {{ source('identity', 'domain_keys') }}
    where not {{ is_free_mail_domain('domain') }}

),

known_from as (

    select * from {{ ref('int_company_known_from') }}

)

select
    domain_keys.domain,
    domain_keys.account_key,
    known_from.known_from
from domain_keys
left join known_from
    on domain_keys.account_key = known_from.account_key
