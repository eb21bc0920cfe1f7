"""The survey plan's numbers (SPEC §6) and the fixed choices of the survey."""

from __future__ import annotations

TARGET_RATE = 0.95  # distribution and valid recovery (SPEC §6)
COLLECTION_WORKDAYS = 10
STATISTICS_WORKDAYS = 3
DISTRIBUTION_DAY = 15
SCORES = (1, 2, 3, 4, 5)
MAX_TEXT = 1000
FILLED_EARLIEST_DAYS = 31  # a form cannot be dated more than a month before distribution

#: Departments an opinion can go to (data; stored as written).
DEPARTMENTS = ("客服部", "工程部", "安保部", "环境部", "综合管理部", "财务部", "项目经理")
REPLY_CHANNELS = ("phone", "visit", "letter", "email")
