"""The seller's world: what it sells, which intent topics matter to it and who competes with it.

The sample world is seen from one B2B vendor of revenue-operations software. Every signal the
generator emits (intent topics, installed technologies, opportunity products) is defined here so
that the latent buying process and the delivered files agree on one vocabulary.
"""

from __future__ import annotations

SELLER_NAME = "Beacon Revenue Cloud"

PRODUCTS = ("Forecasting", "Territory Planning", "Revenue Intelligence", "Data Enrichment")
"""Product_Family__c values; the first one is the entry product most new logos buy."""

PRODUCT_LIST_PRICE = {
    "Forecasting": 24_000.0,
    "Territory Planning": 36_000.0,
    "Revenue Intelligence": 30_000.0,
    "Data Enrichment": 15_000.0,
}
"""Annual price for a 100-seat company; amounts scale with company size."""

RELEVANT_TOPICS = (
    ("Sales Forecasting", "Sales"),
    ("Pipeline Management", "Sales"),
    ("Revenue Operations", "Sales"),
    ("Territory Management", "Sales"),
    ("Sales Capacity Planning", "Sales"),
    ("Quota Setting", "Sales"),
    ("Sales Performance Management", "Sales"),
    ("Conversation Intelligence", "Sales Technology"),
    ("Revenue Intelligence", "Sales Technology"),
    ("Sales Engagement Platforms", "Sales Technology"),
    ("B2B Data Enrichment", "Marketing"),
    ("Account-Based Marketing", "Marketing"),
)
"""Bombora topics a buyer of the seller's products researches, with Bombora's category."""

BACKGROUND_TOPICS = (
    ("Cloud Security", "Security"),
    ("Endpoint Protection", "Security"),
    ("Payroll Software", "Human Resources"),
    ("Employee Benefits", "Human Resources"),
    ("Applicant Tracking Systems", "Human Resources"),
    ("Supply Chain Management", "Operations"),
    ("Fleet Management", "Operations"),
    ("Enterprise Resource Planning (ERP)", "Business Software"),
    ("Accounts Payable Automation", "Business Finance"),
    ("Tax Compliance", "Business Finance"),
    ("Data Warehousing", "Technology"),
    ("Kubernetes", "Technology"),
    ("Web Hosting", "Technology"),
    ("Electronic Health Records (EHR)", "Healthcare Technology"),
    ("Customer Support Software", "Customer Service"),
    ("Email Marketing", "Marketing"),
)
"""Topics a Bombora feed also delivers that carry no signal for this seller."""

G2_CATEGORIES = (
    "Sales Forecasting Software",
    "Territory Management Software",
    "Revenue Intelligence Software",
    "Sales Intelligence Software",
    "Sales Performance Management Software",
)
G2_SIGNAL_TYPES = ("profile", "pricing", "comparison", "category", "alternatives", "reviews")

TECHNOLOGIES = (
    ("Salesforce Sales Cloud", "CRM", "crm_salesforce"),
    ("HubSpot CRM", "CRM", "crm_other"),
    ("Microsoft Dynamics 365", "CRM", "crm_other"),
    ("Zoho CRM", "CRM", "crm_smb"),
    ("Pipedrive", "CRM", "crm_smb"),
    ("Outreach", "Sales Engagement", "sales_engagement"),
    ("Salesloft", "Sales Engagement", "sales_engagement"),
    ("Apollo.io", "Sales Engagement", "sales_engagement"),
    ("Gong", "Revenue Intelligence", "competitor"),
    ("Clari", "Revenue Intelligence", "competitor"),
    ("Varicent", "Sales Performance Management", "competitor"),
    ("Xactly", "Sales Performance Management", "competitor"),
    ("ZoomInfo", "Data Enrichment", "data_vendor"),
    ("Marketo Engage", "Marketing Automation", "marketing"),
    ("HubSpot Marketing Hub", "Marketing Automation", "marketing"),
    ("Slack", "Collaboration", "general"),
    ("Zoom", "Collaboration", "general"),
    ("Microsoft 365", "Productivity", "general"),
    ("Google Workspace", "Productivity", "general"),
    ("Amazon Web Services", "Cloud Infrastructure", "general"),
    ("Snowflake", "Data Warehouse", "data_stack"),
    ("Tableau", "Business Intelligence", "data_stack"),
    ("QuickBooks", "Accounting", "smb_ops"),
    ("Shopify", "E-commerce", "smb_ops"),
)
"""(Technology, Category, role in the buying model). Competitors are the seller's rivals."""

SECTOR_WEIGHTS = {
    "11": 1.5, "21": 0.5, "22": 0.3, "23": 11.0, "31-33": 4.5, "42": 5.0, "44-45": 10.5,
    "48-49": 3.5, "51": 2.5, "52": 4.0, "53": 5.0, "54": 13.0, "55": 0.5, "56": 6.0, "61": 1.5,
    "62": 10.0, "71": 2.0, "72": 8.0, "81": 9.0, "92": 0.5,
}
"""Share of US establishments per NAICS sector (rounded from County Business Patterns)."""

SECTOR_FIT = {
    "11": -0.9, "21": -0.2, "22": -0.1, "23": -0.4, "31-33": 0.25, "42": 0.35, "44-45": -0.5,
    "48-49": -0.1, "51": 0.9, "52": 0.6, "53": -0.2, "54": 0.7, "55": 0.2, "56": 0.0, "61": -0.6,
    "62": -0.3, "71": -0.6, "72": -0.9, "81": -0.7, "92": -1.0,
}
"""How much a sector's sales organisations need the seller's products (latent, log-odds)."""

SECTOR_REVENUE_PER_EMPLOYEE = {
    "11": 180e3, "21": 900e3, "22": 1_100e3, "23": 260e3, "31-33": 420e3, "42": 950e3,
    "44-45": 230e3, "48-49": 240e3, "51": 480e3, "52": 620e3, "53": 380e3, "54": 210e3,
    "55": 500e3, "56": 90e3, "61": 85e3, "62": 110e3, "71": 95e3, "72": 65e3, "81": 95e3,
    "92": 150e3,
}

SEGMENTS = (("SMB", 0, 200), ("Mid-Market", 200, 1000), ("Enterprise", 1000, None))
"""Employee bands: lower bound inclusive, upper exclusive (CONTRACT defaults)."""

MAP_SYSTEMS = ("marketo", "pardot", "eloqua", "hubspot")
MAP_SYSTEM_SHARE = (0.45, 0.22, 0.13, 0.20)
"""The seller moved between marketing-automation tools over the years; contacts live in one each."""

ACTIVITY_TYPES = (
    "email_open", "email_click", "web_visit", "form_fill", "webinar_attended", "content_download",
)
