"""The postings domain: routes, service functions, schemas, queries."""
