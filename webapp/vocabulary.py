"""The product's vocabulary: every code the register stores, with the Russian words people read.

Each code is an `enum.StrEnum` member: the database, forms and URLs keep the plain string
(`"in_work"`), and whoever shows it to a person asks the member for its `label`. Adding a status,
an event or a clock is one edit here; the desk, the status page, the e-mails and the commands all
take their words from this module.

What a school's profile lists itself (ways to apply, request types, roles) is not repeated here:
it is read from the profile (webapp/school/model.py). Only the product's own codes live here.
"""

from __future__ import annotations

import enum


class Code(enum.StrEnum):
    """A stored code with its Russian `label`; subclasses may carry more words per member."""

    label: str
    __extras__: tuple[str, ...] = ()  # names of further words, given after the label

    def __new__(cls, code: str, label: str, *more: str | None):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        for position, name in enumerate(cls.__extras__):
            setattr(member, name, more[position] if position < len(more) else None)
        return member

    @classmethod
    def label_of(cls, code: str | None, default: str | None = None) -> str:
        """The label of a stored code; `default` (or the code itself) for one no longer known."""
        try:
            return cls(code).label
        except ValueError:
            return default if default is not None else (code or "")

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)


class RequestStatus(Code):
    """Where a request is in its life (seed 002: received → handed over → in work → answered)."""

    NEW = "new", "новое"
    ASSIGNED = "assigned", "передано специалисту"
    IN_WORK = "in_work", "в работе"
    ANSWERED = "answered", "дан ответ"
    CLOSED = "closed", "закрыто"

    @classmethod
    def open(cls) -> tuple[RequestStatus, ...]:
        """The statuses in which the service still owes the author something."""
        return (cls.NEW, cls.ASSIGNED, cls.IN_WORK)


class AuthorRole(Code):
    """Who wrote: the form's «Кто вы». A student and a parent give a class (the child's)."""

    STUDENT = "student", "ученик"
    PARENT = "parent", "родитель"
    TEACHER = "teacher", "учитель"

    @property
    def gives_class(self) -> bool:
        return self is not AuthorRole.TEACHER


class Channel(Code):
    """How a request came in. The web form is the product's own; every other way to apply is
    one of the profile's `channels`, stored by its id and titled by the profile."""

    WEB = "web", "форма на сайте"


class Clock(Code):
    """The three deadline clocks of seed 002: 30 min to hand over, 30 min to take, 24 h to process.

    `label` names the step on the desk; `task` says what was to be done, in a letter to the head.
    """

    task: str
    __extras__ = ("task",)

    ASSIGN = "assign", "передать специалисту", "передать обращение специалисту"
    TAKE = "take", "взять в работу", "принять обращение в работу"
    PROCESS = "process", "обработать", "обработать обращение и ответить автору"


class ClockMode(Code):
    """How a clock runs (the profile's `support.deadlines.clock` and `clocks`;
    webapp/deadlines/clock.py). `phrase` finishes «Сроки считаются …» on the site."""

    phrase: str
    __extras__ = ("phrase",)

    CALENDAR = "calendar", "по календарю", "по календарю: вечер, ночь и выходные тоже идут в счёт"
    WORKING_HOURS = (
        "working_hours",
        "в рабочие часы",
        "только в часы работы и только в рабочие дни",
    )
    WORKING_DAYS = (
        "working_days",
        "по рабочим дням",
        "по рабочим дням: выходные и праздники в счёт не идут, а рабочий день считается целиком",
    )


class ConsultationForm(Code):
    """The form of a consultation (seed 003)."""

    INDIVIDUAL = "individual", "индивидуальная"
    GROUP = "group", "групповая"
    FRONTAL = "frontal", "фронтальная (со всем классом)"


class ConsultationMode(Code):
    """How a consultation is given (seed 003): online by video, or offline by mail or chat."""

    ONLINE = "online", "онлайн (видеосвязь)"
    OFFLINE = "offline", "офлайн (почта или чат)"


