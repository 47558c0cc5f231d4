"""Info sheets to take away: the kiosk's info pages printed as an A4 sheet or an 80 mm slip.

The modern form of the boxes of leaflets at the entrances. The same text as the info
page (kiosk.info, with the admin's edits), on a page of its own whose stylesheet sets the paper
size; static/buchen/sheet.js opens the print dialog and returns to the kiosk afterwards.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale

from . import info
from web.engine import get_engine

bp = Blueprint("sheets", __name__)
FORMATS = ("a4", "80mm")


@bp.get("/info/<page>/blatt")
def sheet(page: str):
    paper = request.args.get("format", "a4")
    if paper not in FORMATS:
        abort(404)
    content = info.load(page, str(get_locale() or "de"))
    if content is None:
        abort(404)
    office = get_engine().office
    return render_template("buchen/sheet.html", office=office, content=content, page=page, paper=paper,
                           auto_print=request.args.get("print") == "1")
