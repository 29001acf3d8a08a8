"""The territorial reference in GraphQL: types and queries."""
