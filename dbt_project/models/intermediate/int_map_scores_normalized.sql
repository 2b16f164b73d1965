{#-
    Every lead score each system gave each e-mail address, on one 0-100 scale: its percentile among
    the scores of the same system, scale and scoring date (the day of scored_at). Every score of the
    history is kept (is_latest marks each address's newest per system), so a snapshot at a past
    date reads the score an address had then, normalised within a cohort that later scores do not
    change.

    What is ranked, per system:
    - marketo, hubspot and any other system: the number;
    - eloqua: the rating's points, profile letter (A 3 .. D 0) plus engagement digit (1 3 .. 4 0),
      so both count equally (A1 6, A2 and B1 5, .. D4 0); Eloqua numeric scores rank on their own;
    - pardot: the mean of the score's percentile and the grade's percentile (A+ 12 .. F 0); the
      score's percentile alone when there is no grade.

    The percentile is the mid-rank: 100 * (scores below + (equal scores - 1) / 2) / (n - 1), 50
    when a cohort has one score. Ties share the middle of their ranks, so every cohort averages 50
    whatever its system's scale and however many ties it has; a rating most leads share (D4)
    does not sink to 0 while the lowest Marketo scores spread over the bottom ranks.
-#}
{%- set pardot_grades = ['F', 'D-', 'D', 'D+', 'C-', 'C', 'C+', 'B-', 'B', 'B+', 'A-', 'A', 'A+'] -%}
{%- set cohort = 'source_system, scale, scored_on' -%}
{%- set mid_rank_percentile -%}
    case
        when __value__ is null then null
        when count(*) over (partition by {{ cohort }}, __value__ is null) = 1 then 50.0
        else 100.0 * (
            rank() over (partition by {{ cohort }}, __value__ is null order by __value__) - 1
            + (count(*) over (partition by {{ cohort }}, __value__) - 1) / 2.0
        ) / (count(*) over (partition by {{ cohort }}, __value__ is null) - 1)
    end
{%- endset -%}
with

scores as (

    select * from {{ ref('stg_map__score_history') }}

),

on_scale as (

    select
        scores.*,
        case when rating is not null then 'rating' when score is not null then 'number' end as scale,
        cast(scored_at as date) as scored_on,
        case
            when rating is not null
                then (ascii('D') - ascii(left(rating, 1))) + (4 - cast(right(rating, 1) as integer))
            else score
        end as scale_points,
        case
            when source_system = 'pardot' then
                case grade
                    {%- for grade in pardot_grades %}
                        when '{{ grade }}' then {{ loop.index0 }}
                    {%- endfor %}
                end
        end as grade_points

    from scores

),

ranked as (

    select
        on_scale.*,
        {{ mid_rank_percentile | replace('__value__', 'scale_points') }} as points_percentile,
        {{ mid_rank_percentile | replace('__value__', 'grade_points') }} as grade_percentile

    from on_scale

),

combined as (

    select
        ranked.*,
        case
            when source_system = 'pardot'
                then (points_percentile + coalesce(grade_percentile, points_percentile)) / 2
            else points_percentile
        end as combined_points

    from ranked

),

normalized as (

    select
        email,
        email_domain,
        source_system,
        score,
        rating,
        grade,
        scored_at,
        round({{ mid_rank_percentile | replace('__value__', 'combined_points') }}, 2) as score_normalized,
        row_number() over (
            partition by email, source_system
            order by scored_at desc nulls last, _delivery_seq desc, _row_number desc
        ) = 1 as is_latest

    from combined

)

select * from normalized
