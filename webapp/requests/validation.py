"""What a request may contain, for every channel (the web form and the hotline form alike).

Each `clean_*` function returns the value as it is stored, or raises `InvalidInput` whose text
is a Russian message for the person who typed it.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from ..school.model import RequestType
from ..vocabulary import AuthorRole, ConsultationForm, ConsultationMode

NAME_MAX = 200
DESCRIPTION_MAX = 4000
EMAIL_MAX = 254
PHONE_MAX = 40  # as typed, with an extension spelled out ("… добавочный 123456")
EXTENSION_MAX = 6  # digits; stored "+73431234567;ext=123456" fits the 32-character column
CLASS_MAX = 16
SUBJECT_MAX = 120

# A tag, a comment, a doctype or a character reference: markup, which no field needs.
_MARKUP = re.compile(r"<\s*[A-Za-z/!?]|&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An extension after the number, in the ways people write it: "доб. 123", "доб.123",
# "добавочный 123", "доп. 123", "вн. 123", "ext. 123", "x123", "#123", "(доб. 123)", ", доб 123",
# and the stored form ";ext=123", so that cleaning a cleaned number gives it back.
_EXTENSION = re.compile(
    r"[\s,;]*\(?\s*(?:доб(?:авочный)?|доп(?:олнительный)?|вн(?:утр(?:енний)?)?|ext(?:ension)?|"
    r"x|х|#)\s*[.:=]?\s*(\d{1,%d})\s*\)?\s*$" % EXTENSION_MAX,
    re.IGNORECASE,
)
_CLASS = re.compile(r"(1[01]|[1-9])\s*[-–—]?\s*[«\"]?([А-ЯЁа-яё])[»\"]?")


class InvalidInput(ValueError):
    pass


def clean_text(value: str | None, *, max_length: int, multiline: bool = False) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if not multiline and ("\n" in text or "\r" in text):
        raise InvalidInput("Здесь нужна одна строка, без переносов.")
    if "\r" in text or _CONTROL.search(text):
        raise InvalidInput("В тексте есть служебные символы — наберите его заново.")
    if _MARKUP.search(text):
        raise InvalidInput("Уберите HTML-разметку (теги в угловых скобках, коды с «&»): нужен обычный текст.")
    if len(text) > max_length:
        raise InvalidInput(f"Слишком длинно: не больше {max_length} знаков (сейчас {len(text)}).")
    return text


def clean_name(value: str | None) -> str:
    name = re.sub(r"\s+", " ", clean_text(value, max_length=NAME_MAX))
    if not name:
        raise InvalidInput("Укажите фамилию, имя и отчество.")
    if not re.search(r"[A-Za-zА-ЯЁа-яё]", name):
        raise InvalidInput("Похоже, это не имя: укажите фамилию, имя и отчество буквами.")
    return name


def clean_role(value: str | None) -> str:
    if value not in AuthorRole.codes():
        choices = ", ".join(role.label for role in AuthorRole)
        raise InvalidInput(f"Выберите, кто вы: {choices}.")
    return value


def clean_class(role: str | None, value: str | None) -> str | None:
    """`7А`-style class for a student (own) or a parent (the child's); none for a teacher."""
    text = clean_text(value, max_length=CLASS_MAX)
    if role not in AuthorRole.codes():  # no role chosen: that is the error to show
        return text or None
    if not AuthorRole(role).gives_class:
        if text:
            raise InvalidInput("Учителю класс указывать не нужно — оставьте поле пустым.")
        return None
    if not text:
        whose = "класс ребёнка" if role == AuthorRole.PARENT else "свой класс"
        raise InvalidInput(f"Укажите {whose}, например 7А.")
    match = _CLASS.fullmatch(text)
    if not match:
        raise InvalidInput("Класс пишется цифрой от 1 до 11 и буквой, например 7А или 10Б.")
    return f"{match.group(1)}{match.group(2).upper()}"


def asks_consultation(request_type: RequestType | None) -> bool:
    """The type asks the consultation's form and mode (seed 003)."""
    return request_type is not None and request_type.consultation


def asks_subject(request_type: RequestType | None) -> bool:
    """The type asks the subject: a consultation, or a request routed to the subject's teacher."""
    return asks_consultation(request_type) or (
        request_type is not None and request_type.route_by == "subject_teacher"
    )


def clean_consultation_form(request_type: RequestType | None, value: str | None) -> str | None:
    """A ConsultationForm code for a type that asks it; None (whatever was sent) for the others."""
    if not asks_consultation(request_type):
        return None
    if value not in ConsultationForm.codes():
        choices = ", ".join(form.label.split(" (")[0] for form in ConsultationForm)
        raise InvalidInput(f"Выберите форму консультации: {choices}.")
    return value


def clean_consultation_mode(request_type: RequestType | None, value: str | None) -> str | None:
    """A ConsultationMode code for a type that asks it; None for the others."""
    if not asks_consultation(request_type):
        return None
    if value not in ConsultationMode.codes():
        raise InvalidInput("Выберите, как провести консультацию: онлайн или офлайн.")
    return value


def clean_subject(
    request_type: RequestType | None, value: str | None, subjects: list[str]
) -> str | None:
    """The subject as the profile names it (one of `subjects`), or as typed when the profile
    lists none; required where the type routes to the subject's teacher. None for other types."""
    if not asks_subject(request_type):
        return None
    text = re.sub(r"\s+", " ", clean_text(value, max_length=SUBJECT_MAX))
    required = request_type.route_by == "subject_teacher"
    if not text:
        if required:
            raise InvalidInput("Выберите предмет — вопрос получит его учитель." if subjects
                               else "Укажите предмет, например «Математика».")  # fmt: skip
        return None
    if not subjects:
        return text
    found = next((title for title in subjects if title.casefold() == text.casefold()), None)
    if found is None:
        raise InvalidInput("Выберите предмет из списка.")
    return found


def clean_description(value: str | None) -> str:
    text = clean_text(value, max_length=DESCRIPTION_MAX, multiline=True)
    if not text:
        raise InvalidInput("Опишите, что случилось.")
    return text


def clean_phone(value: str | None) -> str | None:
    """A Russian way of writing a number -> E.164 (+79991234567), with an extension kept in the
    RFC 3966 form `+73431234567;ext=123` (a `tel:` link dials it; `format_phone` shows «доб. 123»).

    Extensions are recognised as «доб. 123», «доб.123», «добавочный 123», «доп. 123», «вн. 123»,
    «ext. 123», «x123», «#123», also in brackets or after a comma; up to 6 digits.
    Raises InvalidInput with a Russian message when the number is not a valid one.
    """
    text = clean_text(value, max_length=PHONE_MAX)
    if not text:
        return None
    extension = None
    found = _EXTENSION.search(text)
    if found and found.start() > 0:
        extension, text = found.group(1), text[: found.start()]
    try:
        number = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.extension or not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            "Проверьте номер телефона: например, +7 912 345-67-89 или 8 (343) 123-45-67 доб. 123."
        )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164};ext={extension}" if extension else e164


