"""Cutting a reply down to what its writer typed: no quoted letter, no signature.

Covers the usual shapes: a reply on top of a ">"-quoted letter (Mail.ru, Yandex, Gmail,
Thunderbird) with its attribution line ("12.03.2026, 10:15, Служба <support@…>:",
"… написал(а):", "On … wrote:"), a reply between quoted lines, Outlook's unquoted copy under
"-----Original Message-----" or "От: … Отправлено: …", the "-- " signature delimiter and the
"Отправлено из мобильной Почты Mail.ru" kind of footer. It errs on the side of keeping text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(original message|исходное сообщение|пересылаемое сообщение|"
    r"forwarded message|перенаправленное сообщение|переадресованное сообщение)\s*-{2,}|_{10,}|"
    # Apple Mail and its Russian version, Outlook's "Forwarded" block, Yandex's forward line
    r"(begin forwarded message|начало пересылаемого сообщения|начало переадресованного "
    r"(сообщения|письма)|пересылаемое сообщение|forwarded message)\s*:?)\s*$",
    re.I,
)
_OUTLOOK_HEADER = re.compile(r"^\s*\*?(from|от|отправитель)\s*:\*?\s+\S", re.I)
_OUTLOOK_NEXT = re.compile(r"^\s*\*?(sent|date|дата|отправлено|кому|to)\s*:", re.I)
_ATTRIBUTION = re.compile(r"(wrote|написал\(а\)|написала?|пишет|писал\(а\))\s*:\s*$", re.I)
# "12.03.2026, 10:15, Служба <support@…>:" (Yandex), "Среда, 12 марта 2026, 10:15 от … <…@…>:"
_ADDRESS_AND_DATE = re.compile(r"(?=.*\b(19|20)\d\d\b)(?=.*\S@\S).*:\s*$")
# The advertising line a mail client adds under the text (Outlook for Android/iOS, Почта Mail.ru,
# Яндекс Почта, Gmail, iPhone/iPad), in Russian and in English.
_FOOTER = re.compile(
    r"^\s*(отправлено (из|с|через) |отправлено с помощью |sent from (my )?|sent with |sent via |"
    r"get outlook for |получите outlook для |получить outlook для |скачайте outlook для |"
    r"загрузите outlook для |скачать outlook для |"
    r"(с уважением, )?отправлено из мобильной |яндекс ?почта для (ios|android|iphone)|"
    r"mail\.ru для (ios|android|iphone)|почта mail\.ru для |"
    r"this email was sent from |это письмо отправлено (из|с) )",
    re.I,
)


def strip_quote(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _ends_letter(lines, i):
            break
        if _is_attribution(lines, i):
            following = _next_text_line(lines, i + 1 + _wrapped(lines, i))
            if following is None or not lines[following].lstrip().startswith(">"):
                break  # the whole letter is copied below, unquoted
            i += 1 + _wrapped(lines, i)
            continue
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
        i += 1
    return _tidy(kept)


def _ends_letter(lines: list[str], i: int) -> bool:
    line = lines[i]
    if line.rstrip() == "--" or line == "-- " or _SEPARATOR.match(line) or _FOOTER.match(line):
        return True
    if _OUTLOOK_HEADER.match(line):
        following = _next_text_line(lines, i + 1)
        return following is not None and bool(_OUTLOOK_NEXT.match(lines[following]))
    return False


def _is_attribution(lines: list[str], i: int) -> bool:
    return _attribution_text(lines[i]) or (
        i + 1 < len(lines) and _attribution_text(f"{lines[i]} {lines[i + 1]}")
    )


def _wrapped(lines: list[str], i: int) -> int:
    """1 if the attribution at `i` runs on to the next line, as Gmail wraps it."""
    return 0 if _attribution_text(lines[i]) else 1


def _attribution_text(line: str) -> bool:
    line = line.strip().lstrip(">").strip()
    return bool(line) and bool(_ATTRIBUTION.search(line) or _ADDRESS_AND_DATE.match(line))


def _next_text_line(lines: list[str], start: int) -> int | None:
    for j in range(start, len(lines)):
        if lines[j].strip():
            return j
    return None


def _tidy(lines: list[str]) -> str:
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


class _TextOfHtml(HTMLParser):
    """Text of an HTML letter, skipping quoted blocks, styles and scripts."""

    SKIP = {"style", "script", "head", "title", "blockquote"}
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "table"}
    QUOTE_MARKS = re.compile(r"gmail_quote|yandex_quote|moz-cite-prefix", re.I)
    # Outlook puts the previous letter, unquoted, after one of these.
    PREVIOUS_LETTER = re.compile(r"divRplyFwdMsg|appendonsend", re.I)
    VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.stopped = False

    def handle_starttag(self, tag, attrs):
        marks = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        if self.PREVIOUS_LETTER.search(marks):
            self.stopped = True
        if tag in self.BREAKS:
            self.parts.append("\n")
        if tag not in self.VOID:
            self.open.append((tag, tag in self.SKIP or bool(self.QUOTE_MARKS.search(marks))))

    def handle_endtag(self, tag):
        if tag in self.BREAKS:
            self.parts.append("\n")
        # Close up to the matching tag; a stray end tag closes nothing.
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                break

    def handle_data(self, data):
        if not self.stopped and not any(hides for _tag, hides in self.open):
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return _tidy(lines)
