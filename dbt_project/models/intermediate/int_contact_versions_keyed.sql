{#-
    Every delivered version of each CRM contact with the company (account key) of the account it
    had then, for linking activities and lead scores at a past date; a version whose account
    entity resolution does not know is kept with a null key (its e-mail still identifies the
    person).
-#}
{{ with_account_key(ref('stg_crm__contact_versions'), 'crm', 'account_id', keep_unknown=true) }}
