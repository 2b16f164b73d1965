{#-
    The golden record (int_companies_golden_record) with the customer's segment: the Segment of
    the territory the company's winning rule places it in, else its employee band
    (int_companies_territory_assigned). Every model that segments companies reads `segment` here;
    whether it is a named account comes from int_named_accounts.
    A band disagrees with the territory only when the band names one of the customer's own
    segments: bands named unlike every territory segment say nothing about the customer's rules.
-#}
with

companies as (

    select * from {{ ref('int_companies_golden_record') }}

),

assigned as (

    select
        account_key,
        segment,
        band_segment,
        segment_source
    from {{ ref('int_companies_territory_assigned') }}

),

named_accounts as (

    select
        account_key,
        named_reason
    from {{ ref('int_named_accounts') }}

),

territory_segments as (

    select distinct segment from {{ ref('int_territory_hierarchy') }}
    where segment is not null

),

segmented as (

    select
        companies.*,
        assigned.segment,
        assigned.band_segment,
        assigned.segment_source,
        assigned.segment_source = 'territory'
        and assigned.band_segment <> assigned.segment
        and assigned.band_segment in (select segment from territory_segments)
            as band_disagrees_with_territory,
        named_accounts.account_key is not null as is_named_account,
        named_accounts.named_reason
    from companies
    inner join assigned
        on companies.account_key = assigned.account_key
    left join named_accounts
        on companies.account_key = named_accounts.account_key

)

select * from segmented
