"""The README's «Установка на новый сервер, шаг за шагом», followed line by line.

Each command of the section's sh blocks is matched to what this test does with it, on a
temporary copy of the program: a folder of the test stands for /, so /opt/helpdesk, /etc and
/var/backups are folders of the test. Most lines run as written (minus `sudo`); the few that
would change this machine (a system user, apt's lists, systemctl) are replaced by their check
here: `systemctl enable --now` starts each unit's ExecStart with its EnvironmentFile and
WorkingDirectory, `daemon-reload` runs `systemd-analyze verify`, `reload nginx` starts nginx on
the installed site config. A README line this table does not know fails the test, so the
section and the test cannot drift apart. At the end the README's own check (`curl …/app/health`
and `doctor`) must answer "ok" and exit 0.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.support.nginx import main_config, nginx_binary, running_nginx
from tests.support.private_servers import private_postgres, wait_for_port
from tests.support.processes import Process
from tests.support.smtp import SmtpCatcher
from tests.support.submissions import free_port
from tests.support.tls import self_signed_certificate

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SECTION = "### Установка на новый сервер, шаг за шагом"
SITE_NAME = "help.school7.example.ru"


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(SECTION, 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"^ *```sh\n(.*?)^ *```", section, re.S | re.M)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


class Server:
    """The test's stand-in for a fresh server: its root folder, the services it runs."""

    def __init__(self, root: Path, stop: contextlib.ExitStack, pg_url: str, smtp_port: int):
        self.root, self.stop, self.pg_url, self.smtp_port = root, stop, pg_url, smtp_port
        self.cwd = root
        self.secret = ""
        self.app_port, self.https_port, self.http_port = free_port(), free_port(), free_port()
        self.not_run: list[str] = []
        self.processes: list[Process] = []

    def path(self, text: str) -> str:
        """Absolute server paths in `text`, moved under the test's root."""
        for real in ("/opt/helpdesk", "/etc/", "/var/backups/", "/var/log/"):
            text = re.sub(rf"(?<![\w/.]){re.escape(real)}", str(self.root) + real, text)
        return text

    def shell(self, line: str, **kwargs) -> subprocess.CompletedProcess:
        command = self.path(re.sub(r"^sudo (-u \w+ )?", "", line))
        run = subprocess.run(["bash", "-c", command], cwd=self.cwd, capture_output=True, text=True,
                             env=self.base_env(), timeout=600, **kwargs)  # fmt: skip
        assert run.returncode == 0, f"{line}\n{run.stdout}\n{run.stderr}"
        return run

    @staticmethod
    def base_env() -> dict:
        from webapp.config import DefaultConfig

        settings = {k for k in vars(DefaultConfig) if k.isupper()} | {"APP_ENV", "CI"}
        return {k: v for k, v in os.environ.items() if k not in settings}

    def environment_file(self) -> dict:
        env_file = self.root / "etc" / "helpdesk.env"
        run = subprocess.run(["bash", "-c", f'set -a && . "{env_file}" && set +a && env -0'],
                             capture_output=True, env=self.base_env(), check=True)  # fmt: skip
        return dict(item.split("=", 1) for item in run.stdout.decode().split("\0") if "=" in item)

    # What each README line becomes here.

    def packages(self, line: str, names: str) -> None:
        for name in names.split():
            installed = subprocess.run(["dpkg", "-s", name], capture_output=True).returncode == 0
            known = subprocess.run(["apt-cache", "show", name], capture_output=True).returncode == 0
            assert installed or known, f"{name}: no such Debian package"

    def clone(self, line: str) -> None:
        """The program as git would check it out: every file git tracks or would track."""
        files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                               cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")  # fmt: skip
        target = self.root / "opt" / "helpdesk"
        for name in filter(None, files):
            if (ROOT / name).is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, target / name)

    def chdir(self, line: str) -> None:
        self.cwd = Path(self.path(line.split(" ", 1)[1]))

    def venv(self, line: str) -> None:
        # The checkout's own virtual environment stands in for a new one: nothing is downloaded.
        (self.cwd / ".venv").symlink_to(ROOT / ".venv")

    def pip(self, line: str) -> None:
        self.shell(line + " --no-index --quiet")  # every pinned library is already there

    def psql(self, line: str) -> None:
        server = urllib.parse.urlsplit(self.pg_url)
        local = f"-h 127.0.0.1 -p {server.port} -U postgres"
        self.shell(line.replace("psql -c", f"psql {local} -d postgres -c").replace("createdb ", f"createdb {local} "))

    def secret_key(self, line: str) -> None:
        self.secret = self.shell(line).stdout.strip()
        assert len(self.secret) == 64

    def install_file(self, line: str) -> None:
        self.shell(line.replace(" -o root -g helpdesk", ""))

    def edit_env(self, line: str) -> None:
        """What step 4 asks a school to write into /etc/helpdesk.env (the mail server is the
        test's SMTP server, the site's address the test's nginx)."""
        env_file = self.root / "etc" / "helpdesk.env"
        text = env_file.read_text(encoding="utf-8")
        port = urllib.parse.urlsplit(self.pg_url).port
        password = urllib.parse.quote(re.search(r"PASSWORD '([^']+)'", self.readme_line("CREATE ROLE")).group(1))
        edits = {
            "SECRET_KEY": self.secret,
            "DATABASE_URL": f"postgresql://helpdesk:{password}@127.0.0.1:{port}/helpdesk",
            "PUBLIC_BASE_URL": f"https://localhost:{self.https_port}",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(self.smtp_port),
            "MAIL_DEFAULT_SENDER": '"Служба сопровождения <support@school7-zarechny.example.ru>"',
        }  # fmt: skip
        for key, value in edits.items():
            text, count = re.subn(rf"^(# )?{key}=.*$", f"{key}={value}", text, count=1, flags=re.M)
            assert count == 1, key
        env_file.write_text(self.path(text), encoding="utf-8")

    def readme_line(self, fragment: str) -> str:
        return next(line for line in readme_commands() if fragment in line)

    def make_dir(self, line: str) -> None:
        self.shell(line.replace(" -o helpdesk -g helpdesk", ""))

    def units(self) -> Path:
        return self.root / "etc" / "systemd" / "system"

    def local_unit(self, name: str) -> str:
        text = self.path((self.units() / name).read_text(encoding="utf-8"))
        return text.replace("127.0.0.1:8000", f"127.0.0.1:{self.app_port}")

    def daemon_reload(self, line: str) -> None:
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
        folder = self.root / "verify"
        folder.mkdir()
        for unit in self.units().iterdir():
            (folder / unit.name).write_text(self.local_unit(unit.name).replace("=helpdesk\n", "=root\n"))
        run = subprocess.run([analyze, "verify", "--man=no", *sorted(p.name for p in folder.iterdir())],
                             cwd=folder, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert run.returncode == 0 and not run.stderr.strip(), run.stderr

    def enable(self, line: str, names: str) -> None:
        for name in names.split():
            service = name.removesuffix(".timer") + ".service"
            unit = self.local_unit(service)
            directory = Path(re.search(r"^WorkingDirectory=(.+)$", unit, re.M).group(1))
            command = shlex.split(re.search(r"^ExecStart=(.+)$", unit, re.M).group(1))
            env = {**self.base_env(), **self.environment_file()}
            if "Type=oneshot" in unit:  # a timer's job: run it once, as the timer would
                run = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True, timeout=300)
                assert run.returncode == 0, f"{service}\n{run.stdout}\n{run.stderr}"
                continue
            process = Process(command, env, self.root / f"{service}.log", cwd=directory)
            self.processes.append(process)
            self.stop.callback(process.stop)
        wait_for_port(self.app_port, timeout=60)

    def edit_nginx(self, line: str) -> None:
        """Step 7's edit: the site's own name (here localhost) and its certificate. The ports
        are the test's, as 443 and 80 are not ours on this machine."""
        conf = self.root / "etc" / "nginx" / "sites-available" / "helpdesk.conf"
        text = conf.read_text(encoding="utf-8").replace(SITE_NAME, "localhost")
        text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl;")
        text = text.replace("listen 80;", f"listen 127.0.0.1:{self.http_port};")
        text = text.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{self.app_port};")
        conf.write_text(self.path(text), encoding="utf-8")
        live = self.root / "etc" / "letsencrypt" / "live" / "localhost"
        live.mkdir(parents=True)
        cert, key = self_signed_certificate(live)
        cert.rename(live / "fullchain.pem")
        key.rename(live / "privkey.pem")

    def nginx_include(self) -> str:
        return f"include {self.root}/etc/nginx/sites-enabled/*;\n"

    def nginx_check(self, line: str) -> None:
        folder = self.root / "nginx-check"
        conf = main_config(folder, self.nginx_include())
        run = subprocess.run([nginx_binary(), "-t", "-p", str(folder), "-c", str(conf)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr

    def nginx_reload(self, line: str) -> None:
        self.stop.enter_context(running_nginx(self.root / "nginx", self.nginx_include(), self.https_port))

    def curl(self, line: str) -> None:
        cert = self.root / "etc" / "letsencrypt" / "live" / "localhost" / "fullchain.pem"
        url = f"https://localhost:{self.https_port}/app/health"
        command = line.replace(f"https://{SITE_NAME}/app/health", f"--cacert {cert} {url}")
        deadline = time.monotonic() + 60  # until the worker has reported once
        while True:
            answer = json.loads(self.shell(command).stdout)
            if answer["status"] == "ok" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert answer["status"] == "ok", answer

    def doctor(self, line: str) -> None:
        run = self.shell(line)
        assert "!" not in run.stdout, run.stdout
        assert "Настройки: опасных и противоречивых не найдено." in run.stdout

    def skip(self, reason: str):
        return lambda line, *_: self.not_run.append(f"{line}  ({reason})")

    def table(self):
        s = self
        return [
            (r"sudo apt-get update", s.skip("this machine's package lists")),
            (r"sudo apt-get install -y (.+)", s.packages),
            (r"sudo useradd --system .* helpdesk", s.skip("no system user on a shared machine")),
            (r"sudo git clone \S+ /opt/helpdesk", s.clone),
            (r"sudo chown -R helpdesk:helpdesk /opt/helpdesk", s.skip("no helpdesk user here")),
            (r"cd /opt/helpdesk", s.chdir),
            (r"sudo -u helpdesk python3 -m venv \.venv", s.venv),
            (r"sudo -u helpdesk \.venv/bin/pip install -r requirements\.txt", s.pip),
            (r'sudo -u postgres (?:psql -c ".+"|createdb .+)', s.psql),
            (r'python3 -c "import secrets; print\(secrets\.token_hex\(32\)\)"', s.secret_key),
            (r"sudo install -m 640 -o root -g helpdesk \S+ /etc/helpdesk\.env", s.install_file),
            (r"sudo nano /etc/helpdesk\.env", s.edit_env),
            (r"sudo -u helpdesk cp \S+ \S+", s.shell),
            (r"sudo -u helpdesk nano instance/school\.yaml", s.skip("the demo school stays")),
            (r"sudo -u helpdesk sh -c '.+ doctor'", s.doctor),
            (r"sudo -u helpdesk sh -c '.+'", s.shell),
            (r"sudo install -d -m 700 -o helpdesk -g helpdesk \S+", s.make_dir),
            (r"sudo (?:cp|mkdir -p|ln -s) .+", s.shell),
            (r"sudo systemctl daemon-reload", s.daemon_reload),
            (r"sudo systemctl enable --now helpdesk-mailbox\.timer +# только если задан IMAP_HOST",
             s.skip("no IMAP_HOST here: tests/test_mailbox*.py read a real Dovecot")),
            (r"sudo systemctl enable --now ([\w. -]+)", s.enable),
            (r"sudo certbot certonly --nginx -d help\.school7\.example\.ru",
             s.skip("Let's Encrypt needs the internet: the test makes its own certificate")),
            (r"sudo nano /etc/nginx/sites-available/helpdesk\.conf", s.edit_nginx),
            (r"sudo nginx -t", s.nginx_check),
            (r"sudo systemctl reload nginx", s.nginx_reload),
            (r"sudo systemctl restart systemd-journald", s.skip("this machine's journal")),
            (r"curl -s https://help\.school7\.example\.ru/app/health", s.curl),
        ]  # fmt: skip


def test_the_readmes_installation_steps_give_a_working_installation(tmp_path):
    commands = readme_commands()
    assert len(commands) > 20
    with contextlib.ExitStack() as stop, SmtpCatcher() as smtp:
        pg_url, _ = stop.enter_context(private_postgres())
        server = Server(tmp_path / "server", stop, pg_url, smtp.port)
        server.root.mkdir()
        for folder in ("etc/systemd/system", "etc/nginx/sites-available", "etc/nginx/sites-enabled", "var/backups",
                       "var/log/nginx"):  # fmt: skip
            (server.root / folder).mkdir(parents=True)
        table = server.table()
        for line in commands:
            matches = [(pattern, action) for pattern, action in table if re.fullmatch(pattern, line)]
            assert matches, f"a README step the test does not know: {line}"
            pattern, action = matches[0]
            action(line, *re.fullmatch(pattern, line).groups())
        backups = list((server.root / "var" / "backups" / "helpdesk").glob("helpdesk-backup-*.tar"))
        assert len(backups) == 1  # the nightly job ran once, as its timer would
        # Personal links and a search by name are personal data: nginx's access log keeps other
        # pages, never those.
        cert = server.root / "etc" / "letsencrypt" / "live" / "localhost" / "fullchain.pem"
        personal = ["/app/status/a-personal-token", "/app/form/done/a-done-token", "/app/rate/a-rating-token",
                    "/app/desk/?status=all&q=Smirnova-Anna"]  # fmt: skip
        for path in personal:
            server.shell(f"curl -s -o /dev/null --cacert {cert} 'https://localhost:{server.https_port}{path}'")
        access_log = (server.root / "var" / "log" / "nginx" / "access.log").read_text()
        assert "GET /app/health" in access_log
        for secret in ("a-personal-token", "a-done-token", "a-rating-token", "Smirnova-Anna"):
            assert secret not in access_log, secret
    assert len(server.not_run) == 7, server.not_run
