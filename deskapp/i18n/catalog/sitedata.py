"""Messages of the unit-register import and the demo site.

``key: (中文, English)``. Keys are namespaced ``import.*`` and ``demo.*``.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the file as a whole -----------------------------------------------------------
    "import.rejected": (
        "文件{file}有{count}处问题，未导入任何数据。请改正后重新导入：",
        "{file} has {count} problem(s); nothing was imported. Correct them and import again:",
    ),
    "import.problem.line": ("第{row}行：{message}", "Row {row}: {message}"),
    "import.problem.field": ("{field}：{message}", "{field}: {message}"),
    "import.problem.more": ("……另有{n}处问题未列出", "… and {n} more problem(s)"),
    "import.not_found": ("找不到文件：{file}", "File not found: {file}"),
    "import.bad_type": (
        "无法读取{file}：请使用 Excel 工作簿（.xlsx）或 CSV 文件（旧版 .xls 请另存为 .xlsx）",
        "Cannot read {file}: use an Excel workbook (.xlsx) or a CSV file "
        "(save an old .xls as .xlsx first)",
    ),
    "import.unreadable": (
        "无法打开{file}，文件可能已损坏或不是 Excel 工作簿",
        "Cannot open {file}; it may be damaged or not an Excel workbook",
    ),
    "import.encoding": (
        "无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV",
        "Cannot recognise the file's encoding; save it as CSV in UTF-8 or GB18030",
    ),
    "import.encoding_row": (
        "第{row}行不是{encoding}编码（文件的其余部分是），整个文件须用同一种编码；"
        "请用 Excel 另存为“CSV UTF-8”后重新导入",
        "Row {row} is not in {encoding} like the rest of the file; the whole file must use "
        "one encoding: save it again as \"CSV UTF-8\" and import that",
    ),
    "import.csv_error": (
        "第{row}行无法读取：{reason}（例如引号没有配对）",
        "Row {row} cannot be read: {reason} (e.g. a quote that is never closed)",
    ),
    "import.empty": ("文件{file}中没有房屋数据", "{file} holds no units"),
    "import.header.missing": (
        "第一行缺少必需的列：{columns}（列名见示例文件 units-sample.csv）",
        "The first row lacks required column(s): {columns} (see the sample units-sample.csv)",
    ),
    "import.header.duplicate": (
        "列“{column}”重复出现，请删除多余的一列",
        "Column \"{column}\" appears twice; delete the extra one",
    ),
    "import.done": (
        "已导入{units}户房屋、{occupants}位业主（新建楼栋{buildings}栋）",
        "Imported {units} units and {occupants} owners ({buildings} new buildings)",
    ),
    # --- column names --------------------------------------------------------------------
    "import.field.building": ("楼栋", "Building"),
    "import.field.entrance": ("单元", "Entrance"),
    "import.field.floor": ("楼层", "Floor"),
    "import.field.room": ("房号", "Room"),
    "import.field.area": ("面积", "Area"),
    "import.field.use": ("用途", "Use"),
    "import.field.owner": ("业主姓名", "Owner"),
    "import.field.phone": ("电话", "Phone"),
    "import.field.id_number": ("身份证号", "ID number"),
    # --- one cell ------------------------------------------------------------------------
    "import.value.required": ("不能为空", "is required"),
    "import.value.code": (
        "“{value}”无效，只能使用数字和字母（如 3、A、S101）",
        "\"{value}\" is not valid; use digits and letters only (e.g. 3, A, S101)",
    ),
    "import.value.integer": ("“{value}”不是整数", "\"{value}\" is not a whole number"),
    "import.value.floor_range": (
        "楼层应在{low}到{high}之间，且不能为0",
        "The floor must be between {low} and {high}, and not 0",
    ),
    "import.value.number": ("“{value}”不是数字", "\"{value}\" is not a number"),
    "import.value.area_range": (
        "面积应大于0且不超过{high}平方米",
        "The area must be above 0 and at most {high} m²",
    ),
    "import.value.use": (
        "“{value}”无效，应为 住宅、办公 或 商铺",
        "\"{value}\" is not valid; use 住宅/residence, 办公/office or 商铺/shop",
    ),
    "import.value.owner_missing": (
        "填写了电话或身份证号，但没有业主姓名",
        "A phone or ID number is given but no owner name",
    ),
    "import.value.id_numeric": (
        "身份证号被 Excel 存成了数字，后几位已丢失；请把该列设为“文本”格式后重新录入",
        "Excel stored the ID number as a number and lost its last digits; "
        "format the column as Text and enter it again",
    ),
    "import.value.duplicate_in_file": (
        "房屋{code}与第{row}行重复",
        "Unit {code} repeats row {row}",
    ),
    "import.value.duplicate_in_db": (
        "房屋{code}已在系统中",
        "Unit {code} is already in the system",
    ),
    # --- demo ----------------------------------------------------------------------------
    "demo.not_empty": (
        "数据库中已有员工或房屋数据，只能在空数据库中生成演示数据",
        "The database already holds staff or units; demo data is built only in an empty one",
    ),
    "demo.done": (
        "演示数据已生成：{units}户房屋、{occupants}位业主/商户、{staff}个员工账号（密码均为 {password}）",
        "Demo data built: {units} units, {occupants} owners/tenants, {staff} staff accounts "
        "(every password is {password})",
    ),
    "demo.synthetic_done": (
        "已生成测试数据：{buildings}栋楼、{units}户房屋、{occupants}位住户",
        "Synthetic site built: {buildings} buildings, {units} units, {occupants} occupants",
    ),
}
