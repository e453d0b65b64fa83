"""The campaign services bulk-loader talks to, one back end per package.

`campaigns_v1/` is 8x8's newer Campaigns API (API-campaigns-v1.md). The legacy API's client still
lives in bulk_loader/api/vcc/_client.py; the back-end seam that will join them is issue 10's.
"""
