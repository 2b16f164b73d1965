{#-
    The activity log is append-only; an activity delivered twice (same e-mail, type, time, system and
    campaign) counts once. The e-mail rule runs once per row, before the versions are ranked: written
    into the ranking's partition it ran once per occurrence, and cost four times the whole view.

    A table rather than a view: its data test and int_map_activities_attributed each ran the e-mail
    and domain rules over the whole log again (the largest weekly source, a third of the staging
    step's time at a million companies); built once, both read it.
-#}
{{ config(materialized='table') }}
with

source as (

    select * from {{ source('raw', 'map_activities') }}

),

keyed as (

    select
        *,
        {{ normalize_email('email') }} as email_key

    from source

),

current_activities as (

    {{ current_version('keyed', ['email_key', 'lower(trim(activity_type))', 'activity_ts', 'lower(trim(source_system))', 'campaign']) }} -- noqa: LT05

),

renamed as (

    select
        email_key as email,
        {{ email_domain('email') }} as email_domain,
        lower(trim(activity_type)) as activity_type,
        activity_ts as activity_at,
        campaign,
        lower(trim(source_system)) as source_system,
        _file_name,
        _delivery_seq,
        _row_number

    from current_activities

)

select * from renamed
