{#-
    Marketing activities tied to CRM contacts and companies. An activity belongs to the CRM
    contact with exactly its e-mail address (the most recently modified one when several share
    it); otherwise to the company that owns its e-mail domain (identity.domain_keys). Free-mail
    domains never tie an activity to a company.
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
        row_number() over (
            partition by email order by last_modified_at desc nulls last, contact_id
        ) as email_rank
    from {{ ref('stg_crm__contacts') }}
    where email is not null

),

crm_keys as (

    select record_id, account_key
    from {{ source('identity', 'account_keys') }}
    where record_source = 'crm'

),

domain_keys as (

    select * from {{ source('identity', 'domain_keys') }}
    where not {{ is_free_mail_domain('domain') }}

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
        coalesce(crm_keys.account_key, domain_keys.account_key) as account_key,
        case
            when contacts.contact_id is not null then 'contact_email'
            when domain_keys.account_key is not null then 'email_domain'
        end as attribution_method,
        {{ activity_weight('activities.activity_type') }} as activity_weight
    from activities
    left join contacts
        on activities.email = contacts.email
        and contacts.email_rank = 1
    left join crm_keys
        on contacts.account_id = crm_keys.record_id
    left join domain_keys
        on contacts.contact_id is null
        and activities.email_domain = domain_keys.domain

)

select * from attributed
