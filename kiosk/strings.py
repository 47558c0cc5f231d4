"""Texts that come from configuration but should still be translated on the kiosk.

The demo office's service names are listed here so that pybabel extracts them; templates call
``_(service.name)``, which falls back to the configured name when a catalogue lacks it.
"""
from flask_babel import lazy_gettext as _l

SERVICE_NAMES = [
    _l("Erstantrag"),
    _l("Weiterbewilligung"),
    _l("Unterlagen abgeben"),
    _l("Notfall / Vorsprache"),
]
