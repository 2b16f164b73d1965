{#-
    Every system's newest lead score per e-mail address on one 0-100 scale:
    - marketo: scores are unbounded, so the percentile rank within Marketo;
    - pardot: the mean of the score's percentile within Pardot and the grade (A+ = 100 down to
      F = 0 in equal steps), either alone when the other is missing;
    - eloqua: a letter+number rating (A1 best, D4 worst) is the mean of letter (A 100, B 67,
      C 33, D 0) and number (1 100, 2 67, 3 33, 4 0); a numeric score is clamped to 0-100;
    - hubspot: already 0-100 by design, clamped;
    - any other system: percentile rank within the system.
    A system with one scored address ranks it at 50.
-#}
with

scores as (

    select * from {{ ref('stg_map__scores') }}

),

ranked as (

    select
        scores.*,
        case
            when score is null then null
            when count(score) over (partition by source_system) = 1 then 50.0
            else 100.0 * (rank() over (partition by source_system order by score) - 1)
                / (count(score) over (partition by source_system) - 1)
        end as score_percentile
    from scores

),

{% set pardot_grades = ['A+', 'A', 'A-', 'B+', 'B', 'B-', 'C+', 'C', 'C-', 'D+', 'D', 'D-', 'F'] %}
graded as (

    select
        ranked.*,
        case grade
            {%- for grade in pardot_grades %}
            when '{{ grade }}' then {{ (100.0 * (pardot_grades | length - 1 - loop.index0) / (pardot_grades | length - 1)) | round(2) }}
            {%- endfor %}
        end as letter_grade_points,
        case
            when regexp_matches(coalesce(grade, ''), '^[A-D][1-4]$')
                then (
                    (100.0 * (3 - (ascii(left(grade, 1)) - ascii('A'))) / 3)
                    + (100.0 * (4 - cast(right(grade, 1) as integer)) / 3)
                ) / 2
        end as rating_points,
        least(100.0, greatest(0.0, score)) as clamped_score
    from ranked

),

normalized as (

    select
        email,
        email_domain,
        source_system,
        score,
        grade,
        scored_at,
        round(
            case source_system
                when 'marketo' then score_percentile
                when 'pardot' then
                    case
                        when score_percentile is not null and letter_grade_points is not null
                            then (score_percentile + letter_grade_points) / 2
                        else coalesce(score_percentile, letter_grade_points)
                    end
                when 'eloqua' then coalesce(rating_points, clamped_score)
                when 'hubspot' then clamped_score
                else score_percentile
            end,
        2) as score_normalized
    from graded

)

select * from normalized
