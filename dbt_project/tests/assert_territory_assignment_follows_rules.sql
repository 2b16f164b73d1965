{#-
    The rule engine's output agrees with the rules: a company carries a matched priority exactly
    when it is assigned, and its (territory, priority) pair is a rule that exists. Returns the
    companies that break this.
-#}
with

assigned as (

    select * from {{ ref('int_companies_territory_assigned') }}

),

rules as (

    select distinct territory_id, priority from {{ ref('int_territory_rules') }}

)

select assigned.*
from assigned
left join rules
    on assigned.territory_id = rules.territory_id
    and assigned.matched_priority = rules.priority
where (assigned.territory_id = 'UNASSIGNED' and assigned.matched_priority is not null)
    or (assigned.territory_id <> 'UNASSIGNED' and rules.territory_id is null)
