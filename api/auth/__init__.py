"""The auth domain: routes, service functions, schemas, queries."""
