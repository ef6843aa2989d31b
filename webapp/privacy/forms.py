"""Forms of the personal-data pages. Every one is a POST: a phone or an e-mail typed here must
never travel in an address, where server logs and the browser's history would keep it."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length

from ..web.forms import RussianForm


class PersonForm(RussianForm):
    phone = StringField("Телефон", validators=[Length(max=60)])
    email = StringField("Электронная почта", validators=[Length(max=254)])


class WithdrawalForm(PersonForm):
    basis = StringField(
        "Основание",
        description="Номер и дата заявления об отзыве согласия или иного документа — без имени человека.",
        validators=[InputRequired("Укажите основание: номер и дату заявления."), Length(max=200)],
    )
    confirm = BooleanField(
        "Понимаю: имя, контакты, описания, ответы и файлы этих обращений будут удалены без возможности восстановления",
        validators=[InputRequired("Подтвердите удаление: отметьте флажок.")],
    )
