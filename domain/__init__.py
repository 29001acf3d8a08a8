"""The domain vocabulary and the project's exceptions, shared by every layer."""
