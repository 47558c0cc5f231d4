"""The admin page disables and enables accounts: a disabled account is out everywhere at once."""
from __future__ import annotations

from test_desk_support import PASSWORD, bearer, csrf_from, make_staff, make_token, sign_in


def toggle(client, csrf: str, username: str, active: bool):
    return client.post("/admin/staff/active", data={"csrf_token": csrf, "username": username,
                                                   "active": "1" if active else "0"})


def test_a_disabled_account_cannot_sign_in_and_its_tokens_stop_working(app, client):
    make_staff(app, "leitung", role="admin")
    token = make_token(app, "abraun")
    colleague = app.test_client()
    sign_in(colleague, "abraun")
    assert colleague.get("/desk").status_code == 200
    assert client.get("/api/v1/appointments", headers=bearer(token)).status_code == 200
    csrf = sign_in(client, "leitung", desk=None)

    response = toggle(client, csrf, "abraun", active=False)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "deaktiviert am 23.11.2026" in page and 'id="toggle-abraun">Aktivieren' in page

    assert colleague.get("/desk").status_code == 302  # the open session ends at once
    assert app.test_client().get("/api/v1/appointments", headers=bearer(token)).status_code == 401
    form = csrf_from(colleague.get("/desk/login").get_data(as_text=True))
    refused = colleague.post("/desk/login", data={"username": "abraun", "password": PASSWORD, "csrf_token": form})
    assert refused.status_code == 401

    assert toggle(client, csrf, "abraun", active=True).status_code == 302
    sign_in(colleague, "abraun")  # the password works again …
    assert app.test_client().get("/api/v1/appointments", headers=bearer(token)).status_code == 401  # … old tokens not


def test_disabling_is_for_admins_with_csrf_and_never_oneself(app, client):
    make_staff(app, "leitung", role="admin")
    make_staff(app, "abraun")
    staff = app.test_client()
    staff_csrf = sign_in(staff, "abraun")
    assert toggle(staff, staff_csrf, "leitung", active=False).status_code == 403
    csrf = sign_in(client, "leitung", desk=None)
    assert 'id="toggle-leitung"' not in client.get("/admin/").get_data(as_text=True)

    own = toggle(client, csrf, "leitung", active=False)
    assert own.status_code == 422 and "admin-error" in own.get_data(as_text=True)
    unknown = toggle(client, csrf, "nobody", active=False)
    assert unknown.status_code == 404 and "admin-error" in unknown.get_data(as_text=True)
    assert client.post("/admin/staff/active", data={"username": "abraun", "active": "0"}).status_code == 400
    assert staff.get("/desk").status_code == 200  # nothing changed
