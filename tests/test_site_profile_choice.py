"""The help site is built from the profile the app runs on (issue 14).

The app takes SCHOOL_PROFILE from instance/config.py and lets the environment override it
(webapp/factory.py); `make site` (mkdocs with webapp/school/sitegen.py) must choose the same file,
or the site and the app would show two different schools.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.site import PROFILES
from webapp.factory import create_app
from webapp.school import DEMO_PROFILE
from webapp.school import sitegen
from webapp.web.current import current_school

OTHER = PROFILES["other_school"]
FIVE = PROFILES["school_000_nizhnie_sergi"]

SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_KIB": 8,
    "PASSWORD_HASH_PARALLELISM": 1,
}


def instance_with(tmp_path: Path, profile: Path | None) -> Path:
    folder = tmp_path / "instance"
    folder.mkdir()
    if profile is not None:
        (folder / "config.py").write_text(f"SCHOOL_PROFILE = {str(profile)!r}\n", encoding="utf-8")
    return folder


def app_school(folder: Path, tmp_path: Path) -> str:
    """The school of an app started with `folder` as its instance folder."""
    settings = {**SETTINGS, "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}"}
    app = create_app(settings, instance_path=folder)
    with app.app_context():
        return current_school().school.short_name


def site_school(folder: Path) -> str:
    return sitegen.load_profile(sitegen.site_profile_path(folder)).school.short_name


@pytest.mark.parametrize("in_config, in_env, expected", [
    (OTHER, None, OTHER),       # instance/config.py alone: the site follows it, as the app does
    (OTHER, FIVE, FIVE),        # the environment wins over the file, for both
    (None, FIVE, FIVE),
    (None, None, DEMO_PROFILE),  # neither: the demo school
    (OTHER, "", DEMO_PROFILE),  # an empty variable means the demo for the app too
])  # fmt: skip
def test_the_site_is_built_from_the_profile_the_app_loads(
    tmp_path, monkeypatch, in_config, in_env, expected
):
    monkeypatch.delenv("SCHOOL_PROFILE", raising=False)
    if in_env is not None:
        monkeypatch.setenv("SCHOOL_PROFILE", str(in_env))
    folder = instance_with(tmp_path, in_config)
    assert sitegen.site_profile_path(folder) == Path(expected)
    assert site_school(folder) == app_school(folder, tmp_path)


def test_the_site_looks_in_the_apps_own_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SCHOOL_PROFILE", raising=False)
    app = create_app({**SETTINGS, "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}"})
    assert Path(app.instance_path) == sitegen.INSTANCE_DIR
