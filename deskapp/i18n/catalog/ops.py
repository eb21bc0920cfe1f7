"""Operations: backup, restore, the personal-data reveal, several desks."""

MESSAGES: dict[str, tuple[str, str]] = {
    # backup
    "ops.backup.keep_invalid": ("保留份数至少为 1", "Keep at least 1 generation"),
    "ops.backup.memory": ("内存数据库无法备份", "An in-memory database cannot be backed up"),
    "ops.backup.no_database": ("找不到数据库文件：{path}", "Database file not found: {path}"),
    "ops.backup.verify_failed": ("备份校验未通过：{detail}", "The backup failed its check: {detail}"),
    "ops.backup.failed": ("备份失败：{detail}", "Backup failed: {detail}"),
    "ops.backup.no_tool": ("未找到 {tool}，请安装 postgresql-client",
                           "{tool} not found: install postgresql-client"),
    "ops.backup.tool_failed": ("{tool} 出错：{detail}", "{tool} failed: {detail}"),
    "ops.backup.manifest_bad": ("备份说明文件 {file} 已损坏", "The backup manifest {file} is damaged"),
    "ops.grant.bad_role": ("角色名 {role} 无效：只能用小写字母、数字和下划线",
                           "Not a valid role name: {role} (lower-case letters, digits, _)"),
    "ops.grant.pg_only": ("db grant 只适用于 PostgreSQL 数据库",
                          "db grant is for PostgreSQL databases only"),
    "ops.grant.password": ("数据库角色 {role} 的密码", "Password of the database role {role}"),
    "ops.grant.need_password": ("未输入密码（或用 --no-password）",
                                "No password given (or use --no-password)"),
    "ops.grant.done": ("前台数据库角色 {role} 已就绪：不能修改或删除已开单据和审计日志，不能改表结构；"
                       "各前台用此角色连接，升级后请重新运行本命令",
                       "Desk database role {role} is ready: it cannot change or delete issued "
                       "documents or the audit log, nor alter the schema; desks connect with it; "
                       "run this again after every upgrade"),
    "ops.backup.key_note": ("注意：审计密钥不在备份中，它单独保存在 {path}；请另行备份该文件"
                            "（可用 --copy-key 复制到 U 盘等处），丢失后无法核验审计日志",
                            "Note: the audit key is not in the backup; it is kept apart in "
                            "{path}. Back that file up separately (--copy-key copies it, e.g. "
                            "to a USB stick): without it the audit log cannot be verified"),
    "ops.backup.key_copied": ("审计密钥已复制到 {path}（仅本账户可读）",
                              "Audit key copied to {path} (owner-only)"),
    "ops.backup.key_same_place": ("审计密钥不能和数据库备份放在同一文件夹",
                                  "The audit key must not go into the backups' folder"),
    "ops.backup.done": ("已备份：{file}（{size}，{rows} 行，校验：{verified}）",
                        "Backed up: {file} ({size}, {rows} rows, verified by {verified})"),
    "ops.backup.removed": ("已删除过期备份：{file}", "Removed old generation: {file}"),
    "ops.backup.none": ("{dir} 中没有备份", "No backups in {dir}"),
    "ops.backup.list_line": ("{file}  {size}  {rows} 行  {at}", "{file}  {size}  {rows} rows  {at}"),
    # restore
    "ops.restore.no_file": ("找不到备份文件：{path}", "Backup file not found: {path}"),
    "ops.restore.checksum": ("备份文件与其校验值不符（文件已损坏或被改动），未恢复",
                             "The backup file does not match its checksum (damaged or altered); "
                             "nothing restored"),
    "ops.restore.unknown_format": ("不是 deskapp 的备份文件", "Not a deskapp backup file"),
    "ops.restore.format_mismatch": ("{format} 备份不能恢复到 {target} 数据库",
                                    "A {format} backup cannot be restored into a {target} database"),
    "ops.restore.pg_replace": ("PostgreSQL 只能恢复到一个新建的空数据库（不支持 --replace）",
                               "PostgreSQL restores into a new, empty database only "
                               "(no --replace)"),
    "ops.restore.memory": ("请指定恢复目标数据库文件", "Name a database file to restore into"),
    "ops.restore.target_exists": (
        "目标数据库已存在：{path}。请指定新文件（--to），或加 --replace（原库会先另存一份）",
        "The target database exists: {path}. Name a new file (--to) or add --replace "
        "(the current database is saved beside it first)"),
    "ops.restore.failed": ("恢复失败：{detail}", "Restore failed: {detail}"),
    "ops.restore.pg_connect": ("无法连接目标数据库：{detail}", "Cannot connect to the target database: {detail}"),
    "ops.restore.pg_not_empty": ("目标数据库不是空的（已有 {n} 张表），请新建一个空数据库",
                                 "The target database is not empty ({n} tables): create a new "
                                 "empty one"),
    "ops.restore.counts_differ": ("恢复后的行数与备份不符：{detail}",
                                  "Rows after the restore differ from the backup: {detail}"),
    "ops.restore.audit_broken": (
        "注意：备份中的审计日志在第 {seq} 条断链（{reason}），数据已按备份原样恢复",
        "Warning: the audit log in this backup is broken at entry {seq} ({reason}); the data "
        "was restored as it is in the backup"),
    "ops.restore.done": ("已恢复到 {url}：{rows} 行，已核对（审计日志 {audit} 条）",
                         "Restored into {url}: {rows} rows, checked ({audit} audit entries)"),
    "ops.restore.upgraded": ("数据库结构已升级到当前版本", "Schema upgraded to the current version"),
    "ops.restore.saved": ("原数据库已另存为 {file}", "The previous database was saved as {file}"),
    "ops.restore.confirm": ("将把 {file} 恢复到 {url}，继续吗？", "Restore {file} into {url}?"),
    "ops.restore.cancelled": ("已取消", "Cancelled"),
    # reveal
    "ops.reveal.title": ("查看完整信息", "Show the full value"),
    "ops.reveal.what": ("{field}：{masked}", "{field}: {masked}"),
    "ops.reveal.reason": ("查看原因", "Reason"),
    "ops.reveal.hint": ("查看完整号码会记入审计日志（谁、何时、为何）。填写原因后按回车。",
                        "Showing the full number is written to the audit log (who, when, why). "
                        "Type the reason and press Enter."),
    "ops.reveal.shown": ("完整信息（{seconds} 秒后自动隐藏）：", "Full value (hidden again in {seconds} s):"),
    "ops.reveal.reason_required": ("请填写查看原因（至少 {n} 个字）",
                                   "Give a reason (at least {n} characters)"),
    "ops.reveal.reason_long": ("原因最多 {n} 个字", "The reason may have at most {n} characters"),
    "ops.reveal.not_personal": ("{column} 不是可查看的个人信息字段",
                                "{column} is not a personal-data field that can be shown"),
    "ops.reveal.no_record": ("找不到该记录", "Record not found"),
    "ops.request.already_done": ("这项操作上次已经保存成功，没有再次保存；请关闭窗口后在列表中查看",
                                 "This was already saved the last time and was not saved "
                                 "again; close the window and look it up in the list"),
    "ops.reveal.empty": ("该记录没有此项信息", "This record has no such value"),
    "ops.reveal.key.show": ("查看", "Show"),
    "ops.reveal.key.open": ("查看完整号码", "Reveal number"),
    "ops.reveal.pick": ("选择要查看的一项（数字键或上下键，回车确认）：",
                        "Pick what to show (digit or arrows, then Enter):"),
    "ops.field.phone": ("电话", "Phone"),
    "ops.field.id_number": ("身份证号", "ID number"),
    # monthly figures
    "ops.month.invalid": ("月份无效", "Invalid month"),
}
