"""The workers domain: routes, service functions, schemas, queries."""
