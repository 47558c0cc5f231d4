"""Info sheets to take away: the kiosk's info pages printed as A4 or 80 mm (Chromium's own PDF)."""
from __future__ import annotations

import re

import pytest


def test_info_page_offers_both_sheets_and_unknown_ones_are_404(client):
    html = client.get("/info/procedure?lang=tr").get_data(as_text=True)
    assert 'id="sheet-a4"' in html and 'id="sheet-80mm"' in html and "Yanınıza almak" in html
    assert client.get("/info/procedure/blatt?format=a3").status_code == 404
    assert client.get("/info/nothing/blatt").status_code == 404
    sheet = client.get("/info/entitlement/blatt?format=80mm").get_data(as_text=True)
    assert "buchen/sheet-80mm.css" in sheet and "<script>" not in sheet


@pytest.mark.parametrize("paper,width_pt", [("a4", 595), ("80mm", 227)])
def test_sheet_prints_on_its_paper_size(browser, live_server, paper, width_pt):
    server = live_server()
    page = browser.new_page()
    page.goto(f"{server.url}/info/procedure/blatt?format={paper}&lang=ar")
    assert page.locator("article h1").count() == 1
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = [float(w) for w in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+[\d.]+\s*\]", pdf)]
    assert boxes and all(abs(w - width_pt) < 2 for w in boxes), boxes
    page.close()
