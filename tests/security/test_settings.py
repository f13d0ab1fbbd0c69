"""Production settings come from the environment and pass Django's deployment checklist."""

import re

from tests.security.conftest import PUBLIC, production_env, run, settings_in


def test_check_deploy_reports_nothing_with_production_settings():
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues" in output
    assert not re.search(r"WARNING|\bW\d{3}\b", output), output


def test_check_deploy_fails_on_an_insecure_production_setting():
    # The check above can fail: an HTTPS redirect switched off is a warning, hence exit 1.
    env = production_env(SECURE_SSL_REDIRECT="False")
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode == 1 and "security.W008" in done.stdout + done.stderr


def test_production_turns_on_https_hsts_secure_cookies_and_the_proxy_header():
    values = settings_in(
        production_env(),
        (
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_PROXY_SSL_HEADER",
            "CSRF_TRUSTED_ORIGINS",
            "BASIC_AUTH_HTTPS_ONLY",
            "SECURE_REFERRER_POLICY",
        ),
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CSRF_TRUSTED_ORIGINS": [f"https://{PUBLIC}"],
        "BASIC_AUTH_HTTPS_ONLY": True,
        "SECURE_REFERRER_POLICY": "same-origin",
    }


def test_development_defaults_stay_on_plain_http():
    env = production_env(DJANGO_DEBUG="", SITE_URL="")
    names = ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE")
    values = settings_in(env, (*names, "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS"))
    assert values == {
        "DEBUG": True,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "CSRF_TRUSTED_ORIGINS": ["http://127.0.0.1:8000"],
    }


def test_the_proxy_flag_and_trusted_origins_can_be_set_explicitly():
    env = production_env(
        BEHIND_TLS_PROXY="false",
        CSRF_TRUSTED_ORIGINS="https://a.example.org, https://b.example.org",
    )
    values = settings_in(env, ("SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS"))
    assert values == {
        "SECURE_PROXY_SSL_HEADER": None,
        "CSRF_TRUSTED_ORIGINS": ["https://a.example.org", "https://b.example.org"],
    }


def test_malformed_values_stop_the_server_with_the_variable_named():
    for name, value in (
        ("BEHIND_TLS_PROXY", "maybe"),
        ("SITE_URL", "taphuan.example.org"),
        ("CACHE_URL", "memcached://127.0.0.1:11211"),
        ("LOGIN_FAILURE_LIMIT", "ten"),
        ("SECURE_HSTS_SECONDS", "1y"),
    ):
        done = run(["manage.py", "check"], production_env(**{name: value}))
        assert done.returncode != 0, name
        assert "ImproperlyConfigured" in done.stderr and name in done.stderr, done.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions_and_a_busy_timeout():
    values = settings_in(production_env(DATABASE_URL=""), ("DATABASES",))
    assert values["DATABASES"]["default"]["OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