class ClockState(Code):
    DONE = "done", "выполнено"
    OK = "ok", "в срок"
    SOON = "soon", "скоро срок"
    OVERDUE = "overdue", "просрочено"


class ClockOutcome(Code):
    """How a clock ended or stands, kept on the record (issue 12): a clock missed and then done
    stays "met late" — it never turns into a plain "done"."""

    MET = "met", "выполнено в срок"
    MET_LATE = "met_late", "выполнено с опозданием"
    RUNNING = "running", "идёт"
    BREACHED = "breached", "просрочено и не выполнено"
    NOT_STARTED = "not_started", "ещё не начался"
    NOT_COUNTED = "not_counted", "не учитывается: обращение — дубликат"
    SKIPPED = "skipped", "не понадобилось: ответ дан по известной проблеме"
    DONE = "done", "выполнено (время не записано)"  # requests closed before outcomes were kept


class ClosingOutcome(Code):
    """Why a request was closed: asked when it is closed (issue 12). `public_label` is the
    author's words in the closing letter and on the status page."""

    public_label: str
    __extras__ = ("public_label",)

    RESOLVED = "resolved", "вопрос решён", "вопрос решён"
    NOT_RESOLVED = "not_resolved", "вопрос не решён", "решить вопрос не удалось"
    NO_CONTACT = "no_contact", "не удалось связаться с автором", "не удалось с вами связаться"
    DUPLICATE = "duplicate", "дубликат другого обращения", "это повтор другого вашего обращения"

    @classmethod
    def chosen_at_close(cls) -> tuple[ClosingOutcome, ...]:
        """What the closing form offers; a duplicate is closed by its own action."""
        return (cls.RESOLVED, cls.NOT_RESOLVED, cls.NO_CONTACT)


class Rating(Code):
    """The author's answer to «Помог ли ответ?»: three faces, the fastest to tap on a phone.
    `score` orders them (1 the worst); the profile's `satisfaction.low_score` marks the low ones."""

    score: int
    face: str
    __extras__ = ("score", "face")

    NO = "no", "не помог", 1, "☹"
    PARTLY = "partly", "помог отчасти", 2, "😐"
    YES = "yes", "помог", 3, "☺"

    @classmethod
    def at_most(cls, score: int) -> tuple[Rating, ...]:
        return tuple(member for member in cls if member.score <= score)


class Event(Code):
    """A line of a request's history. `label` is the desk's; `public_label` is what the author
    reads on the status page (None: the event is internal and never shown to the author)."""

    public_label: str | None
    __extras__ = ("public_label",)

    CREATED = "created", "зарегистрировано", "Обращение зарегистрировано"
    ASSIGNED = "assigned", "передано специалисту", "Передано специалисту"
    TAKEN = "taken", "взято в работу", "Взято в работу"
    NOTE = "note", "заметка"
    CONTACT_CALL = "contact_call", "звонок автору"
    CONTACT_EMAIL = "contact_email", "письмо автору"
    ANSWER_EMAIL = "answer_email", "ответ по почте", "Ответ отправлен по электронной почте"
    ANSWER_ORAL = "answer_oral", "устный ответ", "Ответ дан по телефону"
    EXTENSION_REQUESTED = "extension_requested", "просьба продлить срок", "Запрошено продление срока"
    EXTENSION_AGREED = "extension_agreed", "срок продлён", "Срок обработки продлён"
    EXTENSION_DECLINED = "extension_declined", "продление не согласовано", "Срок обработки не продлён"
    CLOSED = "closed", "закрыто", "Обращение закрыто"
    REOPENED = "reopened", "открыто снова", "Обращение открыто снова"
    AUTHOR_LETTER = "author_letter", "письмо автора", "Получено ваше письмо"
    RATED = "rated", "оценка автора"
    ANONYMISED = "anonymised", "сведения о человеке удалены"
    ANSWER_OF_MAIN = "answer_of_main", "ответ по основному обращению", "Ответ дан по основному обращению"
    PROBLEM_LINKED = "problem_linked", "связано с известной проблемой", "Школа уже знает об этой проблеме и занимается ею"
    PROBLEM_UNLINKED = "problem_unlinked", "связь с известной проблемой снята"
    PROBLEM_ANSWER = "problem_answer", "ответ по известной проблеме", "Проблема решена: ответ отправлен всем, кто о ней писал"

    @classmethod
    def public_label_of(cls, code: str) -> str:
        try:
            return cls(code).public_label or "Событие"
        except ValueError:
            return "Событие"


