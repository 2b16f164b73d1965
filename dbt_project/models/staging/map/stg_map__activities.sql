{#- The activity log is append-only; an activity delivered twice (same e-mail, type, time, system and campaign) counts once. -#}
with

source as (

    select * from {{ source('raw', 'map_activities') }}

),

current_activities as (

    {{ current_version('source', [normalize_email('email'), 'lower(trim(activity_type))', 'activity_ts', 'lower(trim(source_system))', 'campaign']) }} -- noqa: LT05

),

renamed as (

    select
        {{ normalize_email('email') }} as email,
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
