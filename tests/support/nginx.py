"""Debian's nginx on loopback with deploy/nginx/helpdesk.conf, the file a school installs.

`deploy_config` returns that file with this run's ports, certificate, site and app servers put
in place of the server's; `running_nginx` runs any server blocks under a minimal main config in
a folder of the test, in the foreground, and stops it (SIGTERM, then SIGKILL) whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.private_servers import wait_for_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_CONFIG = ROOT / "deploy" / "nginx" / "helpdesk.conf"
CERTIFICATE = "/etc/letsencrypt/live/help.school7.example.ru/fullchain.pem"
CERTIFICATE_KEY = "/etc/letsencrypt/live/help.school7.example.ru/privkey.pem"


def deploy_config(*, https_port: int | None, http_port: int | None, site: Path, app_servers: list[str],
                  certificate: tuple[Path, Path] | None = None) -> str:  # fmt: skip
    """deploy/nginx/helpdesk.conf for loopback.

    `app_servers`: "127.0.0.1:PORT" of each gunicorn. With `https_port=None` the TLS server
    listens on plain http at `http_port` (no certificate needed) and the redirecting server is
    left out; otherwise TLS on `https_port` with `certificate`, the redirect on `http_port`.
    """
    return localize(DEPLOY_CONFIG.read_text(encoding="utf-8"), https_port=https_port, http_port=http_port,
                    site=site, app_servers=app_servers, certificate=certificate)  # fmt: skip


def localize(text: str, *, https_port: int | None, http_port: int | None, site: Path, app_servers: list[str],
             certificate: tuple[Path, Path] | None = None) -> str:  # fmt: skip
    """`deploy_config` on a text of that file (a test may have changed a line first)."""
    text = re.sub(r"^#.*\n", "", text, flags=re.M)  # the file's own explanations
    upstream = "".join(f"    server {address};\n" for address in app_servers)
    text = text.replace("    server 127.0.0.1:8000;\n", upstream, 1)
    text = text.replace("root /opt/helpdesk/build/site;", f"root {site};")
    text = text.replace("root /opt/helpdesk/deploy/", f"root {ROOT}/deploy/")
    if https_port is None:
        text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{http_port};")
        text = re.sub(r"^\s*ssl_.*\n", "", text, flags=re.M)
        text = re.sub(r"^server \{\n    listen 80;.*?^\}\n", "", text, flags=re.S | re.M)
    else:
        cert, key = certificate
        text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl;")
        text = text.replace(CERTIFICATE, str(cert)).replace(CERTIFICATE_KEY, str(key))
        text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("/var/log/nginx/access.log", "/dev/null")  # not the machine's log
    # The site is not reached under its real name here: any Host header will do.
    return text.replace("server_name help.school7.example.ru;", "server_name _;")


def nginx_binary() -> str:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return binary


def main_config(folder: Path, server_blocks: str) -> Path:
    """folder/nginx.conf: a minimal main configuration around `server_blocks` (or an include)."""
    for name in ("logs", "temp"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""  # pytest's folders are root's only
    conf.write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/logs/error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        f" client_body_temp_path {folder}/temp/body;\n proxy_temp_path {folder}/temp/proxy;\n"
        f" fastcgi_temp_path {folder}/temp/fastcgi;\n uwsgi_temp_path {folder}/temp/uwsgi;\n"
        f" scgi_temp_path {folder}/temp/scgi;\n{server_blocks}}}\n"
    )
    return conf


@contextlib.contextmanager
def running_nginx(folder: Path, server_blocks: str, port: int):
    """Yield the nginx process (its error log is folder/logs/error.log)."""
    binary = nginx_binary()
    conf = main_config(folder, server_blocks)
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        try:
            wait_for_port(port, timeout=10)
        except TimeoutError:
            process.kill()
            raise AssertionError(f"nginx did not start: {process.stderr.read().decode()}") from None
        yield process
    finally:
        if process.poll() is None:
            process.terminate()  # nginx stops its workers on SIGTERM
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        process.stderr.close()
