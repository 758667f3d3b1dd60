"""Functions returning component trees, one module per tab; none of them reads data."""
