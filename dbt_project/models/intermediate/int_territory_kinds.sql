{#-
    Every territory with the kind its rules show, its segment and its country, for territory
    design and the territory summary.

    Kind, from the fields of all the territory's rules:
    - named: only Id conditions (a BillingCountry condition beside them changes nothing);
    - geographic: conditions on country, state and postal code, optionally with size conditions
      (employees, revenue); a territory whose rules only have size conditions is a national
      geographic territory (national within the home country);
    - vertical: Industry conditions without state or postal code and without Id, optionally with
      size or country conditions: a national vertical, whether the country is named or implied
      (a rule naming no country covers the home country, so both spellings are the same territory);
    - mixed: any other combination (Id rules beside state rules, Industry with State, ...).
    A territory without rules of known fields (a region, an area, an empty territory) has no kind;
    an empty leaf territory's country is the home country, a region's or area's is NULL.

    Country: the one country its rules cover (the countries BillingCountry conditions name, the home
    country for rules that name none). A territory covering several, or only Id lists, takes the
    most common country among its current companies (within the countries it covers, when it
    names any), ties and empty territories to the first in alphabetical order; a named territory
    with no companies takes the home country.
-#}
with

hierarchy as (

    select * from {{ ref('int_territory_hierarchy') }}

),

rules as (

    select * from {{ ref('int_territory_rules') }}

),

assigned as (

    select
        account_key,
        territory_id
    from {{ ref('int_companies_territory_assigned') }}

),

companies as (

    select
        account_key,
        country_code
    from {{ ref('int_companies_golden_record') }}

),

home_country as (

    select * from {{ ref('stg_crm__home_country') }}

),

territories as (

    select territory_id from hierarchy
    union
    select territory_id from rules

),

rule_fields as (

    select
        territory_id,
        count(distinct cast(priority as varchar)) as rules,
        string_agg(distinct field, ';' order by field) as rule_fields,
        bool_or(field = 'id') as has_id,
        bool_or(field in ('billingstate', 'billingpostalcode')) as has_subnational_geography,
        bool_or(field = 'billingcountry') as has_country,
        bool_or(field = 'industry') as has_industry,
        bool_or(field in ('numberofemployees', 'annualrevenue')) as has_size
    from rules
    where
        field in (
            'billingstate', 'billingpostalcode', 'billingcountry', 'industry',
            'numberofemployees', 'annualrevenue', 'id'
        )
    group by territory_id

),

kinds as (

    select
        territory_id,
        rules,
        rule_fields,
        case
            when has_id and not (has_subnational_geography or has_industry or has_size) then 'named'
            when has_id then 'mixed'
            when has_industry and has_subnational_geography then 'mixed'
            when has_industry then 'vertical'
            else 'geographic'
        end as territory_kind
    from rule_fields

),

covered_countries as (

    select distinct
        territory_id,
        match_text as country_code
    from rules
    where
        field = 'billingcountry'
        and operator in ('equals', 'in')
        and match_text is not null

    union

    select distinct
        territory_id,
        implied_country_code
    from rules
    where implied_country_code is not null

),

coverage as (

    select
        territory_id,
        string_agg(country_code, ';' order by country_code) as covered_country_codes
    from covered_countries
    group by territory_id

),

company_countries as (

    select
        assigned.territory_id,
        companies.country_code,
        count(*) as companies
    from assigned
    inner join companies
        on assigned.account_key = companies.account_key
    where
        assigned.territory_id <> 'UNASSIGNED'
        and companies.country_code is not null
    group by assigned.territory_id, companies.country_code

),

country_candidates as (

    select
        covered_countries.territory_id,
        covered_countries.country_code,
        coalesce(company_countries.companies, 0) as companies
    from covered_countries
    left join company_countries
        on
            covered_countries.territory_id = company_countries.territory_id
            and covered_countries.country_code = company_countries.country_code

    union all

    select
        company_countries.territory_id,
        company_countries.country_code,
        company_countries.companies
    from company_countries
    where not exists (
        select 1 from covered_countries
        where covered_countries.territory_id = company_countries.territory_id
    )

),

chosen_country as (

    select
        territory_id,
        country_code
    from country_candidates
    qualify row_number() over (
        partition by territory_id order by companies desc, country_code asc
    ) = 1

),

final as (

    select
        territories.territory_id,
        hierarchy.territory_name,
        hierarchy.parent_territory_id,
        hierarchy.territory_level,
        hierarchy.owner_user_id,
        hierarchy.area_id,
        hierarchy.region_id,
        coalesce(hierarchy.is_leaf, true) as is_leaf,
        kinds.territory_kind,
        hierarchy.segment,
        case
            when kinds.territory_kind is not null or coalesce(hierarchy.is_leaf, true)
                then coalesce(chosen_country.country_code, home_country.home_country_code)
        end as country_code,
        coverage.covered_country_codes,
        coalesce(kinds.rules, 0) as rules,
        kinds.rule_fields
    from territories
    cross join home_country
    left join hierarchy
        on territories.territory_id = hierarchy.territory_id
    left join kinds
        on territories.territory_id = kinds.territory_id
    left join coverage
        on territories.territory_id = coverage.territory_id
    left join chosen_country
        on territories.territory_id = chosen_country.territory_id

)

select * from final
