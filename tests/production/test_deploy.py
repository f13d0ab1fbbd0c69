"""deploy/: the example environment is a working production configuration, and every file
refers to what exists (variables the code reads, commands, paths)."""

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import get_commands

BASE_DIR = Path(django_settings.BASE_DIR)
DEPLOY = BASE_DIR / "deploy"
READ = re.compile(r"(?:env_\w+|environ\.get)\(\s*\"([A-Z_]+)\"")


def example() -> dict[str, str]:
    lines = (DEPLOY / "taphuan.env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value for name, value in pairs}


def units() -> str:
    return "\n".join(p.read_text() for p in sorted(DEPLOY.glob("taphuan-*.*")))


def test_every_variable_of_the_example_is_read_by_the_code_or_a_unit():
    read = {
        name for p in (BASE_DIR / "config").glob("*.py") for name in READ.findall(p.read_text())
    }
    used_by_units = set(re.findall(r"\$\{?([A-Z_]+)", units()))
    unknown = set(example()) - read - used_by_units
    assert not unknown, f"read by nothing: {sorted(unknown)}"
    # And the settings a production server cannot do without are in it.
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DATABASE_URL", "TASKS_BACKEND"} <= set(
        example()
    )


def test_the_units_run_commands_that_exist():
    text = units()
    commands = set(get_commands())
    for name in re.findall(r"manage\.py (\w+)", text):
        assert name in commands, name
    assert "config/gunicorn.py config.wsgi" in text
    assert (BASE_DIR / "config" / "gunicorn.py").exists()
    assert "OnCalendar=" in (DEPLOY / "taphuan-backup.timer").read_text()


def test_nginx_serves_the_collected_static_files_and_overwrites_the_forwarded_headers():
    site = (DEPLOY / "nginx-taphuan.conf").read_text()
    assert f"alias {example()['STATIC_ROOT']}/;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert example()["BIND"] in site


@pytest.mark.slow
def test_the_example_environment_passes_the_deployment_checks(tmp_path):
    env = example() | {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
