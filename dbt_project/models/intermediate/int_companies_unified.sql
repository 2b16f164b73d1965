{#-
    The golden record (int_companies_golden_record) with the customer's segment: the Segment of
    the territory the company's winning rule places it in, else its employee band
    (int_companies_territory_assigned). Every model that segments companies reads `segment` here.
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
            as band_disagrees_with_territory
    from companies
    inner join assigned
        on companies.account_key = assigned.account_key

)

select * from segmented
