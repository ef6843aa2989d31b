"""What the forms of every area share: Russian messages, and the fields of a request.

`RequestFields` is the request as the public form asks it (seed 002, Appendix 1); the hotline
form (Appendix 2) asks the same and adds how and when the request came. The rules for each
value live in webapp/requests/validation.py; a field only shows their Russian message.
"""

from __future__ import annotations

import re
import secrets

from flask import request
from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from flask_wtf.form import _Auto
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict
from wtforms import BooleanField, FileField, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation, ValidationError

from ..requests import validation as v
from ..requests.attachments import MAX_FILES, AttachmentError, UploadedFile, inspect_upload
from ..requests.service import RequestData
from ..vocabulary import AuthorRole, ConsultationForm, ConsultationMode
from .current import current_school

SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")


class RussianForm(FlaskForm):
    """WTForms' own messages (a wrong choice, a bad date) in Russian, from its catalogue."""

    class Meta:
        locales = ("ru",)

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

        def wrap_formdata(self, form, formdata):
            if formdata is _Auto:  # Flask-WTF would also take a JSON body, of any shape
                if not form.is_submitted():
                    return None
                formdata = CombinedMultiDict((request.files, request.form))
            return None if formdata is None else plain_formdata(form, formdata)


def plain_formdata(form, formdata) -> MultiDict:
    """What a browser can send: files only for file fields, text without NUL for the rest.

    Flask-WTF merges uploaded files into the form data, so a text field sent as a file part would
    reach the validators as a file; such a part counts as absent and gets the field's Russian
    message. NUL is never typed, and PostgreSQL refuses to store it.
    """
    file_fields = {field.name for field in form if isinstance(field, FileField)}
    cleaned = MultiDict()
    for key, values in formdata.lists():
        for value in values:
            if key in file_fields and isinstance(value, FileStorage):
                cleaned.add(key, value)
            elif key not in file_fields and isinstance(value, str):
                cleaned.add(key, value.replace("\x00", ""))
    return cleaned


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


def cleaned_by(clean):
    """A field validator that stores the cleaned value or shows the rule's Russian message."""

    def check(form, field):
        try:
            field.data = clean(field.data)
        except v.InvalidInput as exc:
            raise StopValidation(str(exc)) from None

    return check


def _clean_email(value: str | None) -> str | None:
    """The address as stored; one with non-Latin letters before the @ only where the school's
    mail server can deliver it (MAIL_SMTPUTF8)."""
    return v.clean_email(value, smtputf8=current_app.config["MAIL_SMTPUTF8"])


def author_role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, role.label.capitalize()) for role in AuthorRole]


class RequestFields(RussianForm):
    author_name = StringField(
        "Фамилия, имя, отчество", validators=[cleaned_by(v.clean_name)],
        render_kw={"autocomplete": "name", "maxlength": v.NAME_MAX},
    )  # fmt: skip
    author_role = RadioField("Кто вы", choices=author_role_choices(), validate_choice=False,
                             validators=[cleaned_by(v.clean_role)])  # fmt: skip
    # No autocomplete="off": a browser then would not restore the class when the parent goes back.
    class_name = StringField("Класс", render_kw={"maxlength": v.CLASS_MAX})
    request_type = RadioField("Вид обращения", validate_choice=False)
    # Asked by consultation types only (seed 003); the other types store none of them.
    consultation_form = RadioField(
        "Форма консультации", validate_choice=False,
        choices=[SelectChoice(f.value, f.label.capitalize()) for f in ConsultationForm],
    )  # fmt: skip
    consultation_mode = RadioField(
        "Как провести консультацию", validate_choice=False,
        choices=[SelectChoice(m.value, m.label.capitalize()) for m in ConsultationMode],
    )  # fmt: skip
    # A list of the profile's `subjects` where it has them (the template draws a select).
    subject = StringField("Предмет", render_kw={"maxlength": v.SUBJECT_MAX})
    description = TextAreaField(
        "Опишите проблему", validators=[cleaned_by(v.clean_description)],
        render_kw={"rows": 6, "maxlength": v.DESCRIPTION_MAX},
    )  # fmt: skip
    contact_phone = StringField(
        "Телефон", validators=[cleaned_by(v.clean_phone)],
        render_kw={"type": "tel", "autocomplete": "tel", "maxlength": v.PHONE_MAX},
    )  # fmt: skip
    contact_email = StringField(
        "Электронная почта", validators=[cleaned_by(_clean_email)],
        render_kw={"type": "email", "autocomplete": "email", "maxlength": v.EMAIL_MAX},
    )  # fmt: skip
    attachments = MultipleFileField(
        "Скриншоты или документ",
        render_kw={"accept": "image/png,image/jpeg,application/pdf"},
    )  # fmt: skip
    consent = BooleanField("Согласие на обработку персональных данных")
    submission_key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_type.choices = [SelectChoice(t.id, t.title) for t in current_school().request_types]
        if not self.submission_key.data:
            self.submission_key.data = new_submission_key()
        self.uploads: list[UploadedFile] = []

    def validate_class_name(self, field):
        try:
            field.data = v.clean_class(self.author_role.data, field.data)
        except v.InvalidInput as exc:
            raise ValidationError(str(exc)) from None

    def validate_request_type(self, field):
        if current_school().request_type(field.data or "") is None:
            raise ValidationError("Выберите вид обращения.")

    def validate_consultation_form(self, field):
        self._clean_for_type(field, v.clean_consultation_form)

    def validate_consultation_mode(self, field):
        self._clean_for_type(field, v.clean_consultation_mode)

    def validate_subject(self, field):
        subjects = [s.title for s in current_school().subjects]
        self._clean_for_type(field, lambda rtype, value: v.clean_subject(rtype, value, subjects))

    def _clean_for_type(self, field, clean):
        """A field the chosen request type may ask: cleaned, or None for a type that does not."""
        request_type = current_school().request_type(self.request_type.data or "")
        try:
            field.data = clean(request_type, field.data)
        except v.InvalidInput as exc:
            raise ValidationError(str(exc)) from None

    def validate_contact_email(self, field):
        if self.contact_phone.errors:
            return
        try:
            v.require_contact(self.contact_phone.data, field.data)
        except v.InvalidInput as exc:
            raise ValidationError(str(exc)) from None

    def validate_attachments(self, field):
        files = [f for f in (field.data or []) if f and f.filename]
        if len(files) > MAX_FILES:
            raise ValidationError(f"Можно приложить не больше {MAX_FILES} файлов.")
        try:
            self.uploads = [inspect_upload(f.filename, f.read()) for f in files]
        except AttachmentError as exc:
            raise ValidationError(str(exc)) from None

    def validate_consent(self, field):
        if not field.data:
            raise ValidationError("Без согласия на обработку персональных данных мы не можем принять обращение.")

    def validate_submission_key(self, field):
        if not SUBMISSION_KEY.fullmatch(field.data or ""):
            field.data = new_submission_key()
            raise ValidationError("Форма устарела: проверьте данные и отправьте её ещё раз.")

    def request_data(self) -> RequestData:
        return RequestData(
            author_name=self.author_name.data,
            author_role=self.author_role.data,
            class_name=self.class_name.data,
            request_type=self.request_type.data,
            description=self.description.data,
            contact_phone=self.contact_phone.data,
            contact_email=self.contact_email.data,
            consultation_form=self.consultation_form.data,
            consultation_mode=self.consultation_mode.data,
            subject=self.subject.data,
        )
