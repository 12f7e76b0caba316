"""Pure (portfolio state) -> str exporters, one module per format."""
