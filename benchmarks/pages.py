"""Page render times in a real browser: the demo app on the embedded SQLite database,
driven by headless Chromium through every dashboard page.

    python benchmarks/pages.py                          # this tree, 10 visits per page
    python benchmarks/pages.py --runs 20 --compare before=/tmp/old-tree

What is measured. For each code tree (this repository, plus every ``--compare
LABEL=PATH``) the script sets up the demo in a scratch directory (``monitor demo --fresh
--no-serve``), starts ``monitor serve`` on it and logs in as ``netwerk`` (the network
coordinator) in its own headless Chromium. It then opens every page by its address
(a full page load, as a bookmark or a shared link would) ``--runs`` times, round-robin
over the pages and the trees, so that a busy moment of a shared machine hits all of them
alike. A visit counts as rendered at the last moment something happened in the page:
the last callback answer received or the last change to the page (a MutationObserver;
Plotly's drawing counts), once nothing has happened for ``--quiet`` ms and the page's own
content is there (the scorecard table, the charts, ...). Times are from the start of the
navigation (``performance.now()``), so the polling itself does not count.

It prints, per tree and page, the first visit after the server started and the median and
95th percentile of the later (warm) visits, in seconds; and how long the server took from
start to answering. Targets (issue #13): warm <= 1 s, first visit <= 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
USER, PASSWORD = "netwerk", "demo-wachtwoord"
#: Page address -> a CSS selector that is there once the page's figures are drawn.
PAGES = {
    "/": "#scorecard-table",
    "/trend": "#trend-graph .main-svg",
    "/verwijzingen": "#referrals-sankey .main-svg",
    "/uitkomsten": "#outcome-counts",
    "/reflectie": "h1.page-title",
    "/invoer": "h1.page-title",
}
#: Counts the dashboards' callback requests in flight and stamps the last activity
#: (a callback answered, or any change to the page), installed before the page's scripts.
PROBE = """
window.__bench = {pending: 0, last: 0, calls: []};
const mark = () => { window.__bench.last = performance.now(); };
const realFetch = window.fetch;
window.fetch = function (...args) {
  window.__bench.pending += 1; mark();
  const call = {url: String(args[0]), start: performance.now(), end: null};
  try { call.output = JSON.parse(args[1].body).output; } catch (e) { call.output = ""; }
  window.__bench.calls.push(call);
  const done = () => { window.__bench.pending -= 1; call.end = performance.now(); mark(); };
  return realFetch.apply(this, args).then(
    (r) => r.clone().text().then(() => r).finally(done),
    (e) => { done(); throw e; });
};
new MutationObserver(mark).observe(document, {subtree: true, childList: true,
  attributes: true, characterData: true});
"""
PLOTLY_JS = """
const done = arguments[0]; const script = document.createElement("script");
const started = performance.now();
script.src = "/_dash-component-suites/plotly/package_data/plotly.min.js";
script.onload = () => done(performance.now() - started); document.head.appendChild(script);
"""
STATE = """
const ready = document.querySelector(arguments[0]) !== null;
return [window.__bench ? window.__bench.pending : 1, window.__bench ? window.__bench.last : 0,
        performance.now(), ready];
