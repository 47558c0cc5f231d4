"""The appointment slip is the caller's: it speaks the language recorded at booking."""
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from test_desk_support import make_staff, sign_in

ROOT = Path(__file__).resolve().parent.parent
TEN = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Monday 10:00 in Berlin


@pytest.mark.parametrize("language, expected, direction", [
    (None, "Bitte mitbringen", "ltr"), ("en", "Please bring", "ltr"), ("tr", "Lütfen yanınızda getirin", "ltr"),
    ("ar", "يرجى إحضار", "rtl"), ("uk", "Будь ласка, візьміть із собою", "ltr"), ("da", 'kl. <bdi dir="ltr">10:00</bdi>', "ltr")])
def test_the_slip_is_printed_in_the_callers_language(app, client, engine, language, expected, direction):
    booked = engine.book_appointment(service="erstantrag", starts_at=TEN, staff="abraun", language=language,
                                     documents=["Mietvertrag"])
    make_staff(app, "telefon")
    sign_in(client, "telefon")
    page = client.get(f"/desk/appointments/{booked.id}/slip").get_data(as_text=True)
    assert expected in page
    assert f'dir="{direction}"' in page.split(">", 2)[1]
    assert booked.code[:4] in page and "Mietvertrag" in page
    # The staff's own pages stay German afterwards.
    assert "Termine am" in client.get("/desk/appointments").get_data(as_text=True)


def test_every_visitor_text_of_the_slip_is_translated_into_every_language():
    template = (ROOT / "templates" / "desk" / "slip.html").read_text()
    staff_only = {"Drucken", "Kalenderdatei (.ics)", "Nächster Anruf"}
    texts = set(re.findall(r'_\(["\']([^"\']+)["\']', template)) - staff_only
    for language in ("en", "da", "tr", "ar", "uk"):
        with open(ROOT / "desk" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
            catalog = read_po(handle)
        missing = [t for t in texts if not (catalog.get(t) and catalog.get(t).string)]
        assert not missing, f"{language}: {missing}"
