"""Administration (/admin, admin role): the office's settings and staff (``routes``), the office's
texts in the visitors' languages (``texts``) and the devices' health (``health``), each on its
own blueprint; ``desk.init_app`` registers them."""
from . import health, routes, texts
from .routes import bp

BLUEPRINTS = (routes.bp, texts.bp, health.bp)

__all__ = ["BLUEPRINTS", "bp"]
