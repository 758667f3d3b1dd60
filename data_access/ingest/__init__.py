"""Loading a force's own records (CSV, Parquet or PostgreSQL staging tables) through a mapping file.

Public entry points: load_extract and validate_extract (data_access.ingest.loader), read_mapping
(data_access.ingest.mapping) and the contract (data_access.ingest.contract). docs/data-contract.md
describes the contract, the mapping language and the load semantics.
"""
