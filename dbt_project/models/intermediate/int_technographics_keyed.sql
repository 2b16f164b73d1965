{#-
    Installed technologies with the company (account key) of their vendor record, for the fit
    model's stack features; rows of vendor companies entity resolution does not know are left
    out.
-#}
{{ with_account_key(ref('stg_vendor__technographics'), 'vendor', 'company_id') }}
