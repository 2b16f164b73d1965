{#-
    Marketing activities tied to CRM contacts and companies as the CRM stands today, with what a
    snapshot at a past date needs to tie them as they stood then.

    Today's link (account_key): the CRM contact with exactly the activity's e-mail address (the
    most recently modified one when several share it), else the company that owns its e-mail
    domain (identity.domain_keys). Free-mail domains never tie an activity to a company.

    For a past date t the link is rebuilt by scoring: through a contact only if it existed at t
    (stg_crm__contact_versions, by the e-mail and account of its version at t), else through the
    e-mail domain only if its company was known at t (domain_account_key, domain_known_from null
    meaning always), else not at all. contact_created_at shows how often today's link is younger
    than the activity it ties.
-#}
with

activities as (

    select * from {{ ref('stg_map__activities') }}

),

contacts as (

    select
        contact_id,
        account_id,
        email,
        created_at,
        row_number() over (
            partition by email order by last_modified_at desc nulls last, contact_id asc
        ) as email_rank
    from {{ ref('stg_crm__contacts') }}
    where email is not null

),

crm_keys as (

    select
        record_id,
        account_key
    from {{ source('identity', 'account_keys') }}
    where record_source = 'crm'

),

company_domains as (

    select * from {{ ref('int_company_domains') }}

),

attributed as (

    select
        activities.email,
        activities.email_domain,
        activities.activity_type,
        activities.activity_at,
        {{ week_start('activities.activity_at') }} as week_start,
        activities.campaign,
        activities.source_system,
        contacts.contact_id,
        coalesce(crm_keys.account_key, case when contacts.contact_id is null then company_domains.account_key end) as account_key,
        case
            when contacts.contact_id is not null then 'contact_email'
            when company_domains.account_key is not null then 'email_domain'
        end as attribution_method,
        contacts.created_at as contact_created_at,
        crm_keys.account_key as contact_account_key,
        company_domains.account_key as domain_account_key,
        company_domains.known_from as domain_known_from,
        {{ activity_weight('activities.activity_type') }} as activity_weight
    from activities
    left join contacts
        on
            activities.email = contacts.email
            and contacts.email_rank = 1
    left join crm_keys
        on contacts.account_id = crm_keys.record_id
    left join company_domains
        on activities.email_domain = company_domains.domain

)

select * from attributed
