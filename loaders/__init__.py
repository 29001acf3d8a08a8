"""Parse and validate external inputs (territorial reference JSON, partnership datasets)
into plain records, then hand them to :mod:`graph` to write. Knows nothing of GraphQL."""
