"""Staff accounts and signing in, for tests of any area that needs the desk.

    from tests.support.staff import login
    login(client, "belov")            # creates belov's account if needed, signs the client in
    login_page(page, live_server.url, "orlova")   # the same in Chromium
"""

from __future__ import annotations

from webapp.extensions import db
from webapp.web.current import current_school
from webapp import accounts

PASSWORD = "correct-horse-battery"
LOGIN_URL = "/app/staff/login"


def ensure_account(app, staff_id: str, password: str = PASSWORD) -> None:
    """An account for a person of the profile's roster, with a known password."""
    with app.app_context():
        found = accounts.find_account(staff_id)
        if found is None:
            accounts.create_account(current_school(), staff_id, password)
        elif not accounts.password_matches(found.password_hash, password):
            accounts.set_password(staff_id, password)  # ends that person's open sessions
        db.session.commit()


def login(client, staff_id: str, password: str = PASSWORD, *, create: bool = True):
    """Sign the test client in as `staff_id`; fails the test if the desk refuses."""
    if create:
        ensure_account(client.application, staff_id, password)
    response = client.post(LOGIN_URL, data={"login": staff_id, "password": password})
    assert response.status_code == 302, f"sign-in as {staff_id} refused: {response.status_code}"
    return response


def logout(client):
    return client.post("/app/staff/logout")


def login_page(page, base_url: str, staff_id: str, password: str = PASSWORD, *, app=None) -> None:
    """Sign in through the real page in Chromium (pass `app` to create the account first)."""
    if app is not None:
        ensure_account(app, staff_id, password)
    page.goto(f"{base_url}{LOGIN_URL}")
    page.get_by_label("Логин или адрес почты").fill(staff_id)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{base_url}/app/desk/**")