"""


@dataclass
class Tree:
    """One code tree under test: its server, its browser and what was measured."""

    label: str
    path: Path
    port: int
    workdir: Path
    server: subprocess.Popen | None = None
    driver: object = None
    startup: float = 0.0
    plotly_js: float = 0.0
    times: dict[str, list[float]] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(tree: Tree) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree.path)
    env["DATABASE_URL"] = f"sqlite:///{tree.workdir / 'common_monitor.db'}"
    env.pop("ENVIRONMENT", None)
    return env


def _cli(tree: Tree, *arguments: str) -> list[str]:
    return [sys.executable, "-c", "from monitor.cli import main; main()", *arguments]


def set_up(tree: Tree) -> None:
    """``monitor demo --fresh --no-serve`` in the tree's scratch directory."""
    tree.workdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        _cli(tree, "demo", "--fresh", "--no-serve"),
        cwd=tree.workdir,
        env=_env(tree),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start_server(tree: Tree, timeout: float = 120) -> None:
    """Start ``monitor serve`` and wait until the login page answers."""
    log = open(tree.workdir / "server.log", "w")  # noqa: SIM115 (lives as long as the server)
    started = time.perf_counter()
    tree.server = subprocess.Popen(
        _cli(tree, "serve", "--port", str(tree.port)),
        cwd=tree.workdir,
        env=_env(tree),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    while time.perf_counter() - started < timeout:
        if tree.server.poll() is not None:
            raise SystemExit(f"{tree.label}: the server stopped; see {tree.workdir}/server.log")
        try:
            with urllib.request.urlopen(tree.base + "/login", timeout=2) as answer:
                if answer.status == 200:
                    tree.startup = time.perf_counter() - started
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{tree.label}: no answer on port {tree.port} in {timeout:.0f} s")


def start_browser(tree: Tree) -> None:
    """Headless Chromium with the probe installed in every page; logged in."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--lang=nl-NL",
    ):
        options.add_argument(argument)
    if Path(CHROMIUM).exists():
        options.binary_location = CHROMIUM
    driver = webdriver.Chrome(options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    tree.driver = driver
    # log in and land on the login page again: no page's figures are asked for yet
    driver.get(tree.base + "/login?next=/login")
    _wait(driver, "#login-username", quiet=0.2, timeout=60)
    # the browser's own first load and compile of plotly.js (4.8 MB), measured apart from
    # the pages: a returning user has it cached, and it says nothing about the server
    tree.plotly_js = driver.execute_async_script(PLOTLY_JS) / 1000
    driver.find_element("css selector", "#login-username").send_keys(USER)
    driver.find_element("css selector", "#login-password").send_keys(PASSWORD)
    driver.find_element("css selector", "#login-button").click()
    deadline = time.time() + 60
    while time.time() < deadline:
        if driver.get_cookies() and "login" in driver.current_url:
            cookies = {c["name"] for c in driver.get_cookies()}
            if any("session" in name for name in cookies):
                break
        time.sleep(0.2)
    time.sleep(1.0)


def _wait(driver, ready: str, *, quiet: float, timeout: float) -> float:  # noqa: ANN001
    """Seconds from navigation start to the page's last activity, once it is settled."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        pending, last, now, found = driver.execute_script(STATE, ready)
        if found and pending == 0 and now - last >= quiet * 1000:
            return last / 1000
        time.sleep(0.05)
    raise TimeoutError(f"{driver.current_url}: not settled in {timeout:.0f} s ({ready})")


def visit(tree: Tree, page: str, *, quiet: float, trace: bool = False) -> float:
    """Open ``page`` by its address; seconds until it was rendered. ``trace``: print the
    requests the page made, with their start and end (ms since navigation start)."""
    tree.driver.get(tree.base + page)
    seconds = _wait(tree.driver, PAGES[page], quiet=quiet, timeout=90)
    if trace:
        calls = tree.driver.execute_script("return window.__bench.calls;")
        print(f"  {tree.label} {page}: rendered at {seconds:.2f} s")
        for call in calls:
            what = (call.get("output") or call["url"].rsplit("/", 1)[-1])[:70]
            took = call["end"] - call["start"]
            print(f"    {call['start']:7.0f} -> {call['end']:7.0f} ms ({took:5.0f})  {what}")
    return seconds


def stop(tree: Tree) -> None:
    if tree.driver is not None:
        tree.driver.quit()
    if tree.server is not None:
        tree.server.terminate()
        try:
            tree.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            tree.server.kill()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(trees: list[Tree], first_target: float, warm_target: float) -> bool:
    """Print the table; True when every page of the first tree meets the targets."""
    print(f"\n{'tree':<10}{'page':<15}{'first s':>9}{'warm median':>13}{'warm p95':>10}  n")
    ok = True
    for tree in trees:
        print(f"{tree.label:<10}{'(server)':<15}{tree.startup:>9.2f}   start to first answer")
        print(f"{tree.label:<10}{'(plotly.js)':<15}{tree.plotly_js:>9.2f}   browser's first load")
        for page, times in tree.times.items():
            first, warm = times[0], times[1:] or times
            median, p95 = statistics.median(warm), _p95(warm)
            print(
                f"{tree.label:<10}{page:<15}{first:>9.2f}{median:>13.2f}{p95:>10.2f}  {len(warm)}"
            )
            if tree is trees[0] and (first > first_target or p95 > warm_target):
                ok = False
    print(f"\ntargets: first visit <= {first_target:g} s, warm p95 <= {warm_target:g} s: "
          + ("met" if ok else f"NOT met by {trees[0].label}"))  # fmt: skip
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="visits per page (first + warm)")
    parser.add_argument("--port", type=int, default=8064, help="port of this tree's server")
    parser.add_argument(
        "--compare", action="append", default=[], metavar="LABEL=PATH",
        help="another code tree to measure side by side (e.g. an exported older commit)",
    )  # fmt: skip
    parser.add_argument("--workdir", type=Path, help="scratch directory (default: a temp dir)")
    parser.add_argument("--quiet", type=float, default=0.5, help="settled after this many s")
    parser.add_argument("--trace", action="store_true", help="print each visit's requests")
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=list(PAGES))
    args = parser.parse_args(argv)
    scratch = args.workdir or Path(tempfile.mkdtemp(prefix="cm-bench-pages-"))
    trees = [Tree("this", ROOT, args.port, scratch / "this")]
    for item in args.compare:
        label, _, path = item.partition("=")
        trees.append(Tree(label, Path(path).resolve(), _free_port(), scratch / label))
    try:
        for tree in trees:
            print(f"{tree.label}: demo set up from {tree.path} in {tree.workdir}", flush=True)
            set_up(tree)
        for tree in trees:
            start_server(tree)
            print(f"{tree.label}: serving on {tree.base} after {tree.startup:.1f} s", flush=True)
        for tree in trees:
            start_browser(tree)
        for run in range(args.runs):
            for page in args.pages:
                for tree in trees:
                    seconds = visit(tree, page, quiet=args.quiet, trace=args.trace)
                    tree.times.setdefault(page, []).append(seconds)
            print(f"run {run + 1}/{args.runs} done", flush=True)
    finally:
        for tree in trees:
            stop(tree)
        if args.workdir is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0 if report(trees, first_target=2.0, warm_target=1.0) else 1


if __name__ == "__main__":
    raise SystemExit(main())
