"""The instance folder: a fresh clone has its README and settings example, git ignores the rest.

No test here writes into the real instance/ folder (a developer's database and profile live
there): the app is built on a temporary instance folder, and git is asked about paths that need
not exist (`git check-ignore --no-index`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from webapp import create_app
from webapp.config import DefaultConfig
from webapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
EXAMPLE = INSTANCE / "config.py.example"
TRACKED = ("instance/README.md", "instance/config.py.example")

# A setting line of the example: commented out, so a copy made unchanged changes nothing.
SETTING_LINE = re.compile(r"^# ([A-Z][A-Z0-9_]*) = (.+)$", re.MULTILINE)
# Read from config.py or the environment by create_app, though not a DefaultConfig attribute.
EXTRA_SETTINGS = {"APP_ENV"}
# Their defaults depend on where the program lives; the example shows a server's path instead.
PATH_SETTINGS = {"SITE_DIR", "UPLOAD_DIR", "BACKUP_DIR"}
DEFAULTS = {key: value for key, value in vars(DefaultConfig).items() if key.isupper()}
KNOWN_SETTINGS = set(DEFAULTS) | EXTRA_SETTINGS

# What the app writes (SQLite and its side files, attachments, the dev mailbox) and what a
# school puts there (profile, settings, backups, an env file): none of it may be committed.
PRIVATE_FILES = (
    "instance/helpdesk.sqlite3",
    "instance/helpdesk.sqlite3-wal",
    "instance/helpdesk.sqlite3-shm",
    "instance/helpdesk.sqlite3.writers",
    "instance/uploads/x.png",
    "instance/uploads/2026/03/scan.pdf",
    "instance/mail/20260312-101500-1.eml",
    "instance/school.yaml",
    "instance/config.py",
    "instance/backups/helpdesk-2026-03-12.sql.gz",
    "instance/.env",
)

# The usual test settings (see conftest's make_app), minus every value the tests below check.
TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "SCHOOL_PROFILE": None,
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_KIB": 8,
    "PASSWORD_HASH_PARALLELISM": 1,
}


def git(*args: str) -> subprocess.CompletedProcess:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    if inside.returncode != 0:
        pytest.skip("the program is not a git checkout")
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def is_ignored(path: str) -> bool:
    # --no-index: judge by .gitignore alone, for paths that need not exist or be tracked.
    run = git("check-ignore", "--no-index", "-q", path)
    assert run.returncode in (0, 1), run.stderr
    return run.returncode == 0


def uncomment(example: str, values: dict) -> str:
    """What a school does: uncomment a setting's line and put its own value there."""
    for key, value in values.items():
        example, found = re.subn(rf"^# {key} = .+$", f"{key} = {value!r}", example, flags=re.M)
        assert found == 1, f"{key} is not one commented line of the example"
    return example


@pytest.fixture
def app_on(tmp_path, monkeypatch):
    """app_on(folder, config_py=None): the app built on its own instance folder."""
    for key in KNOWN_SETTINGS:
        monkeypatch.delenv(key, raising=False)  # the environment would override config.py
    made = []

    def build(folder: str, config_py: str | None = None):
        instance = tmp_path / folder
        instance.mkdir()
        if config_py is not None:
            (instance / "config.py").write_text(config_py, encoding="utf-8")
        settings = TEST_SETTINGS | {"UPLOAD_DIR": str(tmp_path / "uploads")}
        app = create_app(settings, instance_path=instance)
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.engine.dispose()


def test_a_fresh_clone_has_the_instance_folder_with_its_readme_and_example():
    for path in TRACKED:
        assert (ROOT / path).is_file(), path
    run = git("ls-files", "--error-unmatch", *TRACKED)
    assert run.returncode == 0, f"not tracked by git: {run.stderr}"


def test_the_example_is_python_with_every_setting_commented_out():
    example = EXAMPLE.read_text(encoding="utf-8")
    compile(example, str(EXAMPLE), "exec")
    code = [line for line in example.splitlines() if line.strip() and not line.startswith("#")]
    assert code == []


def test_the_example_lists_every_setting_once_and_no_unknown_one():
    names = [name for name, _ in SETTING_LINE.findall(EXAMPLE.read_text(encoding="utf-8"))]
    assert sorted(KNOWN_SETTINGS - set(names)) == [], "settings missing from the example"
    assert sorted(set(names) - KNOWN_SETTINGS) == [], "the example names unknown settings"
    assert sorted(name for name in set(names) if names.count(name) > 1) == []


def test_each_line_of_the_example_shows_the_settings_default():
    example = EXAMPLE.read_text(encoding="utf-8")
    every_line_uncommented = SETTING_LINE.sub(r"\1 = \2", example)
    shown: dict = {}
    exec(compile(every_line_uncommented, str(EXAMPLE), "exec"), {}, shown)
    assert shown.pop("APP_ENV") == "production"
    for key in PATH_SETTINGS:
        assert Path(shown.pop(key)).parts[-2:] == Path(DEFAULTS[key]).parts[-2:]
    assert {k: v for k, v in DEFAULTS.items() if k not in PATH_SETTINGS} == shown


def test_the_example_copied_unchanged_changes_nothing(app_on):
    bare = app_on("bare")
    copied = app_on("copied", config_py=EXAMPLE.read_text(encoding="utf-8"))
    for key in sorted(KNOWN_SETTINGS):
        assert copied.config.get(key) == bare.config.get(key), key


def test_settings_edited_in_config_py_are_applied(app_on):
    edited = {
        "DESK_PAGE_SIZE": 25,
        "OUTBOX_BATCH": 5,
        "PUBLIC_BASE_URL": "https://help.school7.example.ru",
        "FORM_RATE_LIMIT": "30 per minute;500 per hour",
        "MAIL_USE_TLS": True,
        "IMAP_USE_SSL": False,
        "IMAP_HOST": "imap.mail.ru",
    }
    config_py = uncomment(EXAMPLE.read_text(encoding="utf-8"), edited)
    app = app_on("school", config_py=config_py)
    assert {key: app.config[key] for key in edited} == edited
    assert app.config["OUTBOX_MAX_ATTEMPTS"] == DEFAULTS["OUTBOX_MAX_ATTEMPTS"]  # left commented


def test_git_ignores_what_the_app_and_the_school_put_in_instance():
    assert [path for path in PRIVATE_FILES if not is_ignored(path)] == []


def test_git_keeps_the_instance_readme_and_example():
    assert [path for path in TRACKED if is_ignored(path)] == []


def test_files_created_in_instance_stay_out_of_git(tmp_path):
    """The same files made for real in a checkout of the program's .gitignore and instance/ files
    (a throwaway repository, not the developer's): git sees only the README and the example."""
    git("--version")  # skips where git is missing, as the tests above do
    clone = tmp_path / "clone"
    for path in (".gitignore", *TRACKED):
        (clone / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, clone / path)
    subprocess.run(["git", "init", "-q", str(clone)], check=True, capture_output=True, timeout=60)
    for path in PRIVATE_FILES:
        (clone / path).parent.mkdir(parents=True, exist_ok=True)
        (clone / path).write_bytes(b"personal data")

    def in_clone(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=clone, capture_output=True, text=True, timeout=60)

    checked = in_clone("check-ignore", *PRIVATE_FILES)
    assert checked.returncode == 0, checked.stderr
    assert sorted(checked.stdout.split()) == sorted(PRIVATE_FILES)
    status = in_clone("status", "--porcelain", "--untracked-files=all")
    assert status.returncode == 0, status.stderr
    assert sorted(line[3:] for line in status.stdout.splitlines()) == sorted([".gitignore", *TRACKED])
