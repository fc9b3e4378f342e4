"""Bangfu service (FastAPI + SQLAlchemy); built on top of `matching`."""
