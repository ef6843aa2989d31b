"""deploy/: the systemd units pass `systemd-analyze verify` with this checkout's paths, each runs
a command the app has, and the environment template lists every setting once, with its default,
in a form both systemd and the shell read the same way."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from webapp.config import DefaultConfig

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
ENV_TEMPLATE = DEPLOY / "helpdesk.env.example"
UNITS = sorted((DEPLOY / "systemd").glob("helpdesk*.*"))
DEFAULTS = {key: value for key, value in vars(DefaultConfig).items() if key.isupper()}
KNOWN_SETTINGS = set(DEFAULTS) | {"APP_ENV"}
ENV_LINE = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$", re.M)


def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    for unit in UNITS:  # this checkout in place of /opt/helpdesk, root in place of the service user
        text = unit.read_text(encoding="utf-8").replace("/opt/helpdesk", str(ROOT))
        text = text.replace("/etc/helpdesk.env", "/dev/null").replace("=helpdesk\n", "=root\n")
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    run = subprocess.run([analyze, "verify", "--man=no", *sorted(p.name for p in tmp_path.iterdir())],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip() == "", run.stderr
    names = {unit.name for unit in UNITS}
    for timer in (n for n in names if n.endswith(".timer")):
        assert timer.replace(".timer", ".service") in names


def test_each_unit_runs_a_command_the_app_has(app):
    runner = app.test_cli_runner()
    for unit in UNITS:
        for command in re.findall(r"^ExecStart=/opt/helpdesk/\.venv/bin/flask --app wsgi (.+)$",
                                  unit.read_text(encoding="utf-8"), re.M):  # fmt: skip
            words = [w for w in command.split() if not w.startswith("/")]
            result = runner.invoke(args=[*words, "--help"])
            assert result.exit_code == 0, (unit.name, command, result.output)
    gunicorn = (DEPLOY / "systemd" / "helpdesk.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/helpdesk/.venv/bin/gunicorn" in gunicorn and "wsgi:app" in gunicorn
    assert "--access-logfile" not in gunicorn  # status links are personal: no access log


def test_the_env_template_lists_every_setting_once():
    names = [name for name, _ in ENV_LINE.findall(ENV_TEMPLATE.read_text(encoding="utf-8"))]
    assert sorted(KNOWN_SETTINGS - set(names)) == [], "settings missing from the template"
    assert sorted(set(names) - KNOWN_SETTINGS) == [], "the template names unknown settings"
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_the_env_template_read_by_the_shell_gives_each_default(tmp_path):
    """Every line uncommented and sourced by bash (`set -a; . /etc/helpdesk.env`, as the README's
    commands do), then read as the app reads the environment: the defaults come back."""
    text = ENV_TEMPLATE.read_text(encoding="utf-8")
    every_line = tmp_path / "helpdesk.env"
    every_line.write_text(re.sub(r"^# ([A-Z][A-Z0-9_]*=)", r"\1", text, flags=re.M), encoding="utf-8")
    dump = "import json, os; print(json.dumps(dict(os.environ)))"
    run = subprocess.run(["bash", "-c", f'set -a && . "{every_line}" && set +a && python3 -c "{dump}"'],
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, timeout=30)  # fmt: skip
    assert run.returncode == 0, run.stderr
    env = json.loads(run.stdout)
    production = {"APP_ENV", "SECRET_KEY", "DATABASE_URL", "SCHOOL_PROFILE", "PUBLIC_BASE_URL", "SITE_DIR",
                  "UPLOAD_DIR", "BACKUP_DIR", "PROXY_COUNT", "RATELIMIT_STORAGE_URI"}  # set for a server
    for key, default in DEFAULTS.items():
        if key in production or default is None:
            continue
        raw = env[key]
        if isinstance(default, bool):
            value = raw.strip().lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            value = int(raw)
        else:
            value = raw
        assert value == default, key
    assert env["APP_ENV"] == "production" and env["PROXY_COUNT"] == "1"
    assert env["PUBLIC_BASE_URL"].startswith("https://")
    assert env["SECRET_KEY"] == ""  # to be filled in: production refuses to start without it
