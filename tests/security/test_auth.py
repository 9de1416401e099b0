"""Issue 11, findings 2, 7 and 12: the admin's object-level limits, login throttling and two-factor login,
and production settings that refuse to start misconfigured.

Each test's docstring names its finding. The attacks are the review's, replayed on the test town: a
municipality employee of Teststad plays the Halle staff user, BIN Elders (another zone) plays BIN Haren and
BIN Alfa plays BIN Lembeek-Centrum.
"""

import base64
import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.checks import deployment_errors
from access.models import Role
from access.services import role_grant
from tests.factories import MembershipFactory, UserFactory, login
from tests.test_admin import post_data

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- finding 2: municipality staff escalate to member data through the admin ------------------------------


@pytest.fixture
def halle_clerk(town):
    """Municipality staff of Teststad as the README let them into /admin/ on 45aa4a3: staff status and the
    model permissions on networks and roles an operator would give them."""
    clerk = town.municipality
    clerk.is_staff = True
    clerk.save()
    clerk.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["areas", "access"], content_type__model__in=["network", "role"]
        )
    )
    return clerk


def test_municipality_staff_cannot_edit_another_zones_network(town, halle_clerk):
    """Finding 2: a Halle staff user edited BIN Haren (another zone) in the admin."""
    client = login(halle_clerk)
    url = reverse("admin:areas_network_change", args=[town.elders.pk])
    assert client.get(url).status_code == 302  # not in their admin: "does not exist"
    client.post(url, post_data(town.elders, name="BIN Overgenomen", description="pwned"))
    town.elders.refresh_from_db()
    assert town.elders.name == "BIN Elders" and town.elders.description == ""


def test_municipality_staff_cannot_make_themselves_coordinator_and_read_members(town, halle_clerk):
    """Finding 2: the staff user added themselves to the coordinators of BIN Lembeek-Centrum and read its
    members' names, phones, e-mails and positions through /api/networks/<slug>/members/."""
    MembershipFactory(network=town.alfa, member__name="Mira Matrix", member__email="mira@example.be")
    client = login(halle_clerk)
    url = reverse("admin:areas_network_change", args=[town.alfa.pk])
    # Their own municipality's network: they may edit it, but not who coordinates it.
    page = client.get(url).content.decode()
    assert 'name="coordinators"' not in page and 'name="police_zone"' not in page
    data = post_data(town.alfa, description="Ons BIN", coordinators=[town.coord_a.pk, halle_clerk.pk])
    response = client.post(url, data)
    assert response.status_code == 302
    town.alfa.refresh_from_db()
    assert town.alfa.description == "Ons BIN"
    assert list(town.alfa.coordinators.all()) == [town.coord_a]
    api = client.get(reverse("api:network-members", args=["bin-alfa"]))
    assert api.status_code == 403
    assert "Mira Matrix" not in api.content.decode()


