{#-
    The golden record: one row per company (account_key). The primary CRM record and the primary
    vendor record are combined field by field; CRM values win where present because the sales
    team maintains them, and vendor values fill the gaps. A company is a customer when any of its
    CRM records is, so that a duplicate record cannot hide a customer. A company whose records
    name no country counts as in the home country (stg_crm__home_country); only US companies get
    a county from the packaged ZIP reference.

    Territory and segment come after this model (int_companies_territory_assigned), and
    int_companies_unified adds them: the customer's segment is its territory's, so it cannot be
    decided here.
-#}
with

account_keys as (

    select * from {{ source('identity', 'account_keys') }}

),

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

vendor_companies as (

    select * from {{ ref('stg_vendor__firmographics') }}

),

ranked_records as (

    select
        account_key,
        record_source,
        record_id,
        row_number() over (
            partition by account_key, record_source
            order by coalesce(is_primary, false) desc, match_probability desc nulls last, record_id asc
        ) as side_rank
    from account_keys

),

primary_crm as (

    select
        account_key,
        record_id as crm_account_id
    from ranked_records
    where record_source = 'crm' and side_rank = 1

),

primary_vendor as (

    select
        account_key,
        record_id as vendor_company_id
    from ranked_records
    where record_source = 'vendor' and side_rank = 1

),

crm_rollup as (

    select
        account_keys.account_key,
        count(*) as crm_record_count,
        max(case when crm_accounts.is_customer then 1 else 0 end) = 1 as any_record_is_customer,
        max(case when crm_accounts.is_flagged_named_in_crm then 1 else 0 end) = 1 as any_record_is_flagged_named,
        max(case when crm_accounts.is_excluded_from_realign then 1 else 0 end) = 1 as any_record_is_excluded
    from account_keys
    inner join crm_accounts
        on account_keys.record_id = crm_accounts.account_id
    where account_keys.record_source = 'crm'
    group by account_keys.account_key

),

crm_keys as (

    select
        record_id,
        account_key
    from account_keys
    where record_source = 'crm'

),

vendor_keys as (

    select
        record_id,
        account_key
    from account_keys
    where record_source = 'vendor'

),

companies as (

    select distinct account_key from account_keys

),

home_country as (

    select * from {{ ref('stg_crm__home_country') }}

),

unified as (

    select
        companies.account_key,
        primary_crm.crm_account_id,
        primary_vendor.vendor_company_id,
        coalesce(crm_accounts.account_name, vendor_companies.company_name) as account_name,
        coalesce(crm_accounts.domain, vendor_companies.domain) as domain,
        coalesce(crm_accounts.billing_city, vendor_companies.city) as city,
        coalesce(crm_accounts.state_code, vendor_companies.state_code) as state_code,
        coalesce(crm_accounts.postal_code, vendor_companies.postal_code) as postal_code,
        coalesce(crm_accounts.country_code, vendor_companies.country_code, home_country.home_country_code) as country_code,
        coalesce(crm_accounts.industry, vendor_companies.industry) as industry,
        vendor_companies.naics_code,
        vendor_companies.naics_sector,
        coalesce(crm_accounts.number_of_employees, vendor_companies.employee_count) as employees,
        coalesce(crm_accounts.annual_revenue, vendor_companies.revenue_usd) as annual_revenue,
        coalesce(crm_rollup.any_record_is_customer, false) as is_customer,
        crm_accounts.account_type,
        crm_accounts.owner_user_id,
        coalesce(crm_rollup.any_record_is_flagged_named, false) as is_flagged_named_in_crm,
        coalesce(crm_rollup.any_record_is_excluded, false) as is_excluded_from_realign,
        vendor_companies.founded_year,
        vendor_companies.is_public,
        coalesce(crm_rollup.crm_record_count, 0) as crm_record_count,
        primary_crm.crm_account_id is not null as has_crm_record,
        primary_vendor.vendor_company_id is not null as has_vendor_record,
        coalesce(crm_parent.account_key, vendor_parent.account_key) as parent_account_key,
        vendor_ultimate_parent.account_key as vendor_ultimate_parent_account_key

    from companies
    cross join home_country
    left join primary_crm
        on companies.account_key = primary_crm.account_key
    left join primary_vendor
        on companies.account_key = primary_vendor.account_key
    left join crm_accounts
        on primary_crm.crm_account_id = crm_accounts.account_id
    left join vendor_companies
        on primary_vendor.vendor_company_id = vendor_companies.company_id
    left join crm_rollup
        on companies.account_key = crm_rollup.account_key
    left join crm_keys as crm_parent
        on
            crm_accounts.parent_account_id = crm_parent.record_id
            and companies.account_key <> crm_parent.account_key
    left join vendor_keys as vendor_parent
        on
            vendor_companies.parent_company_id = vendor_parent.record_id
            and companies.account_key <> vendor_parent.account_key
    left join vendor_keys as vendor_ultimate_parent
        on
            vendor_companies.ultimate_parent_id = vendor_ultimate_parent.record_id
            and companies.account_key <> vendor_ultimate_parent.account_key

),

zip_counties as (

    select
        postal_code,
        county_fips
    from {{ source('reference', 'zip_codes') }}

),

located as (

    select
        unified.*,
        zip_counties.county_fips
    from unified
    left join zip_counties
        on
            unified.country_code = 'US'
            and unified.postal_code = zip_counties.postal_code

)

select * from located
