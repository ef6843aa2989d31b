"""Forms of the staff desk: the list's filters and the actions on a request."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..requests.lifecycle import MAX_TEXT
from ..formatting import to_local
from ..school import SchoolProfile
from ..vocabulary import ClosingOutcome, ContactMethod
from ..web.current import current_school
from ..web.forms import RequestFields, RussianForm

TEXT_LIMIT = Length(max=MAX_TEXT, message=f"Не больше {MAX_TEXT} символов.")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # a typed date outside them is a typing mistake


def school_time(profile: SchoolProfile, typed: dt.datetime) -> dt.datetime:
    """A date and time typed on the desk means the school's clock; stored in UTC."""
    zone = ZoneInfo(profile.school.timezone)
    return typed.replace(tzinfo=zone).astimezone(dt.timezone.utc)


def local_input_value(profile: SchoolProfile, moment: dt.datetime) -> dt.datetime:
    """The naive school-clock value an input field shows for a stored moment."""
    return to_local(profile, moment).replace(tzinfo=None, second=0, microsecond=0)


class SchoolDateTimeField(DateTimeLocalField):
    """A date and time typed by the school's clock (<input type="datetime-local">)."""

    def __init__(self, label, validators=None, **kwargs):
        super().__init__(label, validators, format=LOCAL_INPUT, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Укажите дату и время полностью: день, месяц, год, часы и минуты.") from None
        if self.data is not None and not EARLIEST_YEAR <= self.data.year <= LATEST_YEAR:
            self.data = None  # year 1 or 9999 would overflow the arithmetic of time zones and terms
            raise ValueError(f"Проверьте год: нужна дата между {EARLIEST_YEAR} и {LATEST_YEAR} годом.")


class FilterForm(RussianForm):
    """The list's filters travel in the address (GET), so they need no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Номер или начало ФИО", validators=[Optional(), Length(max=100)],
                    render_kw={"type": "search", "autocomplete": "off"})
    status = SelectField("Статус", validate_choice=False)
    request_type = SelectField("Вид", validate_choice=False)
    assignee = SelectField("Специалист", validate_choice=False)
    overdue = BooleanField("Просрочены сейчас")
    missed = BooleanField("Срок пропускался когда-либо")
    due_soon = BooleanField("Срок истекает в течение получаса")
    extension = BooleanField("Ждут решения о сроке")
    low_rating = BooleanField("Низкая оценка автора")


class ActionForm(RussianForm):
    """A button with nothing to fill in: take into work."""


class CloseForm(RussianForm):
    """Closing asks how the request ended (issue 12); the author is told by e-mail."""

    outcome = RadioField(
        "Чем закончилось обращение",
        choices=[SelectChoice(o.value, o.label.capitalize()) for o in ClosingOutcome.chosen_at_close()],
        validators=[InputRequired("Выберите, чем закончилось обращение.")],
    )


class DuplicateForm(RussianForm):
    number = StringField(
        "Номер обращения, которое повторяет это",
        validators=[DataRequired("Укажите номер обращения, например 2026-00042."), Length(max=30)],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )


class AssignForm(RussianForm):
    assignee = SelectField("Кому передать", validators=[InputRequired("Выберите специалиста.")])


class NoteForm(RussianForm):
    text = TextAreaField(
        "Заметка для сотрудников (автор её не увидит)",
        validators=[DataRequired("Напишите текст заметки."), TEXT_LIMIT], render_kw={"rows": 3},
    )


class ContactForm(RussianForm):
    method = RadioField(
        "Как связались с автором",
        choices=[
            SelectChoice(ContactMethod.PHONE, "Позвонил(а) — записываю разговор"),
            SelectChoice(ContactMethod.EMAIL, "Отправить письмо автору"),
        ],
        default=ContactMethod.PHONE,
        validators=[InputRequired("Выберите способ связи.")],
    )
    text = TextAreaField(
        "О чём разговор или текст письма",
        validators=[DataRequired("Напишите, о чём был разговор, или текст письма."), TEXT_LIMIT],
        render_kw={"rows": 4},
    )


class AnswerForm(RussianForm):
    text = TextAreaField(
        "Текст ответа (уйдёт автору письмом)",
        validators=[DataRequired("Напишите текст ответа."), TEXT_LIMIT], render_kw={"rows": 6},
    )


class OralAnswerForm(RussianForm):
    summary = TextAreaField(
        "Что вы ответили устно (кратко; увидит автор на странице обращения)",
        validators=[DataRequired("Напишите кратко, что вы ответили."), TEXT_LIMIT],
        render_kw={"rows": 4},
    )


class ExtensionForm(RussianForm):
    new_due = SchoolDateTimeField(
        "Новый срок (время школы)", validators=[InputRequired("Укажите новый срок: дату и время.")]
    )
    reason = TextAreaField(
        "Почему нужно больше времени",
        validators=[DataRequired("Напишите причину."), TEXT_LIMIT],
    )


class DecisionForm(RussianForm):
    decision = RadioField(
        "Решение",
        choices=[SelectChoice("agree", "Согласовать новый срок"), SelectChoice("decline", "Отклонить")],
        validators=[InputRequired("Выберите решение.")],
    )
    comment = TextAreaField("Комментарий (для сотрудников)", validators=[Optional(), TEXT_LIMIT])


class ReopenForm(RussianForm):
    reason = TextAreaField(
        "Почему открываете снова (увидит автор)",
        validators=[DataRequired("Напишите причину."), TEXT_LIMIT],
    )


class HotlineForm(RequestFields):
    """The web form's fields (seed 002, Appendix 2 asks the same) plus how and when it came.
    The ways it may have come are the profile's `channels`, less the web form itself."""

    channel = RadioField("Как поступило обращение", validate_choice=False)
    received_at = SchoolDateTimeField(
        "Когда поступило (время школы)",
        validators=[InputRequired("Укажите дату и время, когда поступило обращение.")],
    )
    consent = BooleanField("Обратившийся устно согласился на обработку персональных данных")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [SelectChoice(c.id, c.title) for c in current_school().recorded_channels]
        for name, label in HOTLINE_LABELS.items():
            getattr(self, name).label.text = label

    def validate_channel(self, field):
        if field.data not in {choice.value for choice in self.channel.choices}:
            raise ValidationError("Выберите, как поступило обращение.")

    def validate_consent(self, field):
        if not field.data:
            raise ValidationError("Без согласия обращение записать нельзя: спросите его у обратившегося.")


HOTLINE_LABELS = {
    "author_name": "ФИО обратившегося",
    "author_role": "Кто обратился",
    "class_name": "Класс ученика (для ученика и родителя)",
    "description": "Суть обращения",
    "contact_phone": "Телефон для ответа",
    "contact_email": "Электронная почта для ответа",
    "attachments": "Скриншоты или документ (если прислали)",
}
