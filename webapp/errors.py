"""Error pages in Russian; never a bare traceback for a visitor."""

import logging

from flask import Flask, render_template, request
from sqlalchemy.exc import OperationalError

from .extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Неверный запрос", "Страница получила данные, которые не может разобрать. Вернитесь назад и попробуйте ещё раз."),
    403: ("Доступ запрещён", "У вас нет прав на это действие."),
    404: ("Страница не найдена", "Такой страницы нет. Проверьте адрес или вернитесь на главную."),
    405: ("Действие недоступно", "Эта страница так не работает. Вернитесь назад и попробуйте ещё раз."),
    410: ("Обращение удалено", "Сведения этого обращения удалены по правилам хранения персональных данных: истёк срок их хранения или автор отозвал согласие. Если вопрос остался, оставьте новое обращение."),
    413: ("Слишком большой объём", "Файлы слишком большие: каждый не больше 5 МБ, всего не больше трёх."),
    429: ("Слишком много попыток", "С вашего адреса пришло много запросов подряд. Подождите несколько минут и попробуйте снова."),
    500: ("Что-то пошло не так", "Мы уже знаем об ошибке. Попробуйте позже."),
    503: ("Сервер занят", "Сервер сейчас перегружен, и действие не выполнено. Вернитесь назад и повторите его через минуту."),
}


def register(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, _handler(code))
    app.register_error_handler(OperationalError, _database_unavailable)


def _database_unavailable(error: OperationalError):
    """The database is locked, full or restarting: a page that says to try again, and a log
    line with the kind of failure only (its statement's values may be personal data)."""
    db.session.rollback()
    log.error("database unavailable on %s %s: %s", request.method, request.endpoint, type(error.orig).__name__)
    return _handler(503)(error)


def _handler(code: int):
    def handle(error):
        title, text = MESSAGES[code]
        return render_template("error.html", code=code, title=title, text=text), code

    return handle
