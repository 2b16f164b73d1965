{#-
    The current CRM contacts with the company (account key) of their account, for contact
    scoring; contacts whose account entity resolution does not know are left out.
-#}
{{ with_account_key(ref('stg_crm__contacts'), 'crm', 'account_id') }}
