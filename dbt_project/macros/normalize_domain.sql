{#-
    Registered domains, the rule entity resolution keys companies by. Python's
    models_ml.identity.normalize.registered_domain is the same rule: both read the public_suffixes
    and free_mail_domains seeds, and tests/unit/dbt/test_registered_domain.py runs both on the
    same hard cases, so an intent row for acme.com.pe joins the company keyed acme.com.pe.
-#}

{#- The most labels a rule of the public_suffixes seed has (a wildcard counts as one). -#}
{% macro public_suffix_max_labels() -%}
    {{ return(4) }}
{%- endmacro %}

{#-
    What may be the host name of a URL, bare host name or e-mail address: surrounding whitespace,
    the scheme (with its slashes, so acme.com:8080 keeps its host), the path, user info or
    mailbox, the port and outer dots go.
-#}
{% macro domain_host_candidate(expression) -%}
    trim(regexp_replace(regexp_replace(regexp_extract(regexp_replace(
        regexp_replace(cast({{ expression }} as varchar), '^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$', '', 'g'),
        '^[A-Za-z][A-Za-z0-9+.\-]*:/+', ''), '^[^/?#\\ \t\n\r\f\v]*'),
        '^.*@', ''), ':.*$', ''), '.')
{%- endmacro %}

{#-
    The candidate in lower case when it is a host name: ASCII labels (punycode for international
    names) whose last label is not a number, so an IP address is no host name here; else NULL.
-#}
{% macro domain_host(candidate) -%}
    case
        when regexp_full_match(
                {{ candidate }},
                '(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?'
            )
            and not regexp_full_match({{ candidate }}, '.*\.[0-9]+')
            then lower({{ candidate }})
    end
{%- endmacro %}

{#- The last `labels` labels of a host name; NULL when it has fewer. -#}
{% macro domain_tail(host, labels) -%}
    nullif(regexp_extract({{ host }}, '[^.]+(\.[^.]+){{ '{' ~ (labels - 1) ~ '}' }}$'), '')
{%- endmacro %}

{#-
    Registered domain of a URL, host name or e-mail address: one label more than its public suffix,
    as the Public Suffix List decides it. An exception rule (!city.kawasaki.jp) prevails and names
    the registered domain itself; else the longest exact (co.uk) or wildcard (*.ck) rule; else the
    top-level label. A host that is itself a public suffix, an IP address or a bare word gives NULL.
    Written as a correlated subquery so that DuckDB works out each distinct value once.
-#}
{% macro normalize_domain(expression) -%}
    {%- set rules = "(select rule from " ~ ref('public_suffixes') ~ ")" -%}
    (
        select
            case
                {%- for labels in range(public_suffix_max_labels(), 1, -1) %}
                when '!' || {{ domain_tail('registered_host', labels) }} in {{ rules }}
                    then {{ domain_tail('registered_host', labels) }}
                {%- endfor %}
                {%- for labels in range(public_suffix_max_labels(), 1, -1) %}
                when {{ domain_tail('registered_host', labels) }} in {{ rules }}
                    or ({{ domain_tail('registered_host', labels) }} is not null
                        and '*.' || {{ domain_tail('registered_host', labels - 1) }} in {{ rules }})
                    then {{ domain_tail('registered_host', labels + 1) }}
                {%- endfor %}
                else {{ domain_tail('registered_host', 2) }}
            end
        from (
            select {{ domain_host('host_candidate') }} as registered_host
            from (select {{ domain_host_candidate(expression) }} as host_candidate) as candidates
        ) as hosts
    )
{%- endmacro %}

{#-
    The e-mail rule every side of a link uses (CRM contacts and users, marketing activities and lead
    scores), so that an activity of jo+news@acme.com reaches the contact jo@acme.com: surrounding
    whitespace goes, the address is lower-cased, the mailbox loses its +tag (sub-addressing, which
    Gmail, Microsoft 365 and most company mail servers deliver to the same mailbox, and which
    marketing systems keep as a lead of its own), the host its outer dots. Not an address (no or
    several @, an empty mailbox, a host that is no host name) gives NULL.
    models_ml.identity.normalize.normalize_email is the same rule; tests/unit/dbt/test_email_rule.py
    runs both on the same hard cases.
-#}
{% macro normalize_email(expression) -%}
    {%- set address = "lower(regexp_replace(cast(" ~ expression ~ " as varchar), '^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$', '', 'g'))" -%}
    {%- set mailbox = "split_part(split_part(" ~ address ~ ", '@', 1), '+', 1)" -%}
    {%- set host = "trim(split_part(" ~ address ~ ", '@', 2), '.')" -%}
    case
        when length({{ address }}) - length(replace({{ address }}, '@', '')) = 1
            and {{ mailbox }} <> ''
            and {{ domain_host(host) }} is not null
            then {{ mailbox }} || '@' || {{ host }}
    end
{%- endmacro %}

{#-
    Registered domain of an e-mail address, so that jane@mail.acme.co.uk joins acme.co.uk; free-mail
    domains are kept (is_free_mail_domain tells them apart).
-#}
{% macro email_domain(expression) -%}
    case
        when strpos({{ expression }}, '@') > 0
            then {{ normalize_domain(expression) }}
    end
{%- endmacro %}

{#-
    Whether a registered domain belongs to a consumer mailbox provider (the free_mail_domains seed,
    which entity resolution reads too): contacts on these domains are never tied to a company by
    domain.
-#}
{% macro is_free_mail_domain(expression) -%}
    coalesce({{ expression }} in (select domain from {{ ref('free_mail_domains') }}), false)
{%- endmacro %}
