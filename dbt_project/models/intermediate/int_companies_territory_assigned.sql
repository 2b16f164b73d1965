{#-
    Current territory of every company under the CRM assignment rules (see
    territory_rule_winners). A company in the CRM is where its primary CRM record is: the CRM
    record's own fields decide, as in the CRM itself. A company only the vendor knows is placed by
    the same rules through its own fields (State as BillingState, Postal_Code as
    BillingPostalCode, Employee_Count as NumberOfEmployees, ...). No matching rule gives UNASSIGNED.
-#}
with

companies as (

    select * from {{ ref('int_companies_unified') }}

),

crm_assignments as (

    select * from {{ ref('int_crm_accounts_territory_assigned') }}

),

rules as (

    select * from {{ ref('int_territory_rules') }}

),

vendor_only_companies as (

    select * from companies where crm_account_id is null

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
        companies.segment,
        companies.is_excluded_from_realign
    from companies
    left join crm_assignments
        on companies.crm_account_id = crm_assignments.account_id
    left join vendor_winners
        on companies.account_key = vendor_winners.subject_key

)

select * from assigned
