{#-
    Account families: every company with the company at the top of its ownership tree. The
    vendor's Ultimate_Parent_Id is trusted when present; otherwise parent links (CRM ParentId,
    else the vendor's Parent_Company_Id) are walked upwards, at most ten levels so that a cycle in
    the source data cannot loop forever.
-#}
with recursive

companies as (

    select
        account_key,
        parent_account_key,
        vendor_ultimate_parent_account_key
    from {{ ref('int_companies_unified') }}

),

ancestry (account_key, ancestor_account_key, depth) as (

    select
        account_key,
        account_key as ancestor_account_key,
        0 as depth
    from companies

    union all

    select
        ancestry.account_key,
        companies.parent_account_key,
        ancestry.depth + 1
    from ancestry
    inner join companies
        on ancestry.ancestor_account_key = companies.account_key
    where
        companies.parent_account_key is not null
        and ancestry.depth < 10

),

roots as (

    select
        account_key,
        ancestor_account_key as root_account_key,
        depth
    from (
        select
            ancestry.*,
            row_number() over (partition by account_key order by depth desc) as depth_rank
        from ancestry
    ) as ranked
    where depth_rank = 1

),

families as (

    select
        companies.account_key,
        companies.parent_account_key,
        coalesce(companies.vendor_ultimate_parent_account_key, roots.root_account_key) as family_account_key,
        roots.depth as family_depth
    from companies
    inner join roots
        on companies.account_key = roots.account_key

)

select
    families.*,
    count(*) over (partition by family_account_key) as family_size
from families
