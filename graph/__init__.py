"""The Neo4j boundary of ctg-graph: driver, Cypher, schema migrations, local server
provisioning, and the networkx analytics. The only package that imports ``neo4j``;
it knows nothing of GraphQL or of input files, and returns plain dataclasses/dicts."""