def clean_email(value: str | None, *, smtputf8: bool = False) -> str | None:
    """A normalized address. A domain in Cyrillic (`ivan@почта.рф`) is fine: it is sent in IDNA.
    Cyrillic before the @ (`иван@почта.рф`) needs SMTPUTF8, which many servers, the school's
    among them unless `smtputf8`, do not offer: the person is told at once, not after a bounce."""
    text = clean_text(value, max_length=EMAIL_MAX)
    if not text:
        return None
    try:
        address = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidInput("Проверьте адрес почты: он пишется как name@example.ru.") from None
    if not smtputf8 and not address.rpartition("@")[0].isascii():
        raise InvalidInput(
            "Почта школы не может отправить письмо на адрес с русскими буквами до знака @. "
            "Укажите другой адрес (латиницей до @) или телефон."
        )
    return address


def require_contact(phone: str | None, email: str | None) -> None:
    if not phone and not email:
        raise InvalidInput("Укажите телефон или электронную почту — иначе мы не сможем ответить.")


def format_phone(stored: str | None) -> str:
    """'+79123456789' -> '+7 912 345-67-89'; '+73431234567;ext=123' -> '+7 343 123-45-67 доб. 123'."""
    if not stored:
        return ""
    main, _, extension = stored.partition(";ext=")
    number = phonenumbers.parse(main, "RU")
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{text} доб. {extension}" if extension else text
