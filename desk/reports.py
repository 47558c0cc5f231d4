"""The office's evaluation (/reports, GET /api/v1/stats) — filled in by issue 6."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the reports blueprint and API routes."""
