"""Short answer pages of the help site for families' commonest problems (site/pomoshch/).

Each topic is a page whose text is written from the profile (its platforms, contacts, request
types); a request type lists the topics the form suggests when it is chosen
(`request_types[].self_help` in the profile). The ids here are the only ones a profile may name.
A topic no request type lists is not the school's problem to answer: its page is not published,
and the main page does not name it among the problems the school helps with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import SchoolProfile


@dataclass(frozen=True)
class SelfHelpTopic:
    id: str
    title: str  # the page's heading and the form's link text
    path: str  # the page's address on the help site, from its root
    symptom: str  # the problem as the main page names it inside a sentence

    @property
    def source(self) -> str:
        """The page's Markdown file under the site's sources («pomoshch/parol.md»)."""
        return self.path.strip("/") + ".md"


TOPICS = {
    topic.id: topic
    for topic in (
        SelfHelpTopic("password", "Не получается войти: забыт пароль", "/pomoshch/parol/",
                      "не получается войти на платформу"),
        SelfHelpTopic("sound_camera", "Нет звука или не работает камера в звонке",
                      "/pomoshch/zvuk-i-kamera/", "пропал звук"),
        SelfHelpTopic("class_chat", "Ребёнка не добавили в чат класса", "/pomoshch/chat-klassa/",
                      "ребёнка не добавили в чат класса"),
        SelfHelpTopic("diary_marks", "В электронном дневнике не видно оценок", "/pomoshch/ocenki/",
                      "в дневнике не видно оценок"),
    )
}  # fmt: skip

# The list of the answer pages, published with them.
INDEX_PAGE = "pomoshch/index.md"


def check_topic(topic_id: str) -> str:
    """For the profile's validation: a known topic id, or ValueError with a Russian message."""
    if topic_id not in TOPICS:
        known = ", ".join(TOPICS)
        raise ValueError(f"страницы самопомощи «{topic_id}» нет; можно указать: {known}")
    return topic_id


def published_topics(profile: SchoolProfile) -> list[SelfHelpTopic]:
    """The topics some request type of the profile suggests, in the site's order."""
    listed = {topic for rtype in profile.request_types for topic in rtype.self_help}
    return [topic for topic in TOPICS.values() if topic.id in listed]


def unpublished_pages(profile: SchoolProfile) -> set[str]:
    """The answer pages (and their list, when there is no answer page) the site leaves out."""
    topics = published_topics(profile)
    hidden = {topic.source for topic in TOPICS.values() if topic not in topics}
    return hidden if topics else hidden | {INDEX_PAGE}
