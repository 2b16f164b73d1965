{#-
    The technologies installed at each company, competitors' included: the technographics of every
    vendor record tied to it, one row per company and technology (lower case). A table of its own,
    apart from int_company_lookalikes, because the lookalikes are rebuilt whenever the scoring date
    moves (a new intent week) while the installs change only with a technographics delivery.
-#}
with

vendor_keys as (

    select
        record_id,
        account_key
    from {{ source('identity', 'account_keys') }}
    where record_source = 'vendor'

),

technologies as (

    select distinct
        vendor_keys.account_key,
        lower(technographics.technology) as technology
    from {{ ref('stg_vendor__technographics') }} as technographics
    inner join vendor_keys
        on technographics.company_id = vendor_keys.record_id
    where technographics.technology is not null

)

select * from technologies
