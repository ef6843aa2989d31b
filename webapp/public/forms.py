"""The public request form (seed 002, Appendix 1): the request's fields and a honeypot."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import ValidationError

from ..web.forms import RequestFields


class RequestForm(RequestFields):
    # Hidden from people; a bot that fills every field fills this one too.
    website = StringField("Сайт", render_kw={"autocomplete": "off", "tabindex": "-1"})

    def validate_website(self, field):
        if field.data:
            raise ValidationError(
                "Форма заполнена автоматически и не отправлена. Если вы заполняли её сами, "
                "обновите страницу и отправьте ещё раз."
            )
