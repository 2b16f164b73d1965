{#-
    Registered domain of a URL, host name or e-mail domain, lower case: drops the scheme,
    user info, path, query, port, trailing dot and any sub-domains (www. included), keeping one
    label more for the common two-part public suffixes (co.uk, com.au, ...). The suffix list is
    deliberately small: it covers the suffixes that business websites in the landing zone use,
    without shipping the full public-suffix list.
-#}
{% macro multi_part_public_suffixes() -%}
    {{ return([
        'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'ltd.uk', 'plc.uk', 'me.uk', 'net.uk',
        'com.au', 'net.au', 'org.au', 'edu.au', 'gov.au',
        'co.nz', 'org.nz', 'net.nz',
        'co.jp', 'ne.jp', 'or.jp',
        'co.in', 'net.in', 'org.in', 'firm.in',
        'co.za', 'org.za',
        'com.br', 'com.mx', 'com.ar', 'com.cn', 'com.hk', 'com.sg', 'com.tw', 'com.tr', 'co.kr',
        'co.il', 'com.my', 'com.ph'
    ]) }}
{%- endmacro %}

{% macro normalize_domain(expression) -%}
    {%- set suffix_pattern = multi_part_public_suffixes() | map('replace', '.', '\\.') | join('|') -%}
    {%- set host -%}
        rtrim(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(lower(trim({{ expression }})), '^[a-z][a-z0-9+.-]*://', ''),
                    '^[^/?#]*@', ''),
                '[/?#].*$', ''),
            ':[0-9]*$', ''),
        '.')
    {%- endset -%}
    nullif(
        case
            when regexp_matches({{ host }}, '(^|\.)({{ suffix_pattern }})$')
                then coalesce(nullif(regexp_extract({{ host }}, '([^.]+\.[^.]+\.[^.]+)$', 1), ''), {{ host }})
            else coalesce(nullif(regexp_extract({{ host }}, '([^.]+\.[^.]+)$', 1), ''), {{ host }})
        end,
    '')
{%- endmacro %}

{#- Lower-cased, trimmed e-mail address; empty strings become NULL. -#}
{% macro normalize_email(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}

{#- Registered domain of an e-mail address, so that jane@mail.acme.co.uk joins acme.co.uk. -#}
{% macro email_domain(expression) -%}
    case
        when strpos(trim({{ expression }}), '@') > 0
            then {{ normalize_domain("split_part(trim(" ~ expression ~ "), '@', 2)") }}
    end
{%- endmacro %}

{#-
    Free-mail providers: contacts on these domains can never be tied to a company by domain.
    identity.domain_keys already excludes them; the list guards the join anyway.
-#}
{% macro free_mail_domains() -%}
    {{ return([
        'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'ymail.com', 'hotmail.com',
        'hotmail.co.uk', 'outlook.com', 'live.com', 'msn.com', 'aol.com', 'icloud.com', 'me.com',
        'mac.com', 'protonmail.com', 'proton.me', 'gmx.com', 'gmx.net', 'mail.com', 'zoho.com',
        'yandex.com', 'qq.com', '163.com', 'comcast.net', 'verizon.net', 'att.net'
    ]) }}
{%- endmacro %}

{% macro is_free_mail_domain(expression) -%}
    coalesce({{ expression }} in ('{{ free_mail_domains() | join("', '") }}'), false)
{%- endmacro %}
