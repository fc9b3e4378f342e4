"""The reports domain: routes, service functions, schemas, queries."""
