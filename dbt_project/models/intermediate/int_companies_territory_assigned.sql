{#-
    Current territory and segment of every company under the CRM assignment rules (see
    territory_rule_winners). A company in the CRM is where its primary CRM record is: the CRM
    record's own fields decide, as in the CRM itself. A company only the vendor knows is placed by
    the same rules through its own fields (State as BillingState, Postal_Code as
    BillingPostalCode, Employee_Count as NumberOfEmployees, ...). No matching rule gives UNASSIGNED;
    a rule that names no country places only companies of the home country.

    The segment is the customer's own: the Segment of the territory the winning rule places the
    company in (the territory's, else its nearest ancestor's). The employee bands of
    var('segments') place only companies in UNASSIGNED or in a territory without a Segment; the
    band is kept as band_segment either way, so disagreements can be counted.
-#}
with

companies as (

    select * from {{ ref('int_companies_golden_record') }}

),

crm_assignments as (

    select * from {{ ref('int_crm_accounts_territory_assigned') }}

),

rules as (

    select * from {{ ref('int_territory_rules') }}

),

hierarchy as (

    select
        territory_id,
        segment
    from {{ ref('int_territory_hierarchy') }}

),

vendor_only_companies as (

    select * from companies
    where crm_account_id is null

),

subject_fields as (

    {{ territory_subject_fields('vendor_only_companies', 'account_key') }}

),

vendor_winners as (

    {{ territory_rule_winners('subject_fields', 'rules') }}

),

assigned as (

    select
        companies.account_key,
        companies.crm_account_id,
        companies.vendor_company_id,
        coalesce(crm_assignments.territory_id, vendor_winners.territory_id, 'UNASSIGNED') as territory_id,
        coalesce(crm_assignments.matched_priority, vendor_winners.matched_priority) as matched_priority,
        companies.employees,
        companies.is_excluded_from_realign
    from companies
    left join crm_assignments
        on companies.crm_account_id = crm_assignments.account_id
    left join vendor_winners
        on companies.account_key = vendor_winners.subject_key

),

segmented as (

    select
        assigned.account_key,
        assigned.crm_account_id,
        assigned.vendor_company_id,
        assigned.territory_id,
        assigned.matched_priority,
        coalesce(hierarchy.segment, {{ segment_for('assigned.employees') }}) as segment,
        {{ segment_for('assigned.employees') }} as band_segment,
        case when hierarchy.segment is not null then 'territory' else 'band' end as segment_source,
        assigned.is_excluded_from_realign
    from assigned
    left join hierarchy
        on
            assigned.territory_id = hierarchy.territory_id
            and assigned.territory_id <> 'UNASSIGNED'

)

select * from segmented
