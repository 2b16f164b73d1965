{#-
    The current CRM opportunities with the company (account key) of their account; an
    opportunity whose account entity resolution does not know is left out. Scoring reads it for
    labels, won deals and potential.
-#}
{{ with_account_key(ref('stg_crm__opportunities'), 'crm', 'account_id') }}
