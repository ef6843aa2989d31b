"""The rating form: three faces and an optional comment."""

from __future__ import annotations

from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..requests.satisfaction import MAX_COMMENT
from ..vocabulary import Rating
from ..web.forms import RussianForm


CHOOSE = "Выберите ответ: помог, помог отчасти или не помог."


class RatingForm(RussianForm):
    rating = RadioField(
        "Помог ли ответ?",
        choices=[SelectChoice(r.value, f"{r.face} {r.label.capitalize()}") for r in reversed(Rating)],
        validators=[InputRequired(CHOOSE)],
        validate_choice=False,
    )
    comment = TextAreaField(
        "Комментарий (необязательно)",
        validators=[Optional(), Length(max=MAX_COMMENT, message=f"Не больше {MAX_COMMENT} символов.")],
        render_kw={"rows": 3},
    )

    def validate_rating(self, field):
        if field.data not in Rating.codes():
            raise ValidationError(CHOOSE)