def test_municipality_staff_cannot_grant_themselves_a_role(town, halle_clerk):
    """Finding 2: "the same holds for RoleAdmin": with the role permissions the staff user could give
    themselves a police role in any zone (and with it the alerts and counts of that zone)."""
    client = login(halle_clerk)
    assert client.get(reverse("admin:access_role_add")).status_code == 403
    response = client.post(
        reverse("admin:access_role_add"),
        {"user": halle_clerk.pk, "kind": "police", "police_zone": town.other_zone.pk},
    )
    assert response.status_code == 403
    assert not Role.objects.filter(user=halle_clerk, kind="police").exists()
    own = Role.objects.get(user=halle_clerk)
    response = client.post(
        reverse("admin:access_role_change", args=[own.pk]),
        {"user": halle_clerk.pk, "kind": "municipality", "municipality": town.other_muni.pk},
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.municipality_id == town.muni.pk


# --- finding 7: no brute-force protection ---------------------------------------------------------------


def basic(username, password) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", **EN}


@pytest.mark.parametrize("path", ["access:login", "admin:login"])
def test_forty_wrong_passwords_then_the_right_one_is_refused_on_the_login_pages(town, path):
    """Finding 7: 40 wrong passwords on /coordinator/login/ or /admin/login/, then the right one: accepted."""
    client = Client(headers={"accept-language": "en"})
    url = reverse(path)
    for n in range(40):
        client.post(url, {"username": "root", "password": f"guess-{n}"})
    response = client.post(url, {"username": "root", "password": "pw"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    minutes = settings.BIN_LOGIN_LOCKOUT_MINUTES
    assert "Too many wrong passwords" in page and f"blocked for {minutes} minutes, until" in page
    assert response["Retry-After"] == str(minutes * 60)


def test_forty_wrong_passwords_then_the_right_one_is_refused_over_http_basic(town):
    """Finding 7: the same through HTTP Basic on the API."""
    client = Client()
    url = reverse("api:memberships-pending")
    for n in range(40):
        assert client.get(url, **basic("coord-a", f"guess-{n}")).status_code in (401, 403, 429)
    response = client.get(url, **basic("coord-a", "pw"))
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.json()["detail"]
    assert int(response["Retry-After"]) == settings.BIN_LOGIN_LOCKOUT_MINUTES * 60


def test_the_lockout_starts_at_the_limit_and_ends_after_the_wait(town):
    """Finding 7: the lockout begins at BIN_LOGIN_FAILURE_LIMIT wrong passwords and ends after the wait."""
    client = Client(headers={"accept-language": "en"})
    url = reverse("access:login")
    for n in range(settings.BIN_LOGIN_FAILURE_LIMIT - 1):
        assert client.post(url, {"username": "coord-a", "password": f"x{n}"}).status_code == 200
    assert client.post(url, {"username": "coord-a", "password": "x"}).status_code == 429
    assert client.post(url, {"username": "coord-a", "password": "pw"}).status_code == 429
    # Another address is not locked out (an attacker cannot lock an officer out of their own desk) ...
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(url, {"username": "coord-a", "password": "pw"}).status_code == 302
    # ... and after the wait the first address logs in again.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(hours=1))
    assert client.post(url, {"username": "coord-a", "password": "pw"}).status_code == 302


def test_a_wrong_password_still_says_only_that(town):
    """Below the limit the login page answers as before: wrong user name or password, nothing else."""
    response = Client(headers={"accept-language": "en"}).post(
        reverse("access:login"), {"username": "coord-a", "password": "nope"}
    )
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


# --- two-factor login (the class of finding 7) -------------------------------------------------------


def code(device: TOTPDevice, later_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += later_steps * device.step
    return f"{totp.token():06d}"


def password_login(username: str, next_url: str | None = None) -> tuple[Client, object]:
    next_url = next_url or reverse("members:dashboard")
    client = Client(headers={"accept-language": "en"})
    response = client.post(
        reverse("access:login"), {"username": username, "password": "pw", "next": next_url}
    )
    assert response.status_code == 302
    return client, client.get(next_url)


@override_settings(BIN_2FA_REQUIRED=True)
def test_police_set_up_an_authenticator_at_the_first_login_and_give_codes_afterwards(town):
    client, response = password_login("police", reverse("maps:police-alert", args=[5999]))
    setup = reverse("access:two-factor-setup")
    assert response.status_code == 302 and response["Location"].startswith(setup)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "data-totp-key" in html
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=town.police, confirmed=False)
    wrong = client.post(setup, {"code": "000000", "next": reverse("maps:police-alert", args=[5999])})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    # django-otp makes the next try wait a second after a wrong code; a person takes longer than that.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    # Until the code is given the session opens nothing: pages send it back, the API refuses.
    assert client.get(reverse("maps:police-alert", args=[5999]))["Location"].startswith(setup)
    assert client.get(reverse("api:alert-list")).status_code == 403
    right = client.post(setup, {"code": code(device), "next": reverse("maps:police-alert", args=[5999])})
    assert right.status_code == 302 and right["Location"] == reverse("maps:police-alert", args=[5999])
    assert client.get(reverse("maps:police-alert", args=[5999])).status_code == 200
    assert client.get(reverse("api:alert-list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # The next login asks for a code of that device (no new setup).
    client, response = password_login("police")
    assert response["Location"].startswith(reverse("access:two-factor"))
    assert client.post(reverse("access:two-factor"), {"code": code(device, 1)}).status_code == 302
    assert client.get(reverse("members:dashboard")).status_code == 200


@override_settings(BIN_2FA_REQUIRED=True)
def test_the_admin_needs_the_code_too(town):
    TOTPDevice.objects.create(user=town.superuser, name="phone", confirmed=True)
    client = Client(headers={"accept-language": "en"})
    response = client.post(reverse("admin:login"), {"username": "root", "password": "pw", "next": "/admin/"})
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("access:two-factor"))
    assert client.get(reverse("admin:access_role_changelist")).status_code == 302


@override_settings(BIN_2FA_REQUIRED=True)
def test_wrong_codes_are_throttled_and_say_when_to_try_again(town):
    device = TOTPDevice.objects.create(user=town.police, name="phone", confirmed=True)
    client, _response = password_login("police")
    messages = [
        client.post(reverse("access:two-factor"), {"code": "123456"}).content.decode() for _n in range(4)
    ]
    assert "not right" in messages[0] and "try again in 1 second" in messages[-1]
    # Each wrong code doubles the wait: after 5 of them, 16 seconds.
    for _n in range(4):
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
        )
        message = client.post(reverse("access:two-factor"), {"code": "123456"}).content.decode()
    assert "try again in 16 seconds" in message
    # The right code while throttled is refused as well.
    assert client.post(reverse("access:two-factor"), {"code": code(device)}).status_code == 400


@pytest.mark.parametrize("who", ["police", "municipality", "superuser"])
@override_settings(BIN_2FA_REQUIRED=True)
def test_http_basic_is_refused_to_accounts_that_need_a_second_factor(town, who):
    user = getattr(town, who)
    response = Client().get(reverse("api:member-counts"), **basic(user.username, "pw"))
    assert response.status_code in (401, 403)
    assert "second factor" in response.json()["detail"]


@override_settings(BIN_2FA_REQUIRED=True)
def test_coordinators_log_in_with_a_password_and_may_use_basic(town):
    """Coordinators are residents: the second factor is theirs to choose (a device of their own asks it)."""
    _client, response = password_login("coord-a")
    assert response.status_code == 200
    assert Client().get(reverse("api:memberships-pending"), **basic("coord-a", "pw")).status_code == 200
    # They may set one up (the page is open to them); from then on it is asked, and Basic is refused.
    client = login(town.coord_a)
    assert client.get(reverse("access:two-factor-setup")).status_code == 200
    device = TOTPDevice.objects.get(user=town.coord_a)
    assert client.post(reverse("access:two-factor-setup"), {"code": code(device)}).status_code == 302
    refused = Client().get(reverse("api:memberships-pending"), **basic("coord-a", "pw"))
    assert refused.status_code in (401, 403)
    _client, response = password_login("coord-a")
    assert response["Location"].startswith(reverse("access:two-factor"))


def test_without_the_setting_nobody_is_asked_for_a_code(town):
    """Test and local settings: BIN_2FA_REQUIRED off; the suite logs in with passwords and force_login."""
    TOTPDevice.objects.create(user=town.police, name="phone", confirmed=True)
    _client, response = password_login("police", reverse("maps:police-alert", args=[5999]))
    assert response.status_code == 200


# --- finding 12: production settings ------------------------------------------------------------------

# The environment README's "Settings" section and SECURITY.md document for production.
DOCUMENTED = {
    "DJANGO_SETTINGS_MODULE": "project.settings.production",
    "SECRET_KEY": "k3Jx9pQ2vL7mN4rT8wY1zB6cF0hD5gS2aE9uI3oP7lK4jH8nM1bV6cX0zQ5wR2tY",
    "ALLOWED_HOSTS": "bin.example.be",
    "CSRF_TRUSTED_ORIGINS": "https://bin.example.be",
    "BIN_PUBLIC_URL": "https://bin.example.be",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "BIN_TRUSTED_PROXIES": "1",
    # Required by deploy/env.example: who the privacy notice names.
    "BIN_PRIVACY_CONTROLLER": "Gemeente Voorbeeld",
    "BIN_PRIVACY_CONTROLLER_ADDRESS": "Markt 1, 9990 Voorbeeld",
    "BIN_PRIVACY_CONTACT_EMAIL": "privacy@example.be",
    "BIN_DPO_EMAIL": "dpo@example.be",
}


def run(code_or_args, **env) -> subprocess.CompletedProcess:
    """Python in a fresh process with production settings and `env` (only the database from ours)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BIN_", "CACHE_", "SECURE_"))}
    environment.update({k: v for k, v in env.items() if v is not None})
    for key in [k for k, v in env.items() if v is None]:
        environment.pop(key, None)
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(
        [sys.executable, *args],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.BIN_2FA_REQUIRED)"
)


def test_production_defaults(town):
    """Finding 12: HSTS defaulted to one hour and SECURE_PROXY_SSL_HEADER was trusted without a proxy."""
    without_proxy = run(SHOW, **{**DOCUMENTED, "BIN_TRUSTED_PROXIES": None})
    assert without_proxy.stdout.split() == ["31536000", "None", "True"], without_proxy.stderr
    with_proxy = run(SHOW, **DOCUMENTED)
    assert with_proxy.stdout.split() == ["31536000", "('HTTP_X_FORWARDED_PROTO',", "'https')", "True"]


def test_check_deploy_with_the_documented_environment_has_no_warnings():
    """Acceptance: `manage.py check --deploy` with production settings and the documented environment."""
    result = run(["manage.py", "check", "--deploy"], **DOCUMENTED)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"CACHE_URL": None}, "bin.E001"),
        ({"CACHE_URL": "locmemcache://"}, "bin.E001"),
        ({"SECURE_HSTS_SECONDS": "3600"}, "bin.E002"),
    ],
)
def test_production_refuses_to_start_misconfigured(change, error):
    """Finding 12: the request limits fell back to a per-process cache, HSTS to an hour; nothing warned.
    Now `check --deploy` fails, and so does the WSGI application before its first request."""
    env = {**DOCUMENTED, **change}
    check = run(["manage.py", "check", "--deploy"], **env)
    assert check.returncode != 0 and error in check.stderr
    wsgi = run("from project.wsgi import application", **env)
    assert wsgi.returncode != 0 and "refuses to start" in wsgi.stderr and error in wsgi.stderr


def test_a_short_hsts_on_purpose_is_allowed():
    env = {**DOCUMENTED, "SECURE_HSTS_SECONDS": "3600", "BIN_HSTS_SHORT_ON_PURPOSE": "true"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], **env)
    assert result.returncode == 0, result.stderr


@override_settings(
    BIN_DEPLOYMENT_CHECKS=True,
    BIN_TRUSTED_PROXIES=0,
    BIN_BEHIND_TLS_PROXY=False,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}},
    SECURE_HSTS_SECONDS=31536000,
    BIN_2FA_REQUIRED=True,
)
def test_the_proxy_header_needs_a_declared_proxy():
    """Finding 12: SECURE_PROXY_SSL_HEADER was trusted even without a proxy."""
    assert [e.id for e in deployment_errors()] == ["bin.E003"]


@pytest.mark.parametrize(
    ("mode", "remote", "status", "logged"),
    [
        ("refuse", "127.0.0.1", 503, True),
        ("refuse", "10.0.0.5", 503, True),
        ("log", "127.0.0.1", 200, True),
        ("refuse", "93.184.216.34", 200, False),  # a client on the internet whose own proxy added the header
    ],
)
def test_forwarded_for_without_a_declared_proxy_is_logged_once_or_refused(
    town, caplog, mode, remote, status, logged
):
    """Finding 12: behind a proxy with BIN_TRUSTED_PROXIES=0 every client shares one address (30 sign-ups an
    hour block everyone): nothing warned. Now the first such request is logged, and refused in production."""
    with override_settings(BIN_FORWARDED_WITHOUT_PROXY=mode, BIN_TRUSTED_PROXIES=0):
        client = Client(REMOTE_ADDR=remote)
        with caplog.at_level(logging.ERROR, logger="access.middleware"):
            first = client.get(reverse("api:network-list"), HTTP_X_FORWARDED_FOR="198.51.100.1")
            second = client.get(reverse("api:network-list"), HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert (first.status_code, second.status_code) == (status, status)
    messages = [r.getMessage() for r in caplog.records if r.name == "access.middleware"]
    assert len(messages) == (1 if logged else 0)
    if logged:
        assert "BIN_TRUSTED_PROXIES" in messages[0]


def test_forwarded_for_from_a_declared_proxy_is_the_client(town, caplog):
    with override_settings(BIN_FORWARDED_WITHOUT_PROXY="refuse", BIN_TRUSTED_PROXIES=1):
        client = Client(REMOTE_ADDR="127.0.0.1")
        response = client.get(reverse("api:network-list"), HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert response.status_code == 200
    assert not [r for r in caplog.records if r.name == "access.middleware"]


def test_the_municipality_role_gives_staff_status_in_the_demo(town):
    """Finding 2's other half: the demo "gemeente" was refused by the admin as "not a staff account"; the
    role, given through access.services, now makes them staff, and the admin shows their networks."""
    clerk = UserFactory(username="gemeente")
    role_grant(actor=None, user=clerk, kind=Role.Kind.MUNICIPALITY, municipality=town.muni, via="test")
    response = login(clerk).get(reverse("admin:areas_network_changelist"))
    assert response.status_code == 200
    assert "BIN Alfa" in response.content.decode() and "BIN Elders" not in response.content.decode()
