"""Imports every schema module so their tables join the one shared MetaData before create_all.

Capabilities that add tables define them in their own data_access/schema_<capability>.py on
data_access.schema.metadata and add one import line here.
"""

from data_access import schema  # noqa: F401
# [productivity schema]
from data_access import schema_productivity  # noqa: F401
# [fsu schema]
from data_access import schema_fsu  # noqa: F401
# [strategic schema]
from data_access import schema_strategic  # noqa: F401
# [investigation events]
from data_access import schema_events  # noqa: F401
# [ingest]
from data_access import schema_ingest  # noqa: F401
# [digest]
from data_access import schema_digest  # noqa: F401
# [offline completions]
from data_access import schema_completions  # noqa: F401
# [monthly packs]
from data_access import schema_packs  # noqa: F401
