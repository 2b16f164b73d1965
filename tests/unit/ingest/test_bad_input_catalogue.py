"""Failure drills: a catalogue of wrong deliveries, each with what Terrain does about it.

Every case writes a tiny delivery into its own landing zone, ingests that source into a real DuckDB
file and checks the outcome: the quarantine rule of every bad row (the exact rule name), rows read =
loaded + quarantined, or the rejection message naming the file. The README's section "When a
delivery is wrong" lists the same cases by id, and a test keeps the two in step.

Some kinds of bad input pass ingestion on purpose, because no landing rule covers them (an unknown
country, an opportunity whose account is not delivered, a stage outside any picklist): the contract
keeps every delivered row and the later steps decide. Those cases are here too, with ``loaded``, so
the catalogue says what Terrain does rather than what one might hope.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.ingest import get_source, ingest_source, reconcile_source

README = Path(__file__).resolve().parents[3] / "README.md"
README_SECTION = "## When a delivery is wrong"

LOADED, REJECTED, DUPLICATE, IGNORED = "loaded", "rejected", "duplicate", "ignored"


@dataclass(frozen=True)
class BadDelivery:
    """One kind of wrong delivery and Terrain's answer to it.

    ``files`` are written into the source's folder; all but the last must load cleanly and set the
    scene (an earlier delivery), the last is the one judged. ``quarantined`` lists (row, rule,
    column) for that file in ``raw.quarantine``; ``check`` is a query on the warehouse with the rows
    it must return.
    """

    id: str
    source: str
    kind: str
    files: tuple[tuple[str, bytes], ...]
    status: str
    rows: tuple[int, int, int] = (0, 0, 0)
    quarantined: tuple[tuple[int, str, str | None], ...] = ()
    message: str = ""
    check: tuple[str, list] | None = None

    @property
    def judged_file(self) -> str:
        return self.files[-1][0]


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


ACCOUNTS = "Id,Name,OwnerId,BillingState,BillingCountry,NumberOfEmployees,AnnualRevenue,CreatedDate,Named_Account__c"
GOOD_ACCOUNT = "00123,Acme,005A,CA,US,120,1500000,2024-01-05,true"
OPPORTUNITIES = "Id,AccountId,StageName,Amount,CloseDate,CreatedDate"
CONTACTS = "Id,AccountId,Email"
BOMBORA = "Domain,Topic,Composite Score,Week"
G2 = "company_domain,category,signal_type,date,company_intent_score"
SCORES = "email,source_system,score,grade"
MISSING_STAGE = "missing required columns StageName"
SEPARATED = "deliveries are separated by ','"
NOT_UTF8_HEADER = "the header row is not valid UTF-8"
_GZIP_ROWS = "".join(f"{i:05d},Company {i},005A\n" for i in range(3000))

CASES: tuple[BadDelivery, ...] = (
    # The file as a whole: format, encoding, header.
    BadDelivery("missing_required_column", "crm_opportunities", "a required column is missing",
                (("opps.csv", csv_bytes("Id,AccountId,Amount,CloseDate,CreatedDate",
                                        "O1,A1,10,2024-05-01,2024-01-01", "O2,A1,20,2024-05-01,2024-01-01")),),
                REJECTED, (2, 0, 2), ((1, "missing_required_column", None), (2, "missing_required_column", None)),
                MISSING_STAGE),
    BadDelivery("no_header_row", "crm_accounts", "the file starts with data, no header row",
                (("accounts.csv", csv_bytes("00123,Acme,005A", "00124,Beta,005A")),),
                REJECTED, (1, 0, 1), ((1, "missing_required_column", None),), "missing required columns Id, Name, OwnerId"),
    BadDelivery("unknown_extra_column", "crm_accounts", "a column the contract does not list",
                (("accounts.csv", csv_bytes("Id,Name,OwnerId,Internal Note", "00123,Acme,005A,call back")),),
                LOADED, (1, 1, 0),
                check=("select count(*) from information_schema.columns where table_name = 'crm_accounts' "
                       "and column_name = 'Internal Note'", [(0,)])),
    BadDelivery("duplicated_header", "crm_accounts", "a column appears twice in the header",
                (("accounts.csv", csv_bytes("Id,Name,OwnerId,Name", "00123,Acme,005A,Acme Corp")),),
                LOADED, (1, 1, 0), check=("select Name from raw.crm_accounts", [("Acme",)])),
    BadDelivery("semicolon_separator", "crm_accounts", "fields separated by ';' (European Excel)",
                (("accounts.csv", csv_bytes("Id;Name;OwnerId", "00123;Acme;005A")),),
                REJECTED, (1, 0, 1), ((1, "missing_required_column", None),), "separated by ';'; " + SEPARATED),
    BadDelivery("tab_separator", "crm_accounts", "fields separated by tabs",
                (("accounts.csv", csv_bytes("Id\tName\tOwnerId", "00123\tAcme\t005A")),),
                REJECTED, (1, 0, 1), ((1, "missing_required_column", None),), "separated by tabs; " + SEPARATED),
    BadDelivery("excel_sep_line", "crm_accounts", "Excel's 'sep=,' line above the header",
                (("accounts.csv", csv_bytes("sep=,", "Id,Name,OwnerId", "00123,Acme,005A")),),
                REJECTED, (2, 0, 2), ((1, "malformed_row", None), (2, "malformed_row", None)),
                "missing required columns Id, Name, OwnerId"),
    BadDelivery("utf8_bom", "crm_accounts", "a UTF-8 byte order mark before the header",
                (("accounts.csv", codecs.BOM_UTF8 + csv_bytes("Id,Name,OwnerId", "00123,Acme,005A")),),
                LOADED, (1, 1, 0), check=("select Id, Name from raw.crm_accounts", [("00123", "Acme")])),
    BadDelivery("utf16_file", "crm_accounts", "the file is UTF-16 (Excel's 'Unicode text')",
                (("accounts.csv", "Id,Name,OwnerId\n00123,Acme,005A\n".encode("utf-16")),),
                REJECTED, message=NOT_UTF8_HEADER),
    BadDelivery("latin1_header", "crm_accounts", "Latin-1 bytes in the header row",
                (("accounts.csv", b"Id,Name,OwnerId,Pr\xe9nom\n00123,Acme,005A,Jos\xe9\n"),),
                REJECTED, message=NOT_UTF8_HEADER),
    BadDelivery("latin1_bytes_in_row", "crm_accounts", "Latin-1 bytes in a data row",
                (("accounts.csv", b"Id,Name,OwnerId\n00123,Caf\xe9 SA,005A\n00124,Beta,005A\n"),),
                LOADED, (2, 1, 1), ((1, "invalid_utf8", "Name"),)),
    BadDelivery("truncated_gzip", "crm_accounts", "a .csv.gz cut off before its end",
                (("accounts.csv.gz", gzip.compress(("Id,Name,OwnerId\n" + _GZIP_ROWS).encode())[:-400]),),
                REJECTED, message="Compressed file ended before the end-of-stream marker was reached"),
    BadDelivery("not_gzip", "crm_accounts", "a .csv.gz that is not gzip",
                (("accounts.csv.gz", csv_bytes("Id,Name,OwnerId", "00123,Acme,005A")),),
                REJECTED, message="Not a gzipped file"),
    BadDelivery("unsupported_extension", "crm_accounts", "a file type Terrain does not read (.xlsx)",
                (("accounts.xlsx", b"PK\x03\x04 spreadsheet"),),
                REJECTED, message="unsupported file type: deliveries are .csv, .csv.gz or .parquet"),
    BadDelivery("zero_byte_file", "crm_accounts", "an empty file (0 bytes)",
                (("accounts.csv", b""),), REJECTED, message="file is empty: it has no header row"),
    BadDelivery("header_only", "crm_accounts", "a header and no rows",
                (("accounts.csv", csv_bytes("Id,Name,OwnerId")),), LOADED, (0, 0, 0)),
    BadDelivery("header_then_blank_lines", "crm_accounts", "a header followed by empty lines only",
                (("accounts.csv", b"Id,Name,OwnerId\n\n\n"),), LOADED, (0, 0, 0)),
    BadDelivery("hidden_file", "crm_accounts", "an editor's lock file (.~lock...#) in the folder",
                (("accounts.csv", csv_bytes("Id,Name,OwnerId", "00123,Acme,005A")),
                 (".~lock.accounts.csv#", b"someone,host,2024-01-01")), IGNORED),
    BadDelivery("duplicate_file_renamed", "crm_accounts", "the same file delivered again under another name",
                (("accounts_2024-01-01.csv", csv_bytes("Id,Name,OwnerId", "00123,Acme,005A")),
                 ("accounts_copy.csv", csv_bytes("Id,Name,OwnerId", "00123,Acme,005A"))),
                DUPLICATE, message="same content as crm/accounts/accounts_2024-01-01.csv, delivered earlier",
                check=("select count(*) from raw.crm_accounts", [(1,)])),
    # Rows whose shape is wrong.
    BadDelivery("ragged_row_short", "crm_contacts", "a row with fewer fields than the header",
                (("contacts.csv", csv_bytes(CONTACTS, "C1,A1,a@x.com", "C2,A1", "C3,A1,c@x.com")),),
                LOADED, (3, 2, 1), ((2, "malformed_row", None),)),
    BadDelivery("ragged_row_long", "crm_contacts", "a row with more fields than the header",
                (("contacts.csv", csv_bytes(CONTACTS, "C1,A1,a@x.com", "C2,A1,b@x.com,surplus")),),
                LOADED, (2, 1, 1), ((2, "malformed_row", None),)),
    BadDelivery("unclosed_quote", "crm_contacts", "a quote left open in a row",
                (("contacts.csv", csv_bytes(CONTACTS, "C1,A1,a@x.com", 'C2,A1,"b@x.com', "C3,A1,c@x.com",
                                            "C4,A1,d@x.com")),),
                LOADED, (4, 3, 1), ((2, "unclosed_quote", None),),
                check=("select Id from raw.crm_contacts order by Id", [("C1",), ("C3",), ("C4",)])),
    BadDelivery("blank_row", "crm_accounts", "a row of empty fields only",
                (("accounts.csv", csv_bytes("Id,Name,OwnerId", "00123,Acme,005A", ",,", " , , ")),),
                LOADED, (3, 1, 2), ((2, "required_value", "Id"), (3, "required_value", "Id"))),
    BadDelivery("blank_required_value", "crm_accounts", "a required value that is only spaces",
                (("accounts.csv", csv_bytes("Id,Name,OwnerId", "00123,   ,005A")),),
                LOADED, (1, 0, 1), ((1, "required_value", "Name"),)),
    BadDelivery("duplicate_id_in_file", "crm_accounts", "one Id twice in a file",
                (("accounts.csv", csv_bytes("Id,Name,OwnerId", "00123,Acme,005A", "00123,Acme Corp,005B")),),
                LOADED, (2, 2, 0),
                check=("select Name, _row_number from raw.crm_accounts order by 2", [("Acme", 1), ("Acme Corp", 2)])),
    BadDelivery("conflicting_redelivery", "crm_accounts", "an Id delivered again with another value",
                (("accounts_2024-01-01.csv", csv_bytes("Id,Name,OwnerId,LastModifiedDate", "00123,Acme,005A,2024-01-01")),
                 ("accounts_2024-02-01.csv", csv_bytes("Id,Name,OwnerId,LastModifiedDate",
                                                       "00123,Acme Corp,005B,2024-02-01"))),
                LOADED, (1, 1, 0),
                check=("select Name, _delivery_seq from raw.crm_accounts order by 2", [("Acme", 1), ("Acme Corp", 2)])),
    # Values of the wrong type or out of range.
    BadDelivery("unparseable_timestamp", "crm_accounts", "a date in a non-ISO form (05/01/2024)",
                (("accounts.csv", csv_bytes(ACCOUNTS, GOOD_ACCOUNT, "00124,Beta,005A,CA,US,5,1,05/01/2024,")),),
                LOADED, (2, 1, 1), ((2, "type_parse", "CreatedDate"),)),
    BadDelivery("impossible_date", "crm_accounts", "a date that does not exist (2024-02-30)",
                (("accounts.csv", csv_bytes(ACCOUNTS, "00124,Beta,005A,CA,US,5,1,2024-02-30,")),),
                LOADED, (1, 0, 1), ((1, "type_parse", "CreatedDate"),)),
    BadDelivery("timezone_by_name", "crm_accounts", "a time zone by name (PST) instead of an offset",
                (("accounts.csv", csv_bytes(ACCOUNTS, "00124,Beta,005A,CA,US,5,1,2024-01-05 10:00 PST,")),),
                LOADED, (1, 0, 1), ((1, "type_parse", "CreatedDate"),)),
    BadDelivery("far_future_date", "crm_accounts", "a created date centuries ahead (2999-01-01)",
                (("accounts.csv", csv_bytes(ACCOUNTS, "00124,Beta,005A,CA,US,5,1,2999-01-01,")),),
                LOADED, (1, 1, 0)),
    BadDelivery("negative_employees", "crm_accounts", "a negative employee count",
                (("accounts.csv", csv_bytes(ACCOUNTS, GOOD_ACCOUNT, "00124,Beta,005A,CA,US,-4,1,,")),),
                LOADED, (2, 1, 1), ((2, "value_range", "NumberOfEmployees"),)),
    BadDelivery("non_numeric_employees", "crm_accounts", "employees as words (fifty)",
                (("accounts.csv", csv_bytes(ACCOUNTS, "00124,Beta,005A,CA,US,fifty,1,,")),),
                LOADED, (1, 0, 1), ((1, "type_parse", "NumberOfEmployees"),)),
    BadDelivery("thousands_separator", "crm_accounts", "a number with a thousands separator (\"1,200\")",
                (("accounts.csv", csv_bytes(ACCOUNTS, '00124,Beta,005A,CA,US,"1,200",1,,')),),
                LOADED, (1, 0, 1), ((1, "type_parse", "NumberOfEmployees"),)),
    BadDelivery("infinite_revenue", "crm_accounts", "a revenue of inf",
                (("accounts.csv", csv_bytes(ACCOUNTS, "00124,Beta,005A,CA,US,5,inf,,")),),
                LOADED, (1, 0, 1), ((1, "type_parse", "AnnualRevenue"),)),
    BadDelivery("bad_boolean", "crm_accounts", "a boolean that is neither true/false, 1/0 nor yes/no",
                (("accounts.csv", csv_bytes(ACCOUNTS, "00124,Beta,005A,CA,US,5,1,,maybe")),),
                LOADED, (1, 0, 1), ((1, "type_parse", "Named_Account__c"),)),
    BadDelivery("unknown_country", "crm_accounts", "a country that does not exist (Narnia)",
                (("accounts.csv", csv_bytes(ACCOUNTS, "00124,Beta,005A,,Narnia,5,1,,")),), LOADED, (1, 1, 0)),
    BadDelivery("not_a_us_state", "crm_accounts", "a US state that is not a state (XX)",
                (("accounts.csv", csv_bytes(ACCOUNTS, "00124,Beta,005A,XX,US,5,1,,")),), LOADED, (1, 1, 0)),
    BadDelivery("parquet_wrong_type", "crm_accounts", "a Parquet column of the wrong type (employees as text)",
                (("accounts.parquet", parquet_bytes(pd.DataFrame({
                    "Id": ["00123", "00124"], "Name": ["Acme", "Beta"], "OwnerId": ["005A", "005A"],
                    "NumberOfEmployees": ["120", "many"]}))),),
                LOADED, (2, 1, 1), ((2, "type_parse", "NumberOfEmployees"),)),
    BadDelivery("parquet_missing_required_column", "crm_accounts", "a Parquet file without a required column",
                (("accounts.parquet", parquet_bytes(pd.DataFrame({"Id": ["00123"], "Name": ["Acme"]}))),),
                REJECTED, (1, 0, 1), ((1, "missing_required_column", None),), "missing required columns OwnerId"),
    BadDelivery("corrupt_parquet", "crm_accounts", "a .parquet file that is not Parquet",
                (("accounts.parquet", b"PAR1 not really"),), REJECTED, message="not a readable Parquet file"),
    # Opportunities, contacts, users.
    BadDelivery("negative_amount", "crm_opportunities", "a negative opportunity amount",
                (("opps.csv", csv_bytes(OPPORTUNITIES, "O1,A1,Prospecting,-500,2024-05-01,2024-01-01")),),
                LOADED, (1, 0, 1), ((1, "value_range", "Amount"),)),
    BadDelivery("unparseable_close_date", "crm_opportunities", "a close date in words (next quarter)",
                (("opps.csv", csv_bytes(OPPORTUNITIES, "O1,A1,Prospecting,500,next quarter,2024-01-01")),),
                LOADED, (1, 0, 1), ((1, "type_parse", "CloseDate"),)),
    BadDelivery("missing_close_date", "crm_opportunities", "an opportunity without its close date",
                (("opps.csv", csv_bytes(OPPORTUNITIES, "O1,A1,Prospecting,500,,2024-01-01")),),
                LOADED, (1, 0, 1), ((1, "required_value", "CloseDate"),)),
    BadDelivery("opportunity_of_unknown_account", "crm_opportunities", "an opportunity whose account was never delivered",
                (("opps.csv", csv_bytes(OPPORTUNITIES, "O1,001NOPE,Prospecting,500,2024-05-01,2024-01-01")),),
                LOADED, (1, 1, 0)),
    BadDelivery("stage_not_in_picklist", "crm_opportunities", "a stage outside any picklist",
                (("opps.csv", csv_bytes(OPPORTUNITIES, "O1,A1,Maybe Later,500,2024-05-01,2024-01-01")),),
                LOADED, (1, 1, 0)),
    BadDelivery("contact_without_account", "crm_contacts", "a contact without AccountId",
                (("contacts.csv", csv_bytes(CONTACTS, "C1,,a@x.com")),), LOADED, (1, 0, 1),
                ((1, "required_value", "AccountId"),)),
    BadDelivery("malformed_email", "crm_contacts", "an e-mail address without @",
                (("contacts.csv", csv_bytes(CONTACTS, "C1,A1,not-an-email")),), LOADED, (1, 1, 0)),
    BadDelivery("negative_quota", "crm_users", "a negative annual quota",
                (("users.csv", csv_bytes("Id,Name,Annual_Quota__c", "005A,Ann,-1000")),), LOADED, (1, 0, 1),
                ((1, "value_range", "Annual_Quota__c"),)),
    # Territories and the vendor universe.
    BadDelivery("unknown_rule_operator", "territory_rules", "a rule operator Terrain does not know (contains)",
                (("rules.csv", csv_bytes("Territory_Id,Priority,Field,Operator,Value", "T1,1,BillingState,contains,TX")),),
                LOADED, (1, 0, 1), ((1, "allowed_values", "Operator"),)),
    BadDelivery("non_numeric_priority", "territory_rules", "a rule priority in words (first)",
                (("rules.csv", csv_bytes("Territory_Id,Priority,Field,Operator,Value", "T1,first,BillingState,equals,TX")),),
                LOADED, (1, 0, 1), ((1, "type_parse", "Priority"),)),
    BadDelivery("negative_employee_count", "vendor_firmographics", "a negative vendor employee count",
                (("universe.csv", csv_bytes("Company_Id,Company_Name,Employee_Count", "V1,Acme,-10")),),
                LOADED, (1, 0, 1), ((1, "value_range", "Employee_Count"),)),
    BadDelivery("unparseable_first_seen", "vendor_technographics", "a First_Seen date in words",
                (("tech.csv", csv_bytes("Company_Id,Technology,First_Seen", "V1,Snowflake,last year")),),
                LOADED, (1, 0, 1), ((1, "type_parse", "First_Seen"),)),
    # Intent.
    BadDelivery("bombora_score_out_of_range", "intent_bombora", "a Composite Score outside 0-100",
                (("surge.csv", csv_bytes(BOMBORA, "x.com,CRM,72,2024-03-04", "y.com,CRM,101,2024-03-04",
                                         "z.com,CRM,-1,2024-03-04")),),
                LOADED, (3, 1, 2), ((2, "value_range", "Composite Score"), (3, "value_range", "Composite Score"))),
    BadDelivery("bombora_week_not_monday", "intent_bombora", "a Week that is not a Monday (a Wednesday)",
                (("surge.csv", csv_bytes(BOMBORA, "x.com,CRM,72,2024-03-06")),), LOADED, (1, 1, 0),
                check=("select cast(week_start as varchar) from raw.intent_bombora", [("2024-03-04",)])),
    BadDelivery("bombora_no_week", "intent_bombora", "no Week column and no date in the file name",
                (("surge.csv", csv_bytes("Domain,Topic,Composite Score", "x.com,CRM,72")),),
                REJECTED, (1, 0, 1), ((1, "week_unknown", None),), "its week is unknown"),
    BadDelivery("bombora_impossible_date_in_name", "intent_bombora", "a file name dated 2024-02-30 and no Week column",
                (("surge_2024-02-30.csv", csv_bytes("Domain,Topic,Composite Score", "x.com,CRM,72")),),
                REJECTED, (1, 0, 1), ((1, "week_unknown", None),), "its week is unknown"),
    BadDelivery("bombora_unparseable_week", "intent_bombora", "a Week in words and no date in the file name",
                (("surge.csv", csv_bytes(BOMBORA, "x.com,CRM,72,week 10", "y.com,CRM,72,2024-03-04")),),
                LOADED, (2, 1, 1), ((1, "type_parse", "Week"),)),
    BadDelivery("g2_unknown_signal_type", "intent_g2", "a G2 signal_type not in the contract (newsletter)",
                (("g2.csv", csv_bytes(G2, "x.com,CRM,pricing,2024-03-05,40", "y.com,CRM,newsletter,2024-03-05,40")),),
                LOADED, (2, 1, 1), ((2, "allowed_values", "signal_type"),)),
    BadDelivery("g2_intent_score_above_100", "intent_g2", "a G2 company_intent_score above 100",
                (("g2.csv", csv_bytes(G2, "x.com,CRM,pricing,2024-03-05,150")),), LOADED, (1, 1, 0)),
    BadDelivery("g2_unparseable_date", "intent_g2", "a G2 date in words",
                (("g2.csv", csv_bytes(G2, "x.com,CRM,pricing,yesterday,40")),), LOADED, (1, 0, 1),
                ((1, "type_parse", "date"),)),
    # Marketing automation.
    BadDelivery("unknown_activity_type", "map_activities", "an activity type not in the contract (phone_call)",
                (("activities.csv", csv_bytes("email,activity_type,activity_ts,source_system",
                                              "a@x.com,phone_call,2024-03-04 10:00,marketo")),),
                LOADED, (1, 0, 1), ((1, "allowed_values", "activity_type"),)),
    BadDelivery("unknown_map_system", "map_activities", "a source_system that is not a known system (salesforce)",
                (("activities.csv", csv_bytes("email,activity_type,activity_ts,source_system",
                                              "a@x.com,email_open,2024-03-04 10:00,salesforce")),),
                LOADED, (1, 0, 1), ((1, "allowed_values", "source_system"),)),
    BadDelivery("marketo_score_not_a_number", "map_scores", "a Marketo score that is not a number (hot)",
                (("scores.csv", csv_bytes(SCORES, "a@x.com,marketo,42,", "b@x.com,marketo,hot,")),),
                LOADED, (2, 1, 1), ((2, "system_scale", "score"),)),
    BadDelivery("eloqua_rating_off_scale", "map_scores", "an Eloqua rating outside A1-D4 (E9)",
                (("scores.csv", csv_bytes(SCORES, "a@x.com,eloqua,B2,", "b@x.com,eloqua,E9,")),),
                LOADED, (2, 1, 1), ((2, "system_scale", "score"),)),
    BadDelivery("pardot_grade_off_scale", "map_scores", "a Pardot grade outside A+ to F (G)",
                (("scores.csv", csv_bytes(SCORES, "a@x.com,pardot,55,A-", "b@x.com,pardot,55,G")),),
                LOADED, (2, 1, 1), ((2, "system_scale", "grade"),)),
    BadDelivery("hubspot_score_letter", "map_scores", "a HubSpot score given as a rating (B2)",
                (("scores.csv", csv_bytes(SCORES, "a@x.com,hubspot,B2,")),), LOADED, (1, 0, 1),
                ((1, "system_scale", "score"),)),
    BadDelivery("lead_score_beyond_usual_range", "map_scores", "a Marketo score of 1000 and a HubSpot one of 130.5",
                (("scores.csv", csv_bytes(SCORES, "a@x.com,marketo,1000,", "b@x.com,hubspot,130.5,")),),
                LOADED, (2, 2, 0)),
    BadDelivery("unknown_score_system", "map_scores", "a lead score from an unknown system",
                (("scores.csv", csv_bytes(SCORES, "a@x.com,salesforce,42,")),), LOADED, (1, 0, 1),
                ((1, "allowed_values", "source_system"),)),
)


def _write(landing: Path, case: BadDelivery) -> None:
    folder = landing / get_source(case.source).folder
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in case.files:
        (folder / name).write_bytes(data)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_delivery(tmp_path, case):
    landing, quarantine_dir = tmp_path / "landing", tmp_path / "quarantine"
    _write(landing, case)
    con = duckdb.connect(str(tmp_path / "terrain.duckdb"))
    try:
        results = {r.file_name: r for r in ingest_source(con, case.source, landing, quarantine_dir)}
        for name, _ in case.files[:-1]:
            if case.status != IGNORED:
                assert (results[name].status, results[name].rows_quarantined) == (LOADED, 0), results[name].message
        if case.status == IGNORED:
            assert case.judged_file not in results
            return
        result = results[case.judged_file]
        location = f"{get_source(case.source).folder}/{case.judged_file}"
        assert result.status == case.status, result.message
        assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == case.rows, result.message
        assert result.rows_read == result.rows_loaded + result.rows_quarantined
        assert result.message.startswith(location), result.message
        assert case.message in result.message
        quarantined = con.execute(
            "select row_number, rule, column_name from raw.quarantine where file_name = ? order by row_number",
            [case.judged_file],
        ).fetchall()
        assert quarantined == list(case.quarantined)
        if case.status == REJECTED:
            assert result.message.startswith(f"{location} rejected: ")
            assert list(quarantine_dir.rglob(case.judged_file)), "the rejected file was not kept"
        if case.check:
            query, expected = case.check
            assert con.execute(query).fetchall() == expected
        assert reconcile_source(con, case.source) == []
    finally:
        con.close()


def test_case_ids_are_unique_and_cover_every_source():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 30
    assert {case.source for case in CASES} >= {"crm_accounts", "crm_opportunities", "crm_contacts", "crm_users",
                                               "territory_rules", "vendor_firmographics", "vendor_technographics",
                                               "intent_bombora", "intent_g2", "map_activities", "map_scores"}


def _readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    assert README_SECTION in text, f"README.md has no section {README_SECTION!r}"
    section = text.split(README_SECTION, 1)[1]
    return re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0]


def test_readme_lists_every_case():
    listed = set(re.findall(r"`([a-z0-9_]+)`", _readme_section()))
    missing = [case.id for case in CASES if case.id not in listed]
    assert not missing, f"README.md section {README_SECTION!r} does not list: {', '.join(missing)}"
