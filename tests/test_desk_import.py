"""Importing appointments from CSV and ICS (queue_core/importer.py): good rows booked, bad ones reported."""
from __future__ import annotations

from queue_core.importer import import_file


def test_csv_import(engine, tmp_path):
    path = tmp_path / "termine.csv"
    path.write_text(
        "name;date;time;service;staff;documents\n"
        "Albers, Jana;2026-11-23;09:00;erstantrag;abraun;Mietvertrag|Kontoauszüge\n"
        "Becker, Tom;2026-11-23;09:15;erstantrag;abraun;\n"  # overlaps the first
        "Dogan, Elif;2026-11-23;13:00;erstantrag;abraun;\n"  # lunch break
        "Hansen, Nils;kaputt;09:00;erstantrag;hkoch;\n"
        "Kowalski, Ewa;2026-11-24;10:00;nope;;\n"
        "Lange, Uwe;2026-11-24;10:00;weiterbewilligung;;\n", encoding="utf-8")
    result = import_file(engine, path)
    assert len(result.booked) == 2
    assert [line for line, _ in result.errors] == [3, 4, 5, 6]
    first = engine.appointment(result.booked[0])
    assert first.documents == ["Mietvertrag", "Kontoauszüge"] and first.staff == "abraun"
    assert first.starts_at.astimezone(engine.office.timezone).strftime("%H:%M") == "09:00"


def test_ics_import(engine, tmp_path):
    path = tmp_path / "termine.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//DE\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nDTSTART;TZID=Europe/Berlin:20261123T100000\r\n"
        b"DTEND;TZID=Europe/Berlin:20261123T102000\r\nSUMMARY:Peters, Lisa\r\n"
        b"X-TERMINPRAXIS-STAFF:pschulz\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20261124\r\nSUMMARY:ganztags\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n")
    result = import_file(engine, path, service="weiterbewilligung")
    assert len(result.booked) == 1 and result.errors == [(2, "the event has no time of day")]
    booked = engine.appointment(result.booked[0])
    assert booked.duration_min == 20 and booked.staff == "pschulz" and booked.name == "Peters, Lisa"


def test_garbage_is_reported_not_raised(engine, tmp_path):
    path = tmp_path / "kaputt.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\nnonsense")
    assert import_file(engine, path).errors
    csv_path = tmp_path / "leer.csv"
    csv_path.write_text("", encoding="utf-8")
    assert import_file(engine, csv_path).booked == []
