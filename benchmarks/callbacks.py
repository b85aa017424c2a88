"""CPU time of each page's callbacks on a demo database, measured in-process with the
process clock: unlike wall-clock times it hardly moves when other programs load the
machine, so two code trees can be compared on a busy shared machine.

    python benchmarks/callbacks.py DEMO_DIR               # a directory set up by
    PYTHONPATH=/old/tree python benchmarks/callbacks.py DEMO_DIR   # `monitor demo --no-serve`

It logs in as ``netwerk`` in a Flask request, runs what each page asks when it opens (the
overview's scorecard and completeness, the trend with two comparison groups and the first
event's baseline, the referral page, the outcomes page) and serialises the answers as Dash
does; ``--rounds`` times, after the warm-up that ``monitor serve`` runs (if the tree has
one). Prints the first round and the median of the others, in CPU seconds.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("demo_dir", type=Path, help="where `monitor demo` put its database")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--no-freeze", action="store_true",
        help="leave the warmed-up objects to the cyclic collector (monitor serve freezes them)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    os.chdir(args.demo_dir)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{args.demo_dir / 'common_monitor.db'}")
    import flask
    import plotly
    from sqlmodel import Session, select

    from dashboards import auth
    from dashboards.app import choose_periods, create_dash_app
    from monitor import sessions
    from monitor.db import get_engine
    from schema import User

    started = time.process_time()
    app = create_dash_app()
    try:
        from dashboards.warmup import warm_up
    except ImportError:  # an older tree without a warm-up
        warm_up = None
    if warm_up is not None:
        warm_up()
    if not args.no_freeze:  # as monitor serve does after its warm-up
        gc.collect()
        gc.freeze()
    print(f"app and warm-up: {time.process_time() - started:.2f} CPU s")
    pauses: list[tuple[int, float]] = []
    gc.callbacks.append(_collector_clock(pauses))

    def page(name: str):  # noqa: ANN202
        return sys.modules[f"pages.{name}"]

    def dump(answer: object) -> str:
        return json.dumps(answer, cls=plotly.utils.PlotlyJSONEncoder)

    times: dict[str, list[float]] = {}
    with app.server.test_request_context("/"):
        with Session(get_engine()) as session:
            user = session.exec(select(User).where(User.username == "netwerk")).one()
            flask.session[auth.SESSION_KEY] = sessions.start_session(session, user)
            session.commit()
        flask.session["lang"] = "nl"
        organisation = _first_organisation(app)
        _, period = choose_periods(organisation, None, None)
        _, indicator, _, event, _, _ = page("trend").choose_indicator(organisation)
        pages = {
            "/": lambda: (
                dump(page("overview").show_scorecard(organisation, period)),
                dump(page("overview").show_completeness(organisation, period)),
            ),
            "/trend": lambda: dump(
                page("trend").show_trend(
                    organisation, period, indicator, "", ["other_networks", "municipality"], event
                )
            ),
            "/verwijzingen": lambda: dump(page("referrals").show_referrals(organisation, period)),
            "/uitkomsten": lambda: dump(
                page("outcomes").show_outcomes(organisation, period, "CH_SEM", "age_group")
            ),
            "/reflectie": lambda: _reflection(page("reflection"), organisation, dump),
            "(periods)": lambda: dump(choose_periods(organisation, None, None)),
        }
        for _ in range(args.rounds):
            for path, run in pages.items():
                clock = time.process_time()
                run()
                times.setdefault(path, []).append(time.process_time() - clock)
    print(f"{'page':<15}{'first':>8}{'median':>9}   (CPU s)")
    for path, values in times.items():
        print(f"{path:<15}{values[0]:>8.3f}{statistics.median(values[1:] or values):>9.3f}")
    full = [seconds for generation, seconds in pauses if generation == 2]
    print(
        f"cyclic collector: {len(pauses)} collections, {sum(s for _, s in pauses):.3f} CPU s; "
        f"{len(full)} full ones, longest {max(full, default=0):.3f} s"
        + (" (warmed-up objects not frozen)" if args.no_freeze else "")
    )
    return 0


def _collector_clock(pauses: list[tuple[int, float]]):  # noqa: ANN202
    """A ``gc.callbacks`` hook that appends (generation, CPU seconds) per collection."""
    started = [0.0]

    def hook(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            pauses.append((info["generation"], time.process_time() - started[0]))

    return hook


def _reflection(reflection, organisation: str, dump) -> None:  # noqa: ANN001
    """What the reflection page asks when it opens: its sessions, then the newest one's
    then/now, corrections and notes, and the turn-the-curve chart."""
    from dashboards.components import curve

    _, session_id, _ = reflection.choose_session(organisation, None, None, None)
    dump(reflection.show_session(session_id, None, organisation))
    _, indicator = curve.choose_curve_indicator(organisation)
    dump(curve.show_curve(indicator, session_id, None, organisation))


def _first_organisation(app) -> str:  # noqa: ANN001
    """The organisation the shell picks first for the logged-in user."""
    from dashboards import auth
    from dashboards.app import _organisation_options
    from monitor.db import session_scope
    from monitor.policy import visible_organisations

    with session_scope() as session:
        principal = auth.current_principal(session)
        return _organisation_options(visible_organisations(session, principal))[0]["value"]


if __name__ == "__main__":
    raise SystemExit(main())
