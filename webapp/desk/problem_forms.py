"""Forms of the known-problem pages."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import Length, Optional

from .forms import SchoolDateTimeField
from ..requests.problems import MESSAGE_MAX, TEXT_MAX, TITLE_MAX
from ..school import SchoolProfile
from ..web.forms import RussianForm


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ProblemForm(RussianForm):
    title = StringField("Что не работает (коротко, это увидят семьи)", validators=[Length(max=TITLE_MAX + 50)])
    public_text = TextAreaField("Что известно и что делает школа", validators=[Length(max=TEXT_MAX + 500)])
    request_types = CheckboxesField("Каких видов обращений касается", choices=[], validate_choice=False)
    platform = SelectField("Платформа", choices=[], validate_choice=False)
    started_at = SchoolDateTimeField("Когда началась", validators=[Optional()])
    expected_at = SchoolDateTimeField("Когда ожидается решение (если известно)", validators=[Optional()])

    def offer(self, profile: SchoolProfile) -> ProblemForm:
        self.request_types.choices = [(t.id, t.title) for t in profile.request_types]
        self.platform.choices = [("", "— не на платформе —")] + [(p.id, p.name) for p in profile.platforms]
        return self


class ResolveForm(RussianForm):
    message = TextAreaField("Письмо семьям: что случилось и что делать теперь", validators=[Length(max=MESSAGE_MAX + 500)])
    close = BooleanField("Закрыть связанные обращения (иначе они будут ждать закрытия)")


class LinkForm(RussianForm):
    number = StringField("Номер обращения", validators=[Length(max=16)])
