"""The Dash app of Common Monitor: dashboards for reflection sessions and data entry.

Build it with :func:`dashboards.app.create_dash_app`; it reads only through ``monitor``.
"""
