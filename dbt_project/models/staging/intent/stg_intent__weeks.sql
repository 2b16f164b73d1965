{#-
    The weeks each intent vendor has delivered, read from the deliveries themselves, for the scoring
    date (int_as_of): the latest week no longer costs ranking every signal of stg_intent__bombora
    and stg_intent__g2. The weeks are theirs: a Bombora week keeps the rows of its newest delivery,
    and a G2 row's date is part of the key its upsert keeps.
-#}
with

bombora as (

    select distinct week_start
    from {{ source('raw', 'intent_bombora') }}
    where week_start is not null

),

g2 as (

    select distinct {{ week_start('date') }} as week_start
    from {{ source('raw', 'intent_g2') }}
    where date is not null

),

weeks as (

    select
        'bombora' as vendor,
        week_start
    from bombora

    union all

    select
        'g2' as vendor,
        week_start
    from g2

)

select * from weeks
