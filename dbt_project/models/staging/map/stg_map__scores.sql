{#-
    Each system's newest score per e-mail address: the newest row per address and system of
    stg_map__score_history, ordered as current_version orders raw versions (scored_at, a row
    without one taking the newest time delivered before it, then delivery, then row), so the
    parsing of the delivered text lives in one place.
-#}
with

score_history as (

    select * from {{ ref('stg_map__score_history') }}

),

current_scores as (

    {{ current_version('score_history', ['email', 'source_system'], 'scored_at') }}

),

final as (

    select
        email,
        email_domain,
        source_system,
        score,
        rating,
        grade,
        scored_at,
        _file_name,
        _delivery_seq,
        _row_number

    from current_scores

)

select * from final
