"""The studio's public HTTP API (`/api/v1/`): tokens, schemas and endpoints."""
