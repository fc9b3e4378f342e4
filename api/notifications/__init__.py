"""The notifications domain: routes, service functions, schemas, queries."""
