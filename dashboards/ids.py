"""Component ids, prefixed by the page that owns them (one namespace, no clashes)."""

# shell (app.py)
URL = "shell-url"
URL_SYNC = "shell-url-sync"
URL_SYNC_INDICATOR = "shell-url-sync-indicator"
ASKED_PERIOD = "shell-asked-period"
OWN_ORG = "shell-own-organisation"
ORG = "shell-organisation"
PERIOD = "shell-period"
SELECTION = "shell-selection-store"
NAV = "shell-nav"

# login
LOGIN_USER = "login-username"
LOGIN_PASSWORD = "login-password"
LOGIN_BUTTON = "login-button"
LOGIN_MESSAGE = "login-message"
LOGIN_REDIRECT = "login-redirect"
LOGIN_NEXT = "login-next"

# 1 overview
OVERVIEW_TITLE = "overview-title"
OVERVIEW_SCORECARD = "overview-scorecard"
OVERVIEW_COMPLETENESS = "overview-completeness"

# 2 trend
TREND_INDICATOR = "trend-indicator"
TREND_CATEGORY = "trend-category"
TREND_GROUPS = "trend-groups"
TREND_EVENT = "trend-event"
TREND_GRAPH = "trend-graph"
TREND_TABLE = "trend-table"
TREND_NOTE = "trend-note"

# 3 referrals and care use
REFERRAL_RATE_GRAPH = "referrals-rate-graph"
REFERRAL_RATE_NOTE = "referrals-rate-note"
REFERRAL_CARE_GRAPH = "referrals-care-graph"
REFERRAL_CARE_NOTE = "referrals-care-note"
REFERRAL_SANKEY = "referrals-sankey"
REFERRAL_SANKEY_NOTE = "referrals-sankey-note"

# 4 child outcomes
OUTCOME_INDICATOR = "outcomes-indicator"
OUTCOME_BREAKDOWN = "outcomes-breakdown"
OUTCOME_DISTRIBUTION = "outcomes-distribution"
OUTCOME_TREND = "outcomes-trend"
OUTCOME_TABLE = "outcomes-table"

# 5 reflection session
REFLECTION_SESSION = "reflection-session"
REFLECTION_NEW_DATE = "reflection-new-date"
REFLECTION_NEW_TITLE = "reflection-new-title"
REFLECTION_NEW_BUTTON = "reflection-new-button"
REFLECTION_COMPARE = "reflection-compare"
REFLECTION_CORRECTIONS = "reflection-corrections"
REFLECTION_NOTES = "reflection-notes"
REFLECTION_NOTE_KIND = "reflection-note-kind"
REFLECTION_NOTE_TEXT = "reflection-note-text"
REFLECTION_NOTE_OWNER = "reflection-note-owner"
REFLECTION_NOTE_DUE = "reflection-note-due"
REFLECTION_NOTE_DELETE = "reflection-note-delete"
REFLECTION_NOTE_DELETION = "reflection-note-deletion"
REFLECTION_NOTE_BUTTON = "reflection-note-button"
REFLECTION_MESSAGE = "reflection-message"
REFLECTION_EXPORT_PDF = "reflection-export-pdf"
REFLECTION_EXPORT_PNG = "reflection-export-png"
REFLECTION_DOWNLOAD = "reflection-download"
REFLECTION_REFRESH = "reflection-refresh-store"

# 6 data entry and quality
ENTRY_UPLOAD = "entry-upload"
ENTRY_OPTIONS = "entry-options"
ENTRY_REPORTER = "entry-reporter"
ENTRY_STATUS = "entry-status"
ENTRY_GRID = "entry-grid"
ENTRY_INDICATOR = "entry-indicator"
ENTRY_FORM_PERIOD = "entry-period"
ENTRY_CATEGORY = "entry-category"
ENTRY_VALUE = "entry-value"
ENTRY_NUMERATOR = "entry-numerator"
ENTRY_DENOMINATOR = "entry-denominator"
ENTRY_SUBMIT = "entry-submit"
ENTRY_COMPLETENESS = "entry-completeness"
ENTRY_WARNINGS = "entry-warnings"

# the session view: goals and turn the curve (issue #13)
REFLECTION_NEW_ID = "reflection-new-session-store"
REFLECTION_CURVE_INDICATOR = "reflection-curve-indicator"
REFLECTION_CURVE_GRAPH = "reflection-curve-graph"
REFLECTION_ANSWERS = {
    q: f"reflection-answer-{q}" for q in ("story", "partners", "what_works", "plan")
}
REFLECTION_ANSWERS_BUTTON = "reflection-answers-button"
REFLECTION_GOALS = "reflection-goals"
REFLECTION_GOAL_VALUE = "reflection-goal-value"
REFLECTION_GOAL_DATE = "reflection-goal-date"
REFLECTION_GOAL_BUTTON = "reflection-goal-button"
REFLECTION_CURVE_MESSAGE = "reflection-curve-message"
