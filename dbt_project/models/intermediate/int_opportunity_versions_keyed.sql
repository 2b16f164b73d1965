{#-
    Every delivered version of each CRM opportunity with the company (account key) of its
    account, for point-in-time snapshots; versions whose account entity resolution does not know
    are left out.
-#}
{{ with_account_key(ref('stg_crm__opportunity_versions'), 'crm', 'account_id') }}
