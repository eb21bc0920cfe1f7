"""Messages of the shared building blocks: validators, money, printing.

``key: (中文, English)``. Keys are namespaced ``validate.*``, ``money.*`` and ``print.*``.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- resident ID (GB 11643-1999) -------------------------------------------------
    "validate.id.empty": ("请输入身份证号", "Enter an ID number"),
    "validate.id.chars": (
        "身份证号只能包含数字，末位可以是X",
        "An ID number contains digits only, the last character may be X",
    ),
    "validate.id.legacy15": (
        "15位旧身份证号已停用，请输入18位号码",
        "15-digit ID numbers are no longer valid; enter the 18-character number",
    ),
    "validate.id.length": (
        "身份证号应为18位（当前{length}位）",
        "An ID number has 18 characters (got {length})",
    ),
    "validate.id.region": (
        "身份证号前6位地区码无效",
        "The first 6 digits of the ID number are not a valid region code",
    ),
    "validate.id.birth": (
        "身份证号中的出生日期无效",
        "The birth date in the ID number is not valid",
    ),
    "validate.id.checksum": (
        "身份证号校验位不正确，请核对号码",
        "The ID number's check character is wrong; please check the number",
    ),
    # --- phones -------------------------------------------------------------------
    "validate.mobile.empty": ("请输入手机号", "Enter a mobile number"),
    "validate.mobile.chars": (
        "手机号只能包含数字",
        "A mobile number contains digits only",
    ),
    "validate.mobile.length": (
        "手机号应为11位（当前{length}位）",
        "A mobile number has 11 digits (got {length})",
    ),
    "validate.mobile.prefix": (
        "手机号应以13–19开头",
        "A mobile number starts with 13–19",
    ),
    "validate.phone.empty": ("请输入电话号码", "Enter a phone number"),
    "validate.phone.invalid": (
        "请输入11位手机号，或带区号的座机号（如 0571-87654321）",
        "Enter an 11-digit mobile number or a landline with its area code (e.g. 0571-87654321)",
    ),
    # --- unified social credit code (GB 32100-2015) ------------------------------------
    "validate.credit.empty": ("请输入统一社会信用代码", "Enter the unified social credit code"),
    "validate.credit.length": (
        "统一社会信用代码应为18位（当前{length}位）",
        "A unified social credit code has 18 characters (got {length})",
    ),
    "validate.credit.chars": (
        "统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）",
        "The unified social credit code has invalid characters (I, O, Z, S, V are not used)",
    ),
    "validate.credit.region": (
        "统一社会信用代码第3–8位应为行政区划码数字",
        "Characters 3–8 of the unified social credit code must be a numeric region code",
    ),
    "validate.credit.checksum": (
        "统一社会信用代码校验位不正确，请核对",
        "The unified social credit code's check character is wrong; please check it",
    ),
    # --- rooms --------------------------------------------------------------------
    "validate.room.empty": ("请输入房号", "Enter a room"),
    "validate.room.invalid": (
        "房号格式应为 楼栋-单元-房号（如 3-1-1201）或 3栋1单元1201",
        "Enter a room as building-unit-room (e.g. 3-1-1201) or 3栋1单元1201",
    ),
    # --- free text ----------------------------------------------------------------
    "validate.text.required": ("{label}不能为空", "{label} is required"),
    "validate.text.too_long": (
        "{label}不能超过{max_len}个字（当前{length}个）",
        "{label} must be at most {max_len} characters (got {length})",
    ),
    "validate.text.invisible": (
        "{label}只有看不见的字符（零宽字符等），请填写可见的内容",
        "{label} holds only invisible characters (zero-width and the like); type visible text",
    ),
    "validate.text.control": (
        "{label}含有不可见的控制字符",
        "{label} contains invisible control characters",
    ),
    # --- money --------------------------------------------------------------------
    "money.empty": ("请输入金额", "Enter an amount"),
    "money.invalid": (
        "金额格式不正确，请输入数字，如 1234.56",
        "Enter the amount as a number, e.g. 1234.56",
    ),
    "money.negative": ("金额不能为负数", "The amount cannot be negative"),
    "money.zero": ("金额必须大于0", "The amount must be greater than 0"),
    "money.too_many_decimals": (
        "金额最多两位小数（精确到分）",
        "An amount has at most 2 decimal places (fen)",
    ),
    "money.too_large": ("金额不能超过{max}", "The amount cannot exceed {max}"),
    "money.invalid_quantity": (
        "数量格式不正确：{value}",
        "Not a valid quantity: {value}",
    ),
    # --- printing -----------------------------------------------------------------
    "print.doc_number": ("编号：{number}", "No. {number}"),
    "print.page": ("第 {page} 页", "Page {page}"),
    "print.table.empty": ("（无）", "(none)"),
    "print.signature.date": ("日期：    年    月    日", "Date: ______________"),
}
