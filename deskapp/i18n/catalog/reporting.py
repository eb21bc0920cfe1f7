"""The report table model and its writers (deskapp.reporting)."""

MESSAGES = {
    "reporting.col.figure": ("项目", "Figure"),
    "reporting.col.value": ("数值", "Value"),
}
