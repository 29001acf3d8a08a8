"""The Neo4j boundary of ctg-graph: driver, named Cypher, reads and writes, schema
migrations, local server provisioning. The only package that imports ``neo4j``; it knows
nothing of GraphQL, HTTP or input files, and returns plain dicts or frozen dataclasses."""
