"""Reading a school profile from YAML and reporting its mistakes in plain Russian."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import ValidationError

from .model import SchoolProfile

DEMO_PROFILE = Path(__file__).with_name("demo.yaml")

# pydantic error type -> what to tell the person who edits the file
_MESSAGES = {
    "missing": "обязательный ключ не заполнен",
    "extra_forbidden": "неизвестный ключ (проверьте написание)",
    "string_type": "нужна строка текста",
    "string_too_short": "значение не может быть пустым",
    "string_too_long": "слишком длинное значение",
    "string_pattern_mismatch": "идентификатор пишется латиницей в нижнем регистре, "
    "цифрами и «_», начиная с буквы",
    "int_type": "нужно целое число",
    "int_parsing": "нужно целое число",
    "int_from_float": "нужно целое число",
    "bool_type": "нужно значение true или false",
    "bool_parsing": "нужно значение true или false",
    "list_type": "нужен список",
    "too_short": "список не может быть пустым",
    "model_type": "нужен раздел с вложенными ключами",
    "dict_type": "нужен раздел с вложенными ключами",
    "date_type": "нужна дата в виде ГГГГ-ММ-ДД",
    "date_parsing": "нужна дата в виде ГГГГ-ММ-ДД",
    "date_from_datetime_parsing": "нужна дата в виде ГГГГ-ММ-ДД",
    "url_parsing": "нужен адрес сайта, начинающийся с https://",
    "url_scheme": "нужен адрес сайта, начинающийся с https:// или http://",
    "url_type": "нужен адрес сайта, начинающийся с https://",
    "greater_than": "число должно быть больше нуля",
    "less_than_equal": "слишком большое число",
}


class ProfileError(Exception):
    """A profile that cannot be used; `str()` is a complete Russian message."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        lines = [f"Ошибка в профиле школы {path}:"] + [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


def profile_path() -> Path:
    """The profile selected by SCHOOL_PROFILE, or the committed demo school."""
    return Path(os.environ.get("SCHOOL_PROFILE") or DEMO_PROFILE)


def load_profile(path: str | Path | None = None) -> SchoolProfile:
    path = Path(path) if path else profile_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(path, ["файл не найден"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(path, [f"файл не читается: {exc}"]) from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (строка {where.line + 1}, столбец {where.column + 1})" if where else ""
        raise ProfileError(path, [f"файл не разбирается как YAML{at}"]) from None
    if not isinstance(raw, dict):
        raise ProfileError(path, ["в файле должны быть разделы school, support, roles и другие"])
    try:
        return SchoolProfile.model_validate(raw)
    except ValidationError as exc:
        raise ProfileError(path, [_describe(err) for err in exc.errors()]) from None


def _describe(err) -> str:
    where = _key_path(err["loc"])
    if err["type"] in ("value_error", "assertion_error"):
        message = str(err.get("ctx", {}).get("error", err["msg"]))
    elif err["type"] in ("literal_error", "enum"):
        expected = str(err["ctx"]["expected"]).replace(" or ", " или ")
        message = f"допустимые значения: {expected}"
    else:
        message = _MESSAGES.get(err["type"], "неверное значение")
    value = err.get("input")
    shown = f" (указано: {value!r})" if isinstance(value, (str, int, float)) else ""
    if err["type"] == "missing" or "«" in message:
        shown = ""
    return f"{where}: {message}{shown}" if where else f"{message}{shown}"


def _key_path(loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue  # pydantic's names for union branches, meaningless to a reader
        else:
            out += f".{part}" if out else str(part)
    return out
