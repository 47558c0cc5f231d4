"""The office's evaluation (/reports, admin role): the pages and exports (``routes``), their SVG
charts (``charts``) and the CSV format (``export``); ``GET /api/v1/stats`` is ``routes.api_bp``."""
from .routes import api_bp, bp

__all__ = ["api_bp", "bp"]
