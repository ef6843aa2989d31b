"""Forms of the staff desk: the list's filters and the actions on a request."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..public.forms import RequestForm
from ..requests.lifecycle import MAX_TEXT
from ..school import SchoolProfile

TEXT_LIMIT = Length(max=MAX_TEXT, message=f"Не больше {MAX_TEXT} символов.")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def school_time(profile: SchoolProfile, typed: dt.datetime) -> dt.datetime:
    """A date and time typed on the desk means the school's clock; stored in UTC."""
    zone = ZoneInfo(profile.school.timezone)
    return typed.replace(tzinfo=zone).astimezone(dt.timezone.utc)


def local_input_value(profile: SchoolProfile, moment: dt.datetime) -> dt.datetime:
    """The naive school-clock value an input field shows for a stored moment."""
    return moment.astimezone(ZoneInfo(profile.school.timezone)).replace(tzinfo=None, second=0, microsecond=0)


class DeskForm(FlaskForm):
    """WTForms' own messages (a wrong choice, a bad date) in Russian, from its catalogue."""

    class Meta:
        locales = ("ru",)

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


class SchoolDateTimeField(DateTimeLocalField):
    """A date and time typed by the school's clock (<input type="datetime-local">)."""

    def __init__(self, label, validators=None, **kwargs):
        super().__init__(label, validators, format=LOCAL_INPUT, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Укажите дату и время полностью: день, месяц, год, часы и минуты.") from None


class FilterForm(DeskForm):
    """The list's filters travel in the address (GET), so they need no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Номер или начало ФИО", validators=[Optional(), Length(max=100)],
                    render_kw={"type": "search", "autocomplete": "off"})
    status = SelectField("Статус", validate_choice=False)
    request_type = SelectField("Вид", validate_choice=False)
    assignee = SelectField("Специалист", validate_choice=False)
    overdue = BooleanField("Только просроченные")
    extension = BooleanField("Ждут решения о сроке")


class ActionForm(DeskForm):
    """A button with nothing to fill in: take into work, close."""


class AssignForm(DeskForm):
    assignee = SelectField("Кому передать", validators=[InputRequired("Выберите специалиста.")])


class NoteForm(DeskForm):
    text = TextAreaField(
        "Заметка для сотрудников (автор её не увидит)",
        validators=[DataRequired("Напишите текст заметки."), TEXT_LIMIT], render_kw={"rows": 3},
    )


class ContactForm(DeskForm):
    method = RadioField(
        "Как связались с автором",
        choices=[
            SelectChoice("phone", "Позвонил(а) — записываю разговор"),
            SelectChoice("email", "Отправить письмо автору"),
        ],
        default="phone",
        validators=[InputRequired("Выберите способ связи.")],
    )
    text = TextAreaField(
        "О чём разговор или текст письма",
        validators=[DataRequired("Напишите, о чём был разговор, или текст письма."), TEXT_LIMIT],
        render_kw={"rows": 4},
    )


class AnswerForm(DeskForm):
    text = TextAreaField(
        "Текст ответа (уйдёт автору письмом)",
        validators=[DataRequired("Напишите текст ответа."), TEXT_LIMIT], render_kw={"rows": 6},
    )


class OralAnswerForm(DeskForm):
    summary = TextAreaField(
        "Что вы ответили устно (кратко; увидит автор на странице обращения)",
        validators=[DataRequired("Напишите кратко, что вы ответили."), TEXT_LIMIT],
        render_kw={"rows": 4},
    )


class ExtensionForm(DeskForm):
    new_due = SchoolDateTimeField(
        "Новый срок (время школы)", validators=[InputRequired("Укажите новый срок: дату и время.")]
    )
    reason = TextAreaField(
        "Почему нужно больше времени",
        validators=[DataRequired("Напишите причину."), TEXT_LIMIT],
    )


class DecisionForm(DeskForm):
    decision = RadioField(
        "Решение",
        choices=[SelectChoice("agree", "Согласовать новый срок"), SelectChoice("decline", "Отклонить")],
        validators=[InputRequired("Выберите решение.")],
    )
    comment = TextAreaField("Комментарий (для сотрудников)", validators=[Optional(), TEXT_LIMIT])


class ReopenForm(DeskForm):
    reason = TextAreaField(
        "Почему открываете снова (увидит автор)",
        validators=[DataRequired("Напишите причину."), TEXT_LIMIT],
    )


CHANNEL_CHOICES = [
    SelectChoice("phone", "По телефону"),
    SelectChoice("in_person", "Лично"),
    SelectChoice("class_chat", "Через чат классного руководителя"),
    SelectChoice("email", "По электронной почте"),
]


class HotlineForm(DeskForm, RequestForm):
    """The web form's fields (seed 002, Appendix 2 asks the same) plus how and when it came."""

    website = None  # no honeypot: only signed-in staff reach this form
    channel = RadioField("Как поступило обращение", choices=CHANNEL_CHOICES, validate_choice=False)
    received_at = SchoolDateTimeField(
        "Когда поступило (время школы)",
        validators=[InputRequired("Укажите дату и время, когда поступило обращение.")],
    )
    consent = BooleanField("Обратившийся устно согласился на обработку персональных данных")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in HOTLINE_LABELS.items():
            getattr(self, name).label.text = label

    def validate_channel(self, field):
        if field.data not in {c.value for c in CHANNEL_CHOICES}:
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
