"""Error pages in Russian; never a bare traceback for a visitor."""

from flask import Flask, render_template

MESSAGES = {
    400: ("Неверный запрос", "Страница получила данные, которые не может разобрать. Вернитесь назад и попробуйте ещё раз."),
    403: ("Доступ запрещён", "У вас нет прав на это действие."),
    404: ("Страница не найдена", "Такой страницы нет. Проверьте адрес или вернитесь на главную."),
    405: ("Действие недоступно", "Эта страница так не работает. Вернитесь назад и попробуйте ещё раз."),
    413: ("Слишком большой объём", "Файлы слишком большие: каждый не больше 5 МБ, всего не больше трёх."),
    429: ("Слишком много попыток", "С вашего адреса пришло много запросов подряд. Подождите несколько минут и попробуйте снова."),
    500: ("Что-то пошло не так", "Мы уже знаем об ошибке. Попробуйте позже или позвоните на горячую линию."),
}


def register(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, _handler(code))


def _handler(code: int):
    def handle(error):
        title, text = MESSAGES[code]
        return render_template("error.html", code=code, title=title, text=text), code

    return handle