class Action(Code):
    """What staff do to a request on the desk; `label` completes «У вас нет права …»."""

    ASSIGN = "assign", "передать обращение"
    TAKE = "take", "взять обращение в работу"
    NOTE = "note", "добавить заметку"
    CONTACT = "contact", "связаться с автором"
    ANSWER = "answer", "ответить"
    REQUEST_EXTENSION = "request_extension", "попросить продлить срок"
    DECIDE_EXTENSION = "decide_extension", "решить, продлевать ли срок"
    CLOSE = "close", "закрыть обращение"
    CLOSE_DUPLICATE = "close_duplicate", "закрыть обращение как дубликат"
    REOPEN = "reopen", "открыть обращение снова"


class ContactMethod(Code):
    PHONE = "phone", "по телефону"
    EMAIL = "email", "по электронной почте"


class Actor(Code):
    """Who did something, when it was not a staff member (whose id is stored instead)."""

    AUTHOR = "author", "Автор"
    SYSTEM = "system", "Система"


class Permission(Code):
    """What a role of the profile may do on the desk (`roles[].permissions`)."""

    ASSIGN = "assign", "передавать обращения специалистам"
    REGISTER_CALLS = "register_calls", "записывать обращения по телефону и другим каналам"
    VIEW_ALL = "view_all", "видеть все обращения, кроме конфиденциальных"
    VIEW_CONFIDENTIAL = "view_confidential", "видеть конфиденциальные обращения"
    APPROVE_EXTENSIONS = "approve_extensions", "согласовывать продление срока"
    ANSWER = "answer", "брать обращения в работу и отвечать"
    MANAGE_STAFF = "manage_staff", "вести учётные записи сотрудников"
    DECLARE_PROBLEMS = "declare_problems", "объявлять известные проблемы и отвечать по ним всем сразу"


class AccountState(Code):
    NONE = "none", "нет учётной записи"
    ACTIVE = "active", "действует"
    DISABLED = "disabled", "отключена"
    LOCKED = "locked", "временно заблокирована"


class MailKind(Code):
    """Which event queued a letter (the outbox's `kind`), as `outbox failed` names it.

    `reader` is who reads it ("staff" or "author"); `written_by` is "person" when the letter
    carries a person's own words (an answer, a question), "system" when the product wrote it all:
    such letters say `Auto-Submitted: auto-generated` (RFC 3834) so no robot answers them."""

    reader: str
    written_by: str
    __extras__ = ("reader", "written_by")

    REQUEST_RECEIVED = "request_received", "подтверждение автору", "author", "system"
    REQUEST_ROUTED = "request_routed", "новое обращение специалисту", "staff", "system"
    REQUEST_COPY = "request_copy", "копия ответственному", "staff", "system"
    REQUEST_ASSIGNED = "request_assigned", "передача специалисту", "staff", "system"
    ANSWER_SENT = "answer_sent", "ответ автору", "author", "person"
    QUESTION_TO_AUTHOR = "question_to_author", "уточнение у автора", "author", "person"
    EXTENSION_REQUESTED = "extension_requested", "просьба продлить срок", "staff", "system"
    SLA_BREACH = "sla_breach", "нарушение срока", "staff", "system"
    AUTHOR_REPLIED = "author_replied", "письмо автора специалисту", "staff", "system"
    REQUEST_CLOSED = "request_closed", "обращение закрыто", "author", "system"
    MONTHLY_REPORT = "monthly_report", "отчёт за месяц", "staff", "system"
    PROBLEM_RESOLVED = "problem_resolved", "решение известной проблемы", "author", "person"


