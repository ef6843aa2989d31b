"""Short answer pages of the help site for families' commonest problems (site/pomoshch/).

Each topic is a page whose text is written from the profile (its platforms, contacts, request
types); a request type lists the topics the form suggests when it is chosen
(`request_types[].self_help` in the profile). The ids here are the only ones a profile may name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SelfHelpTopic:
    id: str
    title: str  # the page's heading and the form's link text
    path: str  # the page's address on the help site, from its root


TOPICS = {
    topic.id: topic
    for topic in (
        SelfHelpTopic("password", "Не получается войти: забыт пароль", "/pomoshch/parol/"),
        SelfHelpTopic("sound_camera", "Нет звука или не работает камера в звонке", "/pomoshch/zvuk-i-kamera/"),
        SelfHelpTopic("class_chat", "Ребёнка не добавили в чат класса", "/pomoshch/chat-klassa/"),
        SelfHelpTopic("diary_marks", "В электронном дневнике не видно оценок", "/pomoshch/ocenki/"),
    )
}


def check_topic(topic_id: str) -> str:
    """For the profile's validation: a known topic id, or ValueError with a Russian message."""
    if topic_id not in TOPICS:
        known = ", ".join(TOPICS)
        raise ValueError(f"страницы самопомощи «{topic_id}» нет; можно указать: {known}")
    return topic_id
