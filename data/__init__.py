"""Shipped reference and demo data (installed as deskapp.sitedata)."""
