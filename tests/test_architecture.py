"""The import layers of webapp hold (.importlinter), and the check would notice a break."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess:
    """import-linter on the package in `tree` (the repository or a copy of it)."""
    return subprocess.run(
        [str(LINT), str(tree / ".importlinter"), "--no-cache"],
        cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_layers_and_the_flask_free_domain_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "reported"),
    [
        # mail is a leaf: it may not reach up into the register
        ("webapp/mail/queue.py", "from ..requests import service", "webapp.mail.queue -> webapp.requests.service"),
        # the deadlines and mail do not know each other
        ("webapp/deadlines/sla.py", "from ..mail import queue", "webapp.deadlines.sla -> webapp.mail.queue"),
        # pages do not borrow from each other sideways
        ("webapp/auth/views.py", "from ..desk import forms", "webapp.auth.views -> webapp.desk.forms"),
        # the models know nothing of the pages above them
        ("webapp/models/requests.py", "from ..public import views", "webapp.models.requests -> webapp.public.views"),
        # the register's rules take the profile as an argument instead of asking Flask
        ("webapp/requests/lifecycle.py", "from flask import current_app", "webapp.requests.lifecycle -> flask"),
    ],
)  # fmt: skip
def test_a_broken_layer_is_reported(tmp_path, module, line, reported):
    tree = tmp_path / "repo"
    shutil.copytree(ROOT / "webapp", tree / "webapp", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tree / ".importlinter")
    target = tree / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = lint(tree)
    assert result.returncode != 0
    assert "1 kept, 1 broken" in result.stdout
    assert re.search(rf"^-\s+{re.escape(reported)} \(l\.\d+\)$", result.stdout, re.M), result.stdout
