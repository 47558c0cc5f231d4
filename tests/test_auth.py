"""Sign-in, roles, bearer tokens and CSRF; a walk over every staff route proves refusals."""
from __future__ import annotations

import re


from test_desk_support import PASSWORD, bearer, csrf_from, make_staff, make_token, sign_in

SAMPLE = {"appointment_id": "1", "ticket_id": "1", "desk": "210", "action": "recall", "section": "desks"}


def staff_routes(app):
    """(rule, method, path, role) of every route guarded by login_required."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        role = getattr(view, "required_role", None)
        if role is None:
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{arg}>", SAMPLE[arg], path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, method, path, role))
    return found


def test_every_desk_route_is_guarded(app):
    """No route of the desk surface is public except sign-in."""
    public = {"desk.login"}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if view.__module__.startswith("desk.") and rule.endpoint not in public:
            assert getattr(view, "required_role", None), f"{rule.rule} is not guarded"
    assert len(staff_routes(app)) >= 18


def test_anonymous_is_refused_everywhere(app, client):
    for rule, method, path, _role in staff_routes(app):
        response = client.open(path, method=method, json={} if method == "POST" else None)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
            assert response.get_json()["error"]["code"] == "unauthorized"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        else:
            assert response.status_code == 302, (method, path)
            assert "/desk/login" in response.headers["Location"]


def test_bad_tokens_and_disabled_accounts_are_refused(app, client):
    for header in ({"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                   {"Authorization": "Bearer " + "x" * 500}, {"Authorization": "Bearer"}):
        for _rule, method, path, _role in staff_routes(app):
            if path.startswith("/api/"):
                response = client.open(path, method=method, headers=header, json={})
                assert response.status_code == 401, (header, method, path)


def test_staff_role_is_refused_on_admin_routes(app, client):
    token = make_token(app, "abraun")
    admin_routes = [r for r in staff_routes(app) if r[3] == "admin"]
    for _rule, method, path, _role in admin_routes:
        response = client.open(path, method=method, headers=bearer(token), json={})
        assert response.status_code == 403, (method, path)
    sign_in(client, "abraun")
    for _rule, method, path, _role in admin_routes:
        if not path.startswith("/api/"):
            assert client.open(path, method=method).status_code == 403


def test_signed_in_staff_reach_every_staff_route(app, client):
    """Signed in, no route answers 401/403/500 (bad sample ids give 404/409/422)."""
    make_staff(app, "abraun")
    token = sign_in(client, "abraun")
    for _rule, method, path, role in staff_routes(app):
        if role != "staff" or path.endswith("/logout"):
            continue
        response = client.open(path, method=method, json={} if method == "POST" else None,
                               headers={"X-CSRFToken": token})
        assert response.status_code not in (401, 403) and response.status_code < 500, (method, path,
                                                                                       response.status_code)


def test_sign_in_wrong_password_and_unknown_user(app, client):
    make_staff(app, "abraun")
    token = csrf_from(client.get("/desk/login").get_data(as_text=True))
    for username, password in (("abraun", "falsch-falsch"), ("niemand", PASSWORD), ("", ""),
                               ("abraun", "x" * 5000)):
        response = client.post("/desk/login", data={"username": username, "password": password,
                                                    "csrf_token": token})
        assert response.status_code == 401
        assert "Passwort stimmt nicht" in response.get_data(as_text=True)
    assert client.get("/desk").status_code == 302


def test_sign_in_needs_csrf_and_sets_safe_cookie(app, client):
    make_staff(app, "abraun")
    response = client.post("/desk/login", data={"username": "abraun", "password": PASSWORD})
    assert response.status_code == 400
    token = csrf_from(client.get("/desk/login").get_data(as_text=True))
    response = client.post("/desk/login", data={"username": "abraun", "password": PASSWORD, "desk": "210",
                                                "csrf_token": token, "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/desk"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_in_follows_a_local_next_only(app, client):
    make_staff(app, "abraun")
    response = client.get("/desk/booking")
    assert response.status_code == 302
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/desk/booking"' in login_page
    token = csrf_from(login_page)
    response = client.post("/desk/login", data={"username": "abraun", "password": PASSWORD, "csrf_token": token,
                                                "next": "/desk/booking"})
    assert response.headers["Location"] == "/desk/booking"


def test_session_api_writes_need_the_csrf_header(app, client):
    make_staff(app, "abraun")
    token = sign_in(client, "abraun")
    response = client.post("/api/v1/desks/210/call-next")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert client.post("/api/v1/desks/210/call-next", headers={"X-CSRFToken": token}).status_code == 204
    assert client.post("/api/v1/desks/210/call-next", headers={"X-CSRFToken": "forged"}).status_code == 400


def test_bearer_token_needs_no_csrf(app, client):
    token = make_token(app, "abraun")
    assert client.post("/api/v1/desks/210/call-next", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/appointments", headers=bearer(token)).status_code == 200


def test_logout_ends_the_session(app, client):
    make_staff(app, "abraun")
    token = sign_in(client, "abraun")
    assert client.post("/desk/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/desk").status_code == 302
    assert client.get("/api/v1/appointments").status_code == 401


def test_disabled_account_is_out_at_once(app, client):
    from queue_core import connect

    make_staff(app, "abraun")
    sign_in(client, "abraun")
    db = connect(app.config["DATABASE"])
    with db.conn:
        db.execute("UPDATE staff SET active = 0 WHERE username = 'abraun'")
    db.close()
    assert client.get("/desk").status_code == 302
    assert client.get("/api/v1/appointments").status_code == 401


def test_desk_is_remembered_and_chosen(app, client):
    make_staff(app, "abraun")
    token = sign_in(client, "abraun", desk=None)
    page = client.get("/desk").get_data(as_text=True)
    assert "An welchem Platz" in page
    assert client.post("/desk/choose", data={"desk": "nope", "csrf_token": token}).status_code == 422
    response = client.post("/desk/choose", data={"desk": "214", "csrf_token": token})
    assert response.status_code == 302 and "tp_desk=214" in response.headers["Set-Cookie"]
    assert 'data-desk="214"' in client.get("/desk").get_data(as_text=True)
    client.post("/desk/logout", data={"csrf_token": token})
    assert 'value="214" selected' in client.get("/desk/login").get_data(as_text=True)


def test_sign_in_with_a_real_argon2_account(app, client):
    from conftest import add_account

    add_account(app.config["DATABASE"], "hkoch", name="Hakan Koch", password=PASSWORD)
    sign_in(client, "hkoch", desk="211")
    assert 'data-desk="211"' in client.get("/desk").get_data(as_text=True)


def test_admin_manages_accounts_and_staff_cannot(app, client):
    make_staff(app, "leitung", role="admin")
    make_staff(app, "abraun")
    staff_client = app.test_client()
    staff_token = sign_in(staff_client, "abraun")
    assert staff_client.get("/admin/").status_code == 403
    assert staff_client.post("/admin/staff", data={"csrf_token": staff_token, "username": "evil",
                                                   "role": "admin", "password": "x" * 10}).status_code == 403
    token = sign_in(client, "leitung", desk=None)
    page = client.get("/admin/").get_data(as_text=True)
    assert "abraun" in page and "Verwaltung" in client.get("/desk").get_data(as_text=True)
    bad = client.post("/admin/staff", data={"csrf_token": token, "username": "Neu Konto", "role": "staff",
                                            "password": "kurz"})
    assert bad.status_code == 422 and "admin-error" in bad.get_data(as_text=True)
    assert client.post("/admin/staff", data={"username": "neu", "role": "staff",
                                             "password": "lang-genug-1"}).status_code == 400  # no CSRF
    saved = client.post("/admin/staff", data={"csrf_token": token, "username": "neu", "name": "Neu",
                                              "role": "staff", "password": "lang-genug-1"})
    assert saved.status_code == 302
    fresh = app.test_client()
    sign_in(fresh, "neu", password="lang-genug-1")
    assert fresh.get("/admin/").status_code == 403


def test_password_guessing_is_slowed_down(app, client):
    from web.extensions import limiter

    make_staff(app, "abraun")
    token = csrf_from(client.get("/desk/login").get_data(as_text=True))
    limiter.reset()
    try:
        statuses = [client.post("/desk/login", data={"username": "abraun", "password": f"falsch-{i}",
                                                     "csrf_token": token}).status_code for i in range(12)]
        assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
        # even the right password waits now; another account from elsewhere is not affected
        right = client.post("/desk/login", data={"username": "abraun", "password": PASSWORD, "csrf_token": token})
        assert right.status_code == 429
        other = app.test_client()
        make_staff(app, "hkoch")
        sign_in(other, "hkoch")  # same address, other name: not affected
    finally:
        limiter.reset()
