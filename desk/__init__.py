"""The desk surface (blueprint, socket handlers). create_app() calls init_app()."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register this surface's blueprint, API routes and Socket.IO handlers."""
