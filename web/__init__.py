"""HTTP: the GraphQL view, media types, tokens, body limit, admission control, settings."""
