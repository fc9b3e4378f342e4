"""The web pages: server-rendered Chinese pages under `/app/`, one module per role area.

They call the same service and query functions as the JSON routes, with the same
`Principal` and `api/policy.py` rules; the login is a JWT in an HttpOnly cookie, every
POST carries a CSRF token, and errors come from the one handler as HTML pages.
"""
