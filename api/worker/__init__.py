"""The match worker: claims queued runs from the database and runs them under a lease."""
