"""What a page says when the system, not the person, failed: the database busy or away."""

from __future__ import annotations

DATABASE_BUSY = (
    "Сервер сейчас перегружен, и обращение не сохранено. Введённые данные остались в форме: "
    "подождите минуту и отправьте её ещё раз."
)
