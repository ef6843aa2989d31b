"""A private Dovecot IMAP server on loopback for the mailbox tests.

`Dovecot` starts Debian's dovecot (package dovecot-imapd) as a child process with a config of
its own in a temporary directory: TLS with a self-signed certificate on an implicit-TLS port and
on a STARTTLS port, users in passwd-files (one file per user, added while it runs: each test
gets a fresh mailbox), Maildir storage, a log file, no system service touched. Run as root (CI),
the mail processes use Debian's `dovecot`/`dovenull` users; otherwise everything runs as the
current user.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from email.charset import BASE64, QP, Charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path

from tests.support.submissions import free_port
from tests.support.tls import self_signed_certificate

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def dovecot_installed() -> bool:
    return os.access(DOVECOT, os.X_OK)

CONFIG = """\
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = helpdesk-test-{port}
listen = 127.0.0.1
protocols = imap
log_path = {dir}/dovecot.log
ssl = required
ssl_cert = <{dir}/tls/mail-cert.pem
ssl_key = <{dir}/tls/mail-key.pem
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users/%u
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/users/%u
}}
mail_location = maildir:~/Maildir
first_valid_uid = {uid}
first_valid_gid = {gid}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service auth-worker {{
  user = $default_internal_user
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""


@dataclass(frozen=True)
class Mailbox:
    username: str
    password: str


class Dovecot:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
        self.dir.chmod(0o755)  # the mail processes run as another user when we are root
        self.port, self.ssl_port = free_port(), free_port()
        self.ca_file = str(self.dir / "tls" / "mail-cert.pem")
        self.untrusted_ca_file = ""  # another self-signed certificate, made on start
        self._process: subprocess.Popen | None = None
        self._stderr = None
        if os.geteuid() == 0:
            mail_user = pwd.getpwnam("dovecot")
            self._login_user = _existing_user("dovenull", "dovecot")
        else:
            mail_user = pwd.getpwuid(os.geteuid())
            self._login_user = mail_user.pw_name
        self._mail_user = mail_user

    def __enter__(self) -> Dovecot:
        try:
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self) -> None:
        (self.dir / "tls").mkdir()
        (self.dir / "other").mkdir()
        self_signed_certificate(self.dir / "tls")
        self.untrusted_ca_file = str(self_signed_certificate(self.dir / "other")[0])
        (self.dir / "users").mkdir()
        (self.dir / "mail").mkdir()
        os.chown(self.dir / "mail", self._mail_user.pw_uid, self._mail_user.pw_gid)
        (self.dir / "dovecot.conf").write_text(CONFIG.format(
            dir=self.dir, port=self.port, ssl_port=self.ssl_port, uid=self._mail_user.pw_uid,
            gid=self._mail_user.pw_gid, internal_user=self._mail_user.pw_name,
            internal_group=grp.getgrgid(self._mail_user.pw_gid).gr_name,
            login_user=self._login_user,
        ))  # fmt: skip
        self._stderr = open(self.dir / "stderr.log", "wb")
        self._process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.dir / "dovecot.conf")],
            stdout=subprocess.DEVNULL, stderr=self._stderr,
        )  # fmt: skip
        self._wait_until_listening()

    def __exit__(self, *exc) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._stderr is not None:
            self._stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.ssl_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def log(self) -> str:
        parts = [self.dir / "stderr.log", self.dir / "dovecot.log"]
        return "\n".join(p.read_text(errors="replace") for p in parts if p.exists())

    def new_mailbox(self, username: str | None = None) -> Mailbox:
        """A fresh, empty mailbox: a passwd-file of its own, read at its first login."""
        username = username or f"support-{secrets.token_hex(4)}@school.test"
        password = secrets.token_urlsafe(12)
        home = self.dir / "mail" / username
        uid, gid = self._mail_user.pw_uid, self._mail_user.pw_gid
        entry = f"{username}:{{PLAIN}}{password}:{uid}:{gid}::{home}::\n"
        (self.dir / "users" / username).write_text(entry)
        return Mailbox(username, password)

    def settings(self, mailbox: Mailbox, *, starttls: bool = False, **overrides) -> dict:
        """The app's IMAP_* settings for this server and mailbox."""
        settings = {
            "IMAP_HOST": "127.0.0.1",
            "IMAP_PORT": self.port if starttls else self.ssl_port,
            "IMAP_USE_SSL": not starttls,
            "IMAP_USERNAME": mailbox.username,
            "IMAP_PASSWORD": mailbox.password,
            "IMAP_CA_FILE": self.ca_file,
            "IMAP_TIMEOUT": 10,
        }
        settings.update(overrides)
        return settings

    def connect(self, mailbox: Mailbox) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=self.ca_file)
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.ssl_port, ssl_context=context, timeout=10)
        imap.login(mailbox.username, mailbox.password)
        return imap

    def deliver(self, mailbox: Mailbox, raw: bytes, folder: str = "INBOX") -> None:
        """Put a letter into the mailbox as a mail server would (IMAP APPEND)."""
        imap = self.connect(mailbox)
        try:
            typ, data = imap.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            imap.logout()

    def letters(self, mailbox: Mailbox, folder: str = "INBOX") -> list[tuple[set[str], bytes]]:
        """Every letter in a folder: its flags and its content."""
        imap = self.connect(mailbox)
        try:
            typ, _ = imap.select(folder, readonly=True)
            if typ != "OK":
                return []
            typ, data = imap.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
            return [
                (_flags(item[0]), item[1]) for item in data if isinstance(item, tuple)
            ]
        finally:
            imap.logout()


def _flags(response: bytes) -> set[str]:
    inside = response.split(b"FLAGS (", 1)[1].split(b")", 1)[0]
    return set(inside.decode().split())


def _existing_user(*names: str) -> str:
    for name in names:
        try:
            return pwd.getpwnam(name).pw_name
        except KeyError:
            continue
    raise RuntimeError(f"none of the users {names} exists: is dovecot-imapd installed?")


def letter(
    *,
    sender: str,
    subject: str,
    text: str = "",
    sender_name: str | None = None,
    to: str = "support@school7-zarechny.example.ru",
    charset: str = "utf-8",
    encoding: str = "quoted-printable",
    in_reply_to: str | None = None,
    headers: dict[str, str] | None = None,
    attachment: tuple[str, str, bytes] | None = None,
    html: str | None = None,
) -> bytes:
    """A letter as a mail client writes it: `charset` for subject and text, the text in
    quoted-printable or base64, optionally an HTML alternative or an attached file."""
    cs = Charset(charset)
    cs.header_encoding = cs.body_encoding = QP if encoding == "quoted-printable" else BASE64
    message = MIMEText(text, "plain", cs)
    if html is not None:
        alternative = MIMEMultipart("alternative")
        alternative.attach(message)
        alternative.attach(MIMEText(html, "html", cs))
        message = alternative
    if attachment is not None:
        mixed = MIMEMultipart("mixed")
        mixed.attach(message)
        name, ctype, content = attachment
        part = MIMEApplication(content, ctype.split("/", 1)[1])
        part.add_header("Content-Disposition", "attachment", filename=name)
        mixed.attach(part)
        message = mixed
    message["From"] = formataddr((sender_name, sender), charset="utf-8") if sender_name else sender
    message["To"] = to
    try:
        message["Subject"] = Header(subject, cs).encode()
    except UnicodeEncodeError:  # "№" is not in KOI8-R: such clients fall back to UTF-8
        message["Subject"] = Header(subject, "utf-8").encode()
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="mail.test")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    return message.as_bytes()
