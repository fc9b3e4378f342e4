"""The assignments domain: routes, service functions, schemas, queries."""