class LetterOutcome(Code):
    """What `mailbox fetch` did with a letter from the support mailbox."""

    ANSWERED = "answered", "ответ переслан автору"
    AUTHOR_LETTER = "author_letter", "письмо автора добавлено к обращению"
    ALREADY = "already", "обработано раньше"
    LEFT = "left", "оставлено в ящике"
    SET_ASIDE = "set_aside", "отложено: не разбирается повторно"


class OutboxStatus(Code):
    PENDING = "pending", "ждёт отправки"
    SENDING = "sending", "отправляется"
    SENT = "sent", "отправлено"
    FAILED = "failed", "не отправлено"
    CANCELLED = "cancelled", "отменено: сведения о человеке удалены"


class Anonymisation(Code):
    """Why a request's personal data was removed (152-ФЗ art. 21: on the end of the term or on
    withdrawal of consent); what stays is listed in webapp/retention/anonymise.py."""

    RETENTION = "retention", "истёк срок хранения"
    WITHDRAWAL = "withdrawal", "автор отозвал согласие"


class AuditedPage(Code):
    """Every page of the areas the audit log covers, by endpoint (webapp/web/audit.py writes
    the endpoint; tests/test_retention.py checks each one has its words here).

    `personal` is "yes" when the page shows a person's data (names, contacts, descriptions)."""

    personal: str
    __extras__ = ("personal",)

    QUEUE = "desk.queue", "реестр обращений", "yes"
    REQUEST_PAGE = "desk.request_page", "страница обращения", "yes"
    ACT = "desk.act", "действие с обращением", "yes"
    ATTACHMENT = "desk.attachment", "вложение обращения", "yes"
    HOTLINE = "desk.hotline", "форма записи обращения по телефону", "yes"
    CONTROL = "oversight.control", "контроль исполнения", "yes"
    REPORTS = "oversight.reports", "отчёты", "yes"
    EXPORT = "oversight.export_file", "выгрузка отчёта или реестра", "yes"
    PEOPLE = "privacy.people", "поиск сведений о человеке", "yes"
    PERSON_EXPORT = "privacy.person_export", "выгрузка сведений о человеке", "yes"
    PERSON_ANONYMISE = "privacy.person_anonymise", "удаление сведений о человеке", "yes"
    AUDIT = "privacy.audit_log", "журнал доступа", "no"
    PROBLEMS = "problems.index", "известные проблемы", "no"
    PROBLEM = "problems.show", "известная проблема", "no"
    PROBLEM_DECLARE = "problems.declare", "объявление известной проблемы", "no"
    PROBLEM_UPDATE = "problems.update", "изменение известной проблемы", "no"
    PROBLEM_RESOLVE = "problems.resolve", "решение известной проблемы: ответ всем", "no"
    PROBLEM_LINK = "problems.link", "связь обращения с известной проблемой", "no"
    PROBLEM_UNLINK = "problems.unlink", "снятие связи с известной проблемой", "no"


# Handed to every template (webapp/factory.py), so a page compares and titles codes by name.
TEMPLATE_NAMES = {
    cls.__name__: cls
    for cls in (
        RequestStatus, AuthorRole, Channel, Clock, ClockState, ClockOutcome, ClosingOutcome, Rating,
        Event, Action, ContactMethod,
        Actor, Permission, AccountState, MailKind, LetterOutcome, OutboxStatus, Anonymisation,
        AuditedPage, ConsultationForm, ConsultationMode,
    )
}  # fmt: skip
