from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..web.forms import RussianForm


class LoginForm(RussianForm):
    login = StringField(
        "Логин или адрес почты",
        validators=[DataRequired("Введите логин или адрес почты."), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Пароль", validators=[DataRequired("Введите пароль."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordForm(RussianForm):
    current = PasswordField(
        "Нынешний пароль", validators=[DataRequired("Введите нынешний пароль."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        "Новый пароль", validators=[DataRequired("Придумайте новый пароль."), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        "Новый пароль ещё раз",
        validators=[DataRequired("Повторите новый пароль."), EqualTo("new", "Пароли не совпадают.")],
        render_kw={"autocomplete": "new-password"},
    )
