"""Messages of the shared record list (``deskapp.tui.widgets.record_list``).

``key: (中文, English)``. Keys are namespaced ``list.*``.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- status line ----------------------------------------------------------------
    "list.count": ("共 {n} 条", "{n} records"),
    "list.position": ("第 {i} 条", "record {i}"),
    "list.loading": ("加载中…", "Loading…"),
    "list.empty": ("没有记录", "No records"),
    "list.error": ("读取记录失败，请稍后重试", "Could not read the records; try again"),
    # --- filter bar -----------------------------------------------------------------
    "list.search": ("搜索（按 / 键）", "Search (press /)"),
    "list.filter_all": ("{title}：全部", "{title}: all"),
    "list.date_invalid": (
        "日期格式应为 YYYY-MM-DD，例如 2025-03-08",
        "Dates are written YYYY-MM-DD, e.g. 2025-03-08",
    ),
    # --- keys (footer) --------------------------------------------------------------
    "list.key.up": ("上一条", "Previous"),
    "list.key.down": ("下一条", "Next"),
    "list.key.page_up": ("上一页", "Page up"),
    "list.key.page_down": ("下一页", "Page down"),
    "list.key.first": ("第一条", "First"),
    "list.key.last": ("最后一条", "Last"),
    "list.key.open": ("打开", "Open"),
    "list.key.search": ("搜索", "Search"),
    "list.key.back": ("返回列表", "Back to list"),
}
