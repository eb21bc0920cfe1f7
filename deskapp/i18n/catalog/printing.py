"""Messages of the documents service (:mod:`deskapp.printing.documents`), the printer and
the paper forms it makes: complaint form, handover record, passes, notices."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the documents service
    "print.kind.receipt": ("收据", "Receipt"),
    "print.kind.refund": ("退款单", "Refund note"),
    "print.kind.workorder": ("维修工作单", "Work order"),
    "print.kind.goods_pass": ("物品放行条", "Goods release pass"),
    "print.kind.certificate": ("装修备案登记证", "Renovation certificate"),
    "print.kind.complaint": ("投诉受理登记表", "Complaint registration form"),
    "print.kind.handover": ("交接班记录", "Handover record"),
    "print.kind.visitor_pass": ("访客临时通行证", "Visitor pass"),
    "print.kind.worker_passes": ("施工人员出入证", "Workers' passes"),
    "print.kind.statement": ("缴费通知单/对账单", "Payment notice / statement"),
    "print.kind.arrears_notices": ("催缴通知", "Arrears reminder notices"),
    "print.kind.survey_forms": ("客户满意度调查表", "Satisfaction questionnaires"),
    "print.kind.renovation_form": ("装修备案表", "Renovation filing form"),
    "print.kind.renovation_agreement": ("装修管理服务协议书", "Renovation service agreement"),
    "print.kind.renovation_workers": ("施工人员登记表", "Workers' register"),
    "print.kind.survey_report": ("满意度调查分析报告", "Satisfaction survey report"),
    "print.kind.monthly_report": ("客服部月报", "Monthly report"),
    "print.unknown_kind": ("没有“{kind}”这种单据；可打印：{kinds}",
                           "No document kind “{kind}”; kinds: {kinds}"),
    "print.no_staff": ("打印须由已登录的员工操作", "Printing needs a logged-in staff member"),
    "print.reprint": ("补打", "REPRINT"),
    "print.reprint_note": ("（第 {n} 次打印，已标“补打”）", " (print no. {n}, marked REPRINT)"),
    "print.saved_as": ("{kind}已保存：{name}", "{kind} saved: {name}"),
    "print.sent": ("已送打印机 {printer}", "sent to printer {printer}"),
    "print.no_printer": ("本前台未设置打印机（settings.toml 的 printer），仅保存了 PDF",
                         "No printer set for this desk (printer in settings.toml); PDF saved only"),
    "print.no_cups": ("打印服务（CUPS）未运行或未安装，PDF 已保存，可稍后补打",
                      "The print service (CUPS) is not running or not installed; the PDF is "
                      "saved and can be reprinted later"),
    "print.unknown_printer": ("找不到打印机 {printer}，PDF 已保存；请检查 printer 设置",
                              "Printer {printer} not found; the PDF is saved — check the "
                              "printer setting"),
    "print.failed": ("打印机 {printer} 未接受打印任务（{reason}），PDF 已保存",
                     "Printer {printer} refused the job ({reason}); the PDF is saved"),
    "print.copy.file": ("存档联", "File copy"),
    "print.copy.customer": ("客户联", "Customer's copy"),
    "print.copy.visitor": ("访客联", "Visitor's copy"),
    "print.copy.worker": ("施工人员联", "Worker's copy"),
    "print.printed_at": ("打印时间：{at}", "Printed {at}"),
    "print.unit_not_found": ("找不到房号 {unit}", "Unit {unit} not found"),
    "cashier.refund.saved": ("退款单 {number} 已开具", "Refund note {number} issued"),
    "print.menu.hint": ("按数字 1–{n} 打印，Esc 取消", "Press 1–{n} to print, Esc to cancel"),
    "print.menu.filing": ("打印 {number} 的资料", "Print the papers of {number}"),
    "print.key.papers": ("打印资料", "Print papers"),
    "print.key.form": ("打印登记表", "Print form"),
    "print.key.print": ("打印", "Print"),
    "print.cli.need_ref": ("请给出要打印的{kind}的编号或范围（例如 SJ2026-000123、3-1-1201、all）",
                           "Give the number or filter of the {kind} to print (e.g. "
                           "SJ2026-000123, 3-1-1201, all)"),
    "print.cli.done": ("{summary}\n文件：{path}", "{summary}\nFile: {path}"),
    # complaint registration form
    "print.complaint.title": ("客户投诉受理登记表", "Complaint registration form"),
    "print.complaint.copy.file": ("第一联 客服中心存档", "Copy 1 — service centre file"),
    "print.complaint.copy.department": ("第二联 处理部门", "Copy 2 — handling department"),
    "print.complaint.state": ("当前状态", "State"),
    "print.complaint.received_by": ("受理人", "Received by"),
    "print.complaint.first_response_due": ("首次响应时限", "First response due"),
    "print.complaint.close_due": ("处理完成时限", "Resolution due"),
    "print.complaint.handling": ("处理情况", "Handling"),
    "print.complaint.timeline": ("处理过程", "Timeline"),
    "print.complaint.col.at": ("时间", "Time"),
    "print.complaint.col.who": ("经办人", "By"),
    "print.complaint.col.step": ("环节", "Step"),
    "print.complaint.col.note": ("说明", "Note"),
    "print.complaint.sign.receiver": ("受理人", "Received by"),
    "print.complaint.sign.handler": ("处理人", "Handler"),
    "print.complaint.sign.supervisor": ("客服主管", "Supervisor"),
    # handover record
    "print.handover.title": ("交接班记录", "Shift handover record"),
    "print.handover.desk": ("前台", "Desk"),
    "print.handover.period": ("班次时间", "Shift"),
    "print.handover.staff": ("当班人员", "On shift"),
    "print.handover.writer": ("交班人", "Handed over by"),
    "print.handover.contacts": ("本班接待", "Contacts this shift"),
    "print.handover.pending": ("待处理", "Pending"),
    "print.handover.wo_opened": ("新开工单", "Work orders opened"),
    "print.handover.wo_completed": ("完工工单", "Work orders completed"),
    "print.handover.notes": ("交班说明", "Notes"),
    "print.handover.open_items": ("未结事项", "Open items"),
    "print.handover.col.section": ("类别", "Section"),
    "print.handover.col.item": ("事项", "Item"),
    "print.handover.col.flag": ("超时", "Overdue"),
    "print.handover.col.since": ("起始", "Since"),
    "print.handover.overdue": ("超时", "overdue"),
    "print.handover.confirmed": ("接班确认：{name}  {at}", "Taken over by {name} at {at}"),
    "print.handover.unconfirmed": ("接班确认：（尚未确认）", "Taken over: (not yet confirmed)"),
    "print.handover.sign.handing": ("交班人", "Handing over"),
    "print.handover.sign.taking": ("接班人", "Taking over"),
    # passes
    "print.visitor_pass.title": ("访客临时通行证", "Visitor pass"),
    "print.visitor_pass.name": ("访客", "Visitor"),
    "print.visitor_pass.people": ("人数", "People"),
    "print.visitor_pass.unit": ("拜访房号", "Visiting"),
    "print.visitor_pass.purpose": ("事由", "Purpose"),
    "print.visitor_pass.time_in": ("进入时间", "Time in"),
    "print.visitor_pass.plate": ("车牌", "Plate"),
    "print.visitor_pass.rule": ("本证当日有效，离开时请交回前台或岗亭。",
                                "Valid today only; hand it back at the desk or the gate when "
                                "you leave."),
    "print.visitor_pass.sign.desk": ("前台", "Desk"),
    "print.visitor_pass.sign.host": ("被访人", "Host"),
    "print.worker_pass.title": ("施工人员出入证", "Renovation worker's pass"),
    "print.worker_pass.pass_no": ("出入证号 {number}", "Pass no. {number}"),
    "print.worker_pass.name": ("姓名", "Name"),
    "print.worker_pass.id_number": ("身份证号", "ID number"),
    "print.worker_pass.unit": ("施工房号", "Unit"),
    "print.worker_pass.company": ("装修单位", "Contractor"),
    "print.worker_pass.valid_until": ("有效期至", "Valid until"),
    "print.worker_pass.hours": ("施工时间", "Working hours"),
    "print.worker_pass.hours_text": ("工作日 8:00–12:00、14:00–18:00，节假日不得施工",
                                     "Working days 8:00–12:00 and 14:00–18:00; no work on "
                                     "public holidays"),
    "print.worker_pass.rule": ("凭证出入，佩戴在明显位置；不得转借；离场或到期交回服务中心。",
                               "Show it at the gate and wear it visibly; not transferable; "
                               "return it to the service centre on leaving or expiry."),
    "print.worker_pass.stamp": ("加盖服务中心印章有效", "Valid with the service centre's stamp"),
    "print.worker_passes.none": ("备案 {number} 没有有效的施工人员出入证",
                                 "Filing {number} has no valid worker passes"),
    # the blank questionnaire
    "print.survey.title": ("客户满意度调查表", "Customer satisfaction questionnaire"),
    "print.survey.unit": ("房号", "Unit"),
    "print.survey.to": ("致", "To"),
    "print.survey.form_no": ("问卷编号", "Form no."),
    "print.survey.return_by": ("请于此日前交回", "Please return by"),
    "print.survey.letter": (
        "尊敬的客户：您好！首先感谢您对我们物业工作的支持和配合。为了不断提高服务质量，{company}"
        "开展{title}，恳请您给予合理、公正的评价，并提出您的需求和建议，以便我们改进服务及管理工作。"
        "您填写的资料将由本公司妥为保管，仅用于统计分析和改进服务。请于 {deadline} 下班前填妥此表，"
        "服务中心将派人收取。再次感谢您的参与、配合！客户服务电话：{phone}",
        "Dear customer, thank you for supporting our property services. To keep improving, "
        "{company} is running the {title}: please rate each item fairly and tell us what you "
        "need. Your answers are kept safely and used only to analyse and improve our service. "
        "Please complete this form by {deadline}; the service centre will collect it. "
        "Customer service: {phone}"),
    "print.survey.scale": ("评定标准：5.非常满意　4.满意　3.一般　2.不满意　1.很不满意（请在对应格内打“√”）",
                           "Scale: 5 very satisfied, 4 satisfied, 3 neutral, 2 dissatisfied, "
                           "1 very dissatisfied (tick one box per item)"),
    "print.survey.col.section": ("类别", "Section"),
    "print.survey.col.item": ("项目", "Item"),
    "print.survey.sign.name": ("填表人", "Name"),
    "print.survey.sign.phone": ("联系电话", "Phone"),
    "print.survey.no_units": ("本次调查没有可发放问卷的房屋", "No units to print questionnaires for"),
    "survey.field.form_no": ("问卷编号", "Form no."),
    "survey.field.form_no_hint": ("印在调查表右上角，如 MY20262-00127；可空着直接选房号",
                                  "printed on the form, e.g. MY20262-00127; or leave empty"),
    "survey.formno.bad": ("“{text}”不是问卷编号（形如 MY20262-00127）",
                          "“{text}” is not a form number (like MY20262-00127)"),
    "survey.formno.other_campaign": ("这是{title}的问卷，不是本次（{current}）的",
                                     "This form belongs to {title}, not to {current}"),
    "survey.formno.no_unit": ("问卷编号 {text} 对应的房屋不存在", "No unit for form number {text}"),
    # renovation papers
    "print.reno.yes": ("是", "Yes"),
    "print.reno.no": ("否", "No"),
    "print.reno.owner_self": ("业主本人", "The owner"),
    "print.reno.period": ("装修期限", "Permit period"),
    "print.reno.deposit": ("装修保证金", "Deposit"),
    "print.reno.form.title": ("装修备案表", "Renovation filing form"),
    "print.reno.form.owner_part": ("业主填写", "Owner's part"),
    "print.reno.form.contractor_part": ("装修单位填写", "Contractor's part"),
    "print.reno.form.checklist": ("应交资料", "Documents to hand in"),
    "print.reno.form.review_part": ("服务中心审核", "Service centre review"),
    "print.reno.col.doc": ("资料", "Document"),
    "print.reno.col.received": ("收到日期", "Received"),
    "print.reno.col.no": ("序号", "No."),
    "print.reno.col.papers": ("已交资料", "Papers"),
    "print.reno.col.passes": ("出入证号", "Passes"),
    "print.reno.col.left": ("离场日期", "Left"),
    "print.reno.id_copy": ("身份证复印件", "ID copy"),
    "print.reno.photo": ("照片", "photo"),
    "print.reno.sign.owner": ("业主", "Owner"),
    "print.reno.sign.contractor": ("装修负责人", "Site lead"),
    "print.reno.sign.centre": ("服务中心", "Service centre"),
    "print.reno.workers.title": ("装修施工人员登记表", "Renovation workers' register"),
    "print.reno.agreement.title": ("装修管理服务协议书", "Renovation management service agreement"),
    "print.reno.agreement.copy.contractor": ("第一份 装修单位", "Copy 1 — contractor"),
    "print.reno.agreement.copy.owner": ("第二份 业主", "Copy 2 — owner"),
    "print.reno.agreement.copy.centre": ("第三份 服务中心", "Copy 3 — service centre"),
    "print.reno.agreement.party_a": ("甲方（物业服务中心）", "Party A (service centre)"),
    "print.reno.agreement.party_b": ("乙方（业主）", "Party B (owner)"),
    "print.reno.agreement.party_c": ("丙方（装修单位）", "Party C (contractor)"),
    "print.reno.agreement.clause1": (
        "一、乙方、丙方应遵守国家和本市有关住宅装饰装修的规定及本小区装修管理规定，在批准的装修期限和项目内施工。",
        "1. Parties B and C follow the national and local rules on home renovation and this "
        "estate's renovation rules, and work only within the approved period and items."),
    "print.reno.agreement.clause2": (
        "二、不得拆改承重结构、破坏房屋外貌；更改水电线路、破坏原防水须事先申报并按规范施工。",
        "2. No load-bearing structure may be altered and no façade changed; changes to wiring "
        "or plumbing and to the original waterproofing must be declared first and done to "
        "standard."),
    "print.reno.agreement.clause3": (
        "三、施工时间为工作日 8:00–12:00、14:00–18:00，节假日不得进行产生噪音的施工。",
        "3. Work hours are 8:00–12:00 and 14:00–18:00 on working days; no noisy work on "
        "public holidays."),
    "print.reno.agreement.clause4": (
        "四、施工人员凭服务中心核发的出入证出入，离场或到期交回；动火作业须办理消防审批。",
        "4. Workers enter with the service centre's passes and return them on leaving or "
        "expiry; hot work needs the fire authority's approval."),
    "print.reno.agreement.clause5": (
        "五、装修垃圾须袋装并运至指定地点，不得堆放在公共部位。",
        "5. Renovation waste is bagged and taken to the designated place, never left in "
        "common areas."),
    "print.reno.agreement.clause6": (
        "六、乙方交纳装修保证金，装修完工经甲方核查合格、入住满三个月且无渗漏等遗留问题后无息退还。",
        "6. Party B pays the renovation deposit, refunded without interest once Party A's "
        "inspection is passed, the unit has been lived in for three months and no leaks or "
        "other problems remain."),
    "print.reno.agreement.clause7": (
        "七、因装修造成公共部位或他人财产损失的，由乙方、丙方负责修复或赔偿。",
        "7. Damage to common parts or others' property caused by the work is repaired or "
        "compensated by Parties B and C."),
    "print.reno.agreement.clause8": (
        "八、本协议一式三份，甲、乙、丙三方各执一份，自签字之日起生效。",
        "8. This agreement is made in three copies, one for each party, effective on "
        "signature."),
    "print.reno.agreement.sign_a": ("甲方（盖章）", "Party A (stamp)"),
    "print.reno.agreement.sign_b": ("乙方（签字）", "Party B (signature)"),
    "print.reno.agreement.sign_c": ("丙方（签字）", "Party C (signature)"),
    # notices
    "print.statement.title": ("缴费通知单（对账单）", "Payment notice (statement)"),
    "print.reminder.title": ("催缴通知", "Payment reminder"),
    "print.notice.unit": ("房号", "Unit"),
    "print.notice.to": ("致", "To"),
    "print.notice.salutation": ("{surname}先生/女士", "Mr/Ms {surname}"),
    "print.notice.salutation_plain": ("尊敬的业主", "Dear owner"),
    "print.notice.as_of": ("截至日期", "As of"),
    "print.notice.open_bills": ("未缴账单", "Open bills"),
    "print.notice.reminder_text": (
        "尊敬的{salutation}：截至今日，贵户尚有物业服务费等费用 {amount} 未缴，最早一笔应于 "
        "{since} 缴纳。请于收到本通知后七日内到服务中心缴纳。如已缴纳，请忽略本通知。",
        "Dear {salutation}: as of today your household owes {amount} in service and other "
        "fees, the oldest due on {since}. Please pay at the service centre within seven days "
        "of this notice. If you have already paid, please disregard it."),
    "print.notice.aged": ("欠费账龄", "Arrears by age"),
    "print.notice.age.0_30": ("0–30天", "0–30 days"),
    "print.notice.age.31_90": ("31–90天", "31–90 days"),
    "print.notice.age.91_180": ("91–180天", "91–180 days"),
    "print.notice.age.over_180": ("180天以上", "Over 180 days"),
    "print.notice.age.total": ("合计", "Total"),
    "print.notice.items": ("未缴项目", "Unpaid items"),
    "print.notice.col.item": ("项目", "Item"),
    "print.notice.col.period": ("所属期", "Period"),
    "print.notice.col.due": ("应缴日", "Due"),
    "print.notice.col.amount": ("金额", "Amount"),
    "print.notice.total": ("应缴合计：{amount}（大写：{capital}）",
                           "Total due: {amount} ({capital})"),
    "print.notice.how_to_pay": (
        "缴费方式：服务中心前台现金、微信、支付宝、银行卡；咨询电话 {phone}。",
        "How to pay: at the service centre desk by cash, WeChat Pay, Alipay or bank card; "
        "enquiries {phone}."),
    "print.notice.stamp": ("物业服务中心（盖章）", "Property service centre (stamp)"),
    "print.notice.none": ("今天没有欠费的房屋，无需打印催缴通知",
                          "No unit is in arrears today: no reminder notices to print"),
}
