"""The needs domain: routes, service functions, schemas, queries."""
