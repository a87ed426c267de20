"""Every briefing priority in one table: the bands, and which item sits where.

``budget.fit`` keeps the items with the highest priority that fit the budget. The bands encode
one judgement: what a successor could not recover from the repository (what the user asked and
insisted on, where the work stopped, what is broken) outranks what it could (``git log``), and
what is current outranks history. Never-cut items (the latest request, unresolved errors, edited
files, the next step) carry ``salience.NEVER`` instead.

Within a band the render code adds later evidence (``Salience.recency``: up to a few points)
and terms past briefings named (``Salience.past``: up to 6 points); the values here are each
item's starting point. Changing one changes briefings: ``make bench`` (reader gold) says how.
"""

from __future__ import annotations

# ---- 90 and up: the ask, where the work stopped, the strongest rules ------------------------------
SINCE_REQUEST_COMPACT = 99.0  # "since the latest request ..." (never cut above small budgets)
REQUEST_CONTEXT_COMPACT = 98.0  # the assistant question a short latest request answers
REQUEST_CONTEXT = 95.0
FIRST_ASK = 95.0  # the Goal's first request
COMMIT_RECENT = 95.0  # the newest commits, with their messages
INTERRUPTION = 94.0  # Cancelled, ^C, /undo, a rejected edit
LAST_REPORT = 93.0  # the assistant's last report
VERIFICATION = 92.5  # verified / not verified after the last edit
COMMIT_OLDER = 92.5  # older commits by sha, fading by 0.1 a rank
PLAN_IN_PROGRESS = 92.0  # the agent's plan step in progress
MULTI_PART = 91.0  # how far a multi-part request got
ANCHOR_USER_TOP = 91.0  # the user's own exact names (few)
CONSTRAINT_SPECIFIC = 90.0  # a rule naming something exact
REFUSAL = 90.0  # what the user declined during the current request
OPEN_QUESTION = 90.0  # the assistant asked, no answer yet

# ---- 80 to 90: what changed the work, recent results, the user's other rules ----------------------
PLAN_ITEM = 89.0  # other plan steps (minus a tenth of their order)
FILE_USER_TOP = 89.0  # files the user named most
INTENT_CHANGE = 88.0  # "Then (turn N)": later changes of intent (minus one a rank)
INTENT_CHANGE_COMPACT = 86.0  # (minus three a rank)
DECISION_PROMOTED = 88.0  # decisions that name the alternative turned down
ERROR_OPEN_BEYOND_CAP = 88.0  # an unchecked fix still counts as open
SESSION_TITLE = 87.0  # the Goal when a title is all there is
TEST_FAILED = 86.0  # recent test runs
TEST_PASSED = 82.0
COMMIT_COMPACT = 84.0  # small budgets: commits by sha
PLAN_DONE = 84.0  # done steps of the agent's plan
FILE_GAINED_CURRENT_COMPACT = 82.0  # what a changed file gained, current work, small budgets
MESSAGE_LATEST = 82.0  # the most recent user message (minus 1.5 a rank, down to MESSAGE_FLOOR)
ERROR_UNRESOLVED_BEYOND_CAP = 80.0

# ---- 55 to 80: history that still helps ----------------------------------------------------------
REFUSAL_EARLIER = 78.0  # a command declined before the current request
FILE_GAINED_CURRENT = 76.0
FILE_WRITTEN_FOR = 76.0  # code written for a file the transcript does not show applied
ERROR_RESOLVED_COMPACT = 76.0
CONSTRAINT_OTHER = 74.0
CARRIED_DONE = 72.0  # done items carried over from the previous briefing
FILE_GAINED_OLDER_COMPACT = 70.0
ERROR_RESOLVED = 68.0  # plus a point when it names something exact
COMMAND = 68.0  # commands run (one inline list; probes lower, failures higher)
FILE_USER = 66.0
FILE_GAINED_OLDER = 64.0
OPEN_NEXT = 62.0  # open items by kind: "next", unchecked, todo, other
OPEN_UNCHECKED = 60.0
OPEN_TODO = 58.0
OPEN_OTHER = 55.0
ERROR_OTHER = 60.0
CONSTRAINT_WEAK = 58.0
DECISION = 56.0  # plus up to 8 × its score (capped), so never above the band
MESSAGE_FLOOR = 52.0

# ---- below: what the repository or a search tells as well -----------------------------------------
TEST_OLDER = 50.0
FILE_READ = 46.0
FILE_MENTIONED = 34.0  # named by the assistant only
ANCHOR_BAND = 10.0  # the anchor index: readers call it noise, so only leftover room shows it
