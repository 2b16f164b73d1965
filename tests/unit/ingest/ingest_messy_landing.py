"""A small landing zone with the mess real exports have, written byte by byte for ingestion tests.

Each file documents which rows must load and which must be quarantined (and why), so the tests can
check every count exactly.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd

BOM = b"\xef\xbb\xbf"

# crm/accounts/accounts_2024-01-01.csv: 9 data rows; rows 1, 2, 3 and 9 load.
ACCOUNTS_MAIN = (
    BOM
    + b" id , NAME ,Website,  ownerid ,NumberOfEmployees,CreatedDate,LastModifiedDate,Named_Account__c,Internal Note\n"
    + b'00123,"Acme, Inc.",acme.com,005A,120,2024-01-05T10:00:00+02:00,2024-02-01 08:30:00Z,YES,keep\n'
    + b'00124,=SUM(A1:A9),sumco.com,005A,15,2024-01-05,2024-01-06T00:00:00.250,0,formula\n'
    + b'00125,"Multi\nLine Name ""Quoted""",ml.com,005B,,,,,multi-line\n'
    + b"00126,Negative Co,neg.com,005B,-4,,,,negative employees\n"
    + b"00127,Bad Date Co,bad.com,005B,10,2024-02-30,,,impossible date\n"
    + b"00128,,noname.com,005B,10,,,,missing name\n"
    + b"00129,Bad Bool Co,bool.com,005B,10,,,maybe,bad boolean\n"
    + b"00130,Caf\xe9 Latin-1,cafe.com,005B,10,,,,not utf-8\n"
    + b"00131,Last Co,last.com,005C,7,2024-03-01 12:00,,no,fine\n"
)
ACCOUNTS_MAIN_QUARANTINE = {4: "value_range", 5: "type_parse", 6: "required_value", 7: "type_parse",
                            8: "invalid_utf8"}

# crm/accounts/accounts_2024-02-01.csv.gz: 2 rows, both load; one updates 00123.
ACCOUNTS_GZIP = (
    b"Id,Name,OwnerId,LastModifiedDate\n"
    b"00123,Acme Incorporated,005A,2024-03-01T00:00:00Z\n"
    b"00200,Gzip Co,005C,2024-03-01T00:00:00Z\n"
)

# crm/accounts/accounts_2024-03-01.parquet: 3 rows, the one without OwnerId is quarantined.
ACCOUNTS_PARQUET = pd.DataFrame({
    "Id": ["00300", "00301", "00302"],
    "Name": ["Parquet One", "Parquet Two", "Parquet Three"],
    "OwnerId": ["005A", None, "005C"],
    "AnnualRevenue": [1.5e6, 2.0e6, None],
    "Exclude_From_Realign__c": [True, False, None],
    "Unlisted": [1, 2, 3],
})

# crm/accounts/accounts_header_only.csv: loads 0 rows.
ACCOUNTS_HEADER_ONLY = b"Id,Name,OwnerId\n"

# crm/accounts/accounts_zero_bytes.csv: rejected, no header.
ACCOUNTS_ZERO_BYTES = b""

# crm/accounts/accounts_missing_owner.csv: rejected whole, both rows kept in quarantine.
ACCOUNTS_MISSING_OWNER = b"Id,Website\n00400,x.com\n00401,y.com\n"

# map/activities/activities.csv: 5 rows; rows 3 and 4 break enum rules.
ACTIVITIES = (
    b"email,activity_type,activity_ts,campaign,source_system\n"
    b"a@x.com,email_open,2024-03-04T09:00:00-05:00,spring,marketo\n"
    b"b@x.com,Web_Visit,2024-03-04 10:00:00,,HubSpot\n"
    b"c@x.com,phone_call,2024-03-04 10:00:00,,pardot\n"
    b"d@x.com,form_fill,2024-03-04 10:00:00,,salesforce\n"
    b"e@x.com,unsubscribe,2024-03-04,,\n"
)

# territories/rules/rules.csv: 4 rows; a bad operator and a non-numeric priority.
RULES = (
    b"Territory_Id,Priority,Field,Operator,Value\n"
    b"T1,1,BillingState,in,CA;OR\n"
    b"T2,2,NumberOfEmployees,between,100;500\n"
    b"T3,3,BillingState,contains,TX\n"
    b"T4,first,BillingState,equals,NY\n"
)

# intent/g2/g2.csv: 3 rows; one has an unknown signal type.
G2 = (
    b"company_domain,category,signal_type,date,visitor_count\n"
    b"x.com,CRM,pricing,2024-03-05,3\n"
    b"y.com,CRM,Comparison,2024-03-05T00:00:00Z,1\n"
    b"z.com,CRM,newsletter,2024-03-05,2\n"
)

# intent/bombora/surge_2024-03-06.csv: week from the file name (a Wednesday -> Monday 2024-03-04).
BOMBORA_FROM_NAME = (
    b"Domain,Topic,Composite Score,Metro Composite Score,Category\n"
    b"x.com,CRM Software,72,50,Sales\n"
    b"y.com,CRM Software,101,50,Sales\n"
    b"z.com,CRM Software,65,-1,Sales\n"
)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def build_messy_landing(root: Path) -> Path:
    """Write the landing zone under ``root`` and return it."""
    accounts = root / "crm" / "accounts"
    write(accounts / "accounts_2024-01-01.csv", ACCOUNTS_MAIN)
    write(accounts / "accounts_2024-02-01.csv.gz", gzip.compress(ACCOUNTS_GZIP))
    accounts.mkdir(parents=True, exist_ok=True)
    ACCOUNTS_PARQUET.to_parquet(accounts / "accounts_2024-03-01.parquet", index=False)
    write(accounts / "accounts_header_only.csv", ACCOUNTS_HEADER_ONLY)
    write(accounts / "accounts_zero_bytes.csv", ACCOUNTS_ZERO_BYTES)
    write(accounts / "accounts_missing_owner.csv", ACCOUNTS_MISSING_OWNER)
    write(root / "map" / "activities" / "activities.csv", ACTIVITIES)
    write(root / "territories" / "rules" / "rules.csv", RULES)
    write(root / "intent" / "g2" / "g2.csv", G2)
    write(root / "intent" / "bombora" / "surge_2024-03-06.csv", BOMBORA_FROM_NAME)
    return root
