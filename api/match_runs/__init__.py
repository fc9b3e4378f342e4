"""The match_runs domain: routes, service functions, schemas, queries."""
