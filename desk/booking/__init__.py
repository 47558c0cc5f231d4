"""The staff's booking: the pages under /desk (``routes``, blueprint ``booking``) and the commands
they share with the staff API (``commands``)."""
from .routes import bp

__all__ = ["bp"]
