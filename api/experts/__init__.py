"""The experts domain: routes, service functions, schemas, queries."""
