"""One router per resource; :data:`ROUTERS` is what the app includes, in order."""

from monitor.api.routes import (
    audit,
    auth,
    extracts,
    health,
    ijw,
    indicators,
    organisations,
    series,
    submissions,
    users,
)

ROUTERS = [
    health.router,
    auth.router,
    organisations.router,
    indicators.router,
    series.router,
    ijw.router,
    submissions.router,
    extracts.router,
    audit.router,
    users.router,
]
