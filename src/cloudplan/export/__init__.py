"""Pure (portfolio state) -> str exporters, one module per format; `formats` is the closed set of `export`.

Kept empty: every machine output imports a module of this package, and `overdue`
in cron should not pay for the export registry.
"""
