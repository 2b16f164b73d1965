{#-
    Every lead score each system gave each e-mail address, one row per address, system and
    scoring time (a score delivered again, or restated for the same time, counts once: the later
    delivery wins), read from the delivered text: a number, or Eloqua's rating. A snapshot at a
    past date needs the score an address had then, which the current view no longer holds once
    the address is scored again; stg_map__scores is the newest row per address and system here.
    The e-mail rule runs once per row, before the versions are ranked, rather than inside the ranking.

    Ephemeral: it is compiled into int_map_scores_normalized and stg_map__scores, which dbt can
    then build on their own.
-#}
{{ config(materialized='ephemeral') }}
{%- set rating_pattern = '^\\s*([A-Da-d][1-4])\\s*$' -%}
with

source as (

    select * from {{ source('raw', 'map_scores') }}

),

keyed as (

    select
        *,
        {{ normalize_email('email') }} as email_key

    from source

),

scorings as (

    {{ current_version('keyed', ['email_key', 'lower(trim(source_system))', 'scored_at']) }}

),

delivered as (

    select
        *,
        trim(cast(score as varchar)) as score_text,
        nullif(upper(regexp_extract(cast(score as varchar), '{{ rating_pattern }}', 1)), '') as score_rating,
        nullif(upper(regexp_extract(grade, '{{ rating_pattern }}', 1)), '') as grade_rating

    from scorings

),

renamed as (

    select
        email_key as email,
        {{ email_domain('email') }} as email_domain,
        lower(trim(source_system)) as source_system,
        case when isfinite(try_cast(score_text as double)) then try_cast(score_text as double) end as score,
        case when lower(trim(source_system)) = 'eloqua' then coalesce(score_rating, grade_rating) end as rating,
        nullif(upper(trim(grade)), '') as grade,
        scored_at,
        _file_name,
        _delivery_seq,
        _row_number

    from delivered

)

select * from renamed
