"""Page weight and Lighthouse (mobile) scores of the help site served by the app itself.

    .venv/bin/python -m benchmarks.page_weight [--no-compress] [--pages / /obrashchenie/ …]

Builds the site into a temporary folder (`mkdocs build --strict`, then the .gz/.br copies as
`make site` writes them), starts the app under gunicorn on a free loopback port with that site
and a temporary SQLite database, and runs Lighthouse from the npm registry (installed into
benchmarks/lighthouse/ by `npm ci`, which this script runs if it is missing) in Debian's Chromium
(CHROME_PATH, /usr/bin/chromium; nothing is downloaded). Prints, for each page: bytes over the
wire (Lighthouse's total-byte-weight), the number of requests, any request to another host, and
the performance, accessibility and best-practices scores, with the audits that failed. Budget
(issue 15): the home page ≤ 150 KiB, performance ≥ 0.98, accessibility 1.0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.common import temporary_database
from benchmarks.submissions import bench_env, create_schema, gunicorn

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = ROOT / "benchmarks" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
PAGES = ["/", "/obrashchenie/", "/app/form"]
BUDGET = {"bytes": 150 * 1024, "performance": 0.98, "accessibility": 1.0}
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="+", default=PAGES)
    parser.add_argument("--no-compress", action="store_true", help="serve the site without .gz/.br copies")
    parser.add_argument("--save", type=Path, help="keep each page's Lighthouse report (JSON) in this folder")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chrome).exists():
        sys.exit("Chromium is not installed: apt-get install chromium")
    ensure_lighthouse()
    with tempfile.TemporaryDirectory(prefix="page-weight-") as tmp:
        folder = Path(tmp)
        site = build_site(folder / "site", compress=not args.no_compress)
        with temporary_database("sqlite", "page-weight") as url:
            env = {**bench_env(url, folder), "SITE_DIR": str(site)}
            create_schema(env)
            with gunicorn("wsgi:app", env, 2) as base:
                results = [lighthouse(base + path, chrome, folder, args.save) for path in args.pages]
    report(args, results)
    return 0


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True,
                       env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"})  # fmt: skip


def build_site(dest: Path, *, compress: bool) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SCHOOL_PROFILE", None)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(dest)],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    if compress:
        subprocess.run([sys.executable, "-m", "whitenoise.compress", "--quiet", str(dest)], check=True)
    return dest


def lighthouse(url: str, chrome: str, folder: Path, save: Path | None = None) -> dict:
    out = folder / "lighthouse.json"
    if save:
        save.mkdir(parents=True, exist_ok=True)
        out = save / ((urlsplit(url).path.strip("/").replace("/", "-") or "home") + ".json")
    subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
         "--only-categories=performance,accessibility,best-practices",
         f"--chrome-flags={CHROME_FLAGS} --user-data-dir={folder / 'chromium'}"],
        env={**os.environ, "CHROME_PATH": chrome}, check=True, timeout=300,
    )  # fmt: skip
    data = json.loads(out.read_text(encoding="utf-8"))
    audits = data["audits"]
    requests = audits["network-requests"]["details"]["items"]
    host = urlsplit(url).netloc
    return {
        "url": urlsplit(url).path,
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
        "requests": len(requests),
        "foreign": sorted({urlsplit(r["url"]).netloc for r in requests
                           if urlsplit(r["url"]).scheme in ("http", "https") and urlsplit(r["url"]).netloc != host}),
        "scores": {k: c["score"] for k, c in data["categories"].items()},
        "failed": {k: [a["id"] for a in (audits[ref["id"]] for ref in c["auditRefs"])
                       if a.get("score") is not None and a["score"] < 1 and a["scoreDisplayMode"] == "binary"]
                   for k, c in data["categories"].items()},  # fmt: skip
        "metrics": {m: round(audits[m]["numericValue"]) for m in
                    ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time")},
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
    }


def report(args: argparse.Namespace, results: list[dict]) -> None:
    compressed = "without" if args.no_compress else "with"
    print(f"\nLighthouse (mobile, simulated throttling), the site {compressed} .gz/.br copies, "
          f"served by the app under gunicorn\n")
    header = f"{'page':<16} {'KiB':>7} {'req':>4} {'perf':>5} {'a11y':>5} {'b.p.':>5}  FCP/LCP ms  TBT ms  CLS"
    print(header)
    print("-" * len(header))
    for r in results:
        s = r["scores"]
        m = r["metrics"]
        print(f"{r['url']:<16} {r['bytes'] / 1024:>7.1f} {r['requests']:>4} {s['performance']:>5.2f} "
              f"{s['accessibility']:>5.2f} {s['best-practices']:>5.2f}  "
              f"{m['first-contentful-paint']:>4}/{m['largest-contentful-paint']:<5} {m['total-blocking-time']:>6}  {r['cls']}")  # fmt: skip
    for r in results:
        for category, ids in r["failed"].items():
            if ids:
                print(f"  {r['url']} {category}: failed {', '.join(ids)}")
        if r["foreign"]:
            print(f"  {r['url']}: requests to other hosts: {', '.join(r['foreign'])}")
    home = next((r for r in results if r["url"] == "/"), None)
    if home:
        met = (home["bytes"] <= BUDGET["bytes"] and home["scores"]["performance"] >= BUDGET["performance"]
               and home["scores"]["accessibility"] >= BUDGET["accessibility"])  # fmt: skip
        print(f"\nBudget for the home page (<= 150 KiB, performance >= 0.98, accessibility 1.0): "
              f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
