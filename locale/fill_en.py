"""Fill the English catalogue (locale/en/LC_MESSAGES/django.po) from the glossary below.

Run after `manage.py makemessages -l en ...` and before `compilemessages` (`make messages` does
all three). Needs only the standard library. The script:

- sets the catalogue header (language, charset, plural forms) and clears its fuzzy flag;
- writes the English of every msgid found in TRANSLATIONS, clearing the entry's fuzzy flag;
- keeps msgstrs already in the file for msgids it has no translation for (hand edits survive);
- checks that every translation keeps the msgid's placeholders (%(name)s, %s, %d, %%, {name});
- rewraps the file with msgcat (if GNU gettext is installed) the way makemessages writes it;
- lists the msgids still untranslated or fuzzy and exits 1 if there are any.

Glossary: 社会化工会工作者 socialized trade-union worker (short: worker), 总工会 federation of trade
unions (federation), 基层工会 grassroots union, 定岗 posting, 岗位交流 post exchange, 配备 staffing,
上岗培训 onboarding training, 岗位轮训 rotation training, 专题培训 thematic training, 资格培训
qualification training, 班次 session, 课次 meeting, 学时 credit hours, 结业 completion, 候补 waitlist,
公示 public notice, 证书 certificate, 导师 mentor, 名额 places, 考勤 attendance, 主办单位 host,
承办单位 organizer, 下级 lower levels, 撤销 revoke, 查验 verify, 印章 seal.

A plural entry maps to a (singular, plural) pair.
"""

# ruff: noqa: E501  (long msgids are kept on one line so they can be grepped)

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

PO_PATH = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"

HEADER = {
    "Project-Id-Version": "Union Pathways",
    "Last-Translator": "Union Pathways team",
    "Language-Team": "English",
    "Language": "en",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}

HEADER_COMMENT = "# English translation of Union Pathways, filled by locale/fill_en.py."

TRANSLATIONS: dict[str, str | tuple[str, str]] = {
    # --- certificates -------------------------------------------------------------------------
    "证书": "Certificate",
    "证书印章": "Certificate seal",
    "撤销证书": "Revoke certificate",
    "撤销原因": "Reason for revocation",
    "记入证书历史；查验页只显示“已撤销”及撤销日期，不显示原因。": (
        "Kept in the certificate's history; the verification page shows only “Revoked” and the "
        "date, not the reason."
    ),
    "长期有效": "No expiry",
    "固定年限": "Fixed number of years",
    "按政策参数（资格证书有效期）": "Per policy parameter (qualification certificate validity)",
    "代码": "Code",
    "名称": "Name",
    "证书标题": "Certificate title",
    "印在证书上的标题。": "The title printed on the certificate.",
    "证书正文": "Certificate text",
    "有效期": "Validity",
    "有效年限": "Years valid",
    "有效期为“固定年限”时填写。": "Required when the validity is “Fixed number of years”.",
    "适用培训类型": "Training type",
    "证书种类": "Certificate kind",
    "持证人": "Holder",
    "发证单位": "Issuing federation",
    "证书编号": "Certificate number",
    "发证日期": "Date of issue",
    "签发人": "Issued by",
    "培训记录": "Training record",
    "有效期至": "Valid until",
    "撤销日期": "Revoked on",
    "撤销人": "Revoked by",
    "验证码": "Verification code",
    "证书文件": "Certificate file",
    "总工会": "Federation",
    "印章图片": "Seal image",
    "透明背景的 PNG 图片，建议 600×600 像素以上。": (
        "A PNG image with a transparent background, preferably 600×600 pixels or larger."
    ),
    "排队中": "Queued",
    "签发中": "Issuing",
    "已完成": "Done",
    "出错中止": "Stopped on error",
    "班次": "Session",
    "发起人": "Requested by",
    "状态": "Status",
    "应签发": "To issue",
    "已处理": "Processed",
    "新签发": "Newly issued",
    "失败": "Failed",
    "错误": "Errors",
    "证书压缩包": "Certificates ZIP",
    "打印文件": "Print file",
    "发起时间": "Requested at",
    "开始时间": "Start time",
    "完成时间": "Finished at",
    "批量签发": "Bulk issue",
    "%(worker)s 尚未结业，不能发证。": (
        "%(worker)s has not completed the training; no certificate can be issued."
    ),
    "请填写撤销原因。": "Please give a reason for the revocation.",
    "证书 %(serial)s 已经撤销。": "Certificate %(serial)s is already revoked.",
    "该班次还没有已结业的学员。": "This session has no participants who have completed yet.",
    "生成证书出错（%(error)s）": "Error generating the certificate (%(error)s)",
    "批量签发中止（%(error)s）": "Bulk issue stopped (%(error)s)",
    "有效": "Valid",
    "已撤销": "Revoked",
    "已过期": "Expired",
    "发证单位（含下级）": "Issuing federation (incl. lower levels)",
    "发证年份": "Year of issue",
    "培训课程": "Training courses",
    "按班次签发": "Issue by session",
    "证书 %(serial)s 已撤销。": "Certificate %(serial)s has been revoked.",
    "班次证书": "Session certificates",
    "已为 %(worker)s 签发证书 %(serial)s。": "Certificate %(serial)s issued to %(worker)s.",
    "更新时间": "Updated at",
    "证书管理": "Certificates",
    "签发证书": "Issue certificate",
    "签发%(kind)s %(serial)s（持证人：%(holder)s）": "Issued %(kind)s %(serial)s (holder: %(holder)s)",
    "撤销证书 %(serial)s，原因：%(reason)s": "Revoked certificate %(serial)s, reason: %(reason)s",
    "批量签发“%(session)s”的证书（%(total)s 人）": (
        "Bulk issue of certificates for “%(session)s” (%(total)s people)"
    ),
    # --- courses: attendance import, blocks, completion, compliance --------------------------
    "培训": "Training",
    "缺少列：%(columns)s。": "Missing columns: %(columns)s.",
    "无法识别的列：%(columns)s。": "Unknown columns: %(columns)s.",
    "列重复：%(columns)s。": "Duplicate columns: %(columns)s.",
    "应有的列：%(columns)s（姓名可省略）。": (
        "Expected columns: %(columns)s (the name may be left out)."
    ),
    "文件中只有列名，没有数据行。": "The file has column names but no data rows.",
    "身份证号码 %(number)s 的工作者不在本班次的确认名单中。": (
        "The worker with ID number %(number)s is not on this session's confirmed list."
    ),
    "姓名“%(written)s”与该身份证号码登记的姓名“%(name)s”不符。": (
        "The name “%(written)s” does not match the name registered for this ID number, “%(name)s”."
    ),
    "本班次在 %(date)s 没有课次。": "This session has no meeting on %(date)s.",
    "%(date)s 的课次已取消。": "The meeting on %(date)s is cancelled.",
    "与第 %(line)d 行是同一人同一天。": "Same person and day as row %(line)d.",
    "考勤": "Attendance",
    "标题": "Heading",
    "小标题": "Subheading",
    "专题": "Topic",
    "方式": "Format",
    "学时": "Credit hours",
    "课程安排中的一项专题": "A topic in the course schedule",
    "段落": "Paragraph",
    "主办单位": "Host",
    "课程": "Course",
    "【已取消】": "[Cancelled]",
    "已结业": "Completed",
    "班次没有课次，无法认定结业": "The session has no meetings, so completion cannot be decided",
    "出勤学时不足": "Not enough credit hours attended",
    "资格培训课程未设合格分数": "The qualification training course has no pass mark",
    "缺少考试成绩": "Exam score missing",
    "考试成绩未达合格分数": "Exam score below the pass mark",
    "年度培训学时": "Annual training credit hours",
    "岗位轮训": "Rotation training",
    "上岗培训": "Onboarding training",
    "已达标": "Met",
    "进行中": "In progress",
    "即将到期": "Due soon",
    "已逾期": "Overdue",
    "%(year)s年未满 %(required)s 学时，截止 %(due)s；本年已认定 %(hours)s 学时": (
        "Fewer than %(required)s credit hours in %(year)s, due %(due)s; "
        "%(hours)s credit hours recognized this year"
    ),
    "本年已认定 %(hours)s / %(required)s 学时，截止 %(due)s": (
        "%(hours)s / %(required)s credit hours recognized this year, due %(due)s"
    ),
    "截止 %(due)s": "Due %(due)s",
    "培训达标": "Training compliance",
    "在职人数": "Active workers",
    "合计": "Total",
    "培训达标统计": "Training compliance",
    "姓名": "Name",
    "聘用单位": "Employer",
    "定岗单位": "Posted to",
    "聘用日期": "Hire date",
    "截止日期": "Due date",
    "剩余天数": "Days left",
    "本年认定学时": "Credit hours this year",
    "依据": "Basis",
    "报名": "Enrol",
    "考勤课次": "Attendance by meeting",
    "结业认定班次": "Completion of session",
    "取消班次": "Cancel session",
    "%(name)s的培训日程": "Training schedule of %(name)s",
    "本级及下级工会培训日程": "Training schedule of this federation and lower levels",
    "日历订阅地址已重置，请在日历应用中用新地址重新订阅。": (
        "The calendar subscription address has been reset. Please subscribe again with the new "
        "address in your calendar app."
    ),
    # --- courses: forms ----------------------------------------------------------------------
    "搜索": "Search",
    "培训类型": "Training type",
    "全部类型": "All types",
    "全部主办单位": "All hosts",
    "有近期班次": "Has upcoming sessions",
    "可报名且有空余名额": "Open for enrolment with places left",
    "结束日期不能早于开始日期。": "The end date cannot be before the start date.",
    "报名截止时间不能早于报名开始时间。": (
        "The enrolment deadline cannot be before enrolment opens."
    ),
    "取消原因": "Reason for cancellation",
    "会写进发给已报名工作者的通知。": "Included in the notice sent to enrolled workers.",
    "开始日期": "Start date",
    "结束日期": "End date",
    "每天开始时间": "Daily start time",
    "每天结束时间": "Daily end time",
    "每次学时": "Credit hours per meeting",
    "地点": "Place",
    "跳过周六、周日": "Skip Saturdays and Sundays",
    "结束时间须晚于开始时间。": "The end time must be after the start time.",
    "姓名或身份证号码": "Name or ID number",
    "聘用单位（含下级）": "Employer (incl. lower levels)",
    "全部": "All",
    "选择工作者": "Select workers",
    "或粘贴身份证号码": "Or paste ID numbers",
    "每行一个，也可用逗号或空格分隔。": "One per line, or separated by commas or spaces.",
    "找不到以下身份证号码的工作者，或您无权管理：%(numbers)s": (
        "No worker found that you may manage for these ID numbers: %(numbers)s"
    ),
    "请至少选择一名工作者。": "Please select at least one worker.",
    "考勤文件": "Attendance file",
    "XLSX 或 CSV 文件，不超过 5 MB，第一行为列名。": (
        "An XLSX or CSV file of at most 5 MB, with column names in the first row."
    ),
    "请上传 .xlsx 或 .csv 文件。": "Please upload an .xlsx or .csv file.",
    "文件太大（%(size).1f MB），不能超过 %(max)d MB。": (
        "The file is too large (%(size).1f MB); the limit is %(max)d MB."
    ),
    # --- courses: models ---------------------------------------------------------------------
    "专题培训": "Thematic training",
    "资格培训": "Qualification training",
    "集中授课": "Classroom teaching",
    "座谈研讨": "Seminar",
    "案例教学": "Case study",
    "高师带徒": "Mentoring",
    "结对提升": "Peer pairing",
    "网络培训": "Online training",
    "导语": "Introduction",
    "培训首页": "Training home page",
    "简介": "Introduction",
    "课程目录": "Course catalog",
    "由所在课程目录决定。": "Set by the course catalog the course is in.",
    "培训方式": "Training format",
    "培训对象": "Audience",
    "摘要": "Summary",
    "先修课程": "Prerequisite courses",
    "合格分数": "Pass mark",
    "资格培训须填写；结业除出勤外还须考试成绩达到此分数。": (
        "Required for qualification training; completion needs this exam score as well as "
        "attendance."
    ),
    "课程介绍": "About the course",
    "筹备中": "In preparation",
    "报名中": "Open for enrolment",
    "报名截止": "Enrolment closes",
    "已取消": "Cancelled",
    "已结束": "Finished",
    "承办单位": "Organizer",
    "班次名称": "Session name",
    "名额": "Places",
    "留空表示不限名额。": "Leave empty for unlimited places.",
    "报名开始": "Enrolment opens",
    "取消报名截止": "Cancellation deadline",
    "日期": "Date",
    "结束时间": "End time",
    "课次": "Meeting",
    "候补": "Waitlisted",
    "已确认": "Confirmed",
    "学员": "Participant",
    "报名时间": "Enrolled at",
    "候补时间": "Waitlisted at",
    "取消时间": "Cancelled at",
    "考试成绩": "Exam score",
    "结业日期": "Completion date",
    "认定学时": "Recognized credit hours",
    "缺勤": "Absent",
    "请假": "Excused",
    "迟到": "Late",
    "出勤": "Present",
    "出勤情况": "Attendance status",
    "日历订阅": "Calendar subscription",
    # --- courses: notifications and services -------------------------------------------------
    "报名成功：%(title)s": "Enrolment confirmed: %(title)s",
    "已列入候补：%(title)s": "On the waitlist: %(title)s",
    "候补转为正式学员：%(title)s": "Moved from the waitlist to confirmed: %(title)s",
    "班次已取消：%(title)s": "Session cancelled: %(title)s",
    "班次安排有变：%(title)s": "Session schedule changed: %(title)s",
    "培训期限提醒": "Training deadline reminder",
    "资格培训课程须填写合格分数。": "A qualification training course needs a pass mark.",
    "%(name)s（本级）": "%(name)s (this level)",
    "候补报名": "Join waitlist",
    "候补转正": "Promote from waitlist",
    "取消报名": "Cancel enrolment",
    "添加课次": "Add meetings",
    "取消课次": "Cancel meeting",
    "登记考勤": "Record attendance",
    "登记成绩": "Record scores",
    "认定结业": "Decide completion",
    "重置日历订阅地址": "Reset calendar subscription address",
    "您无权管理“%(name)s”的培训。": "You may not manage the training of “%(name)s”.",
    "名额不能为负数。": "The number of places cannot be negative.",
    "课次结束时间须晚于开始时间。": "A meeting must end after it starts.",
    "课次学时须大于 0。": "A meeting's credit hours must be more than 0.",
    "课次日期 %(date)s 不在班次日期（%(start)s 至 %(end)s）之内。": (
        "The meeting date %(date)s is outside the session dates (%(start)s to %(end)s)."
    ),
    "不能新建已取消的班次。": "A session cannot be created as cancelled.",
    "班次已取消，不能修改。": "The session is cancelled and cannot be changed.",
    "班次已结束，不能取消。": "The session has finished and cannot be cancelled.",
    "班次已取消或已结束，不能添加课次。": (
        "The session is cancelled or finished; no meetings can be added."
    ),
    "%(date)s 已有课次。": "There is already a meeting on %(date)s.",
    "与已报名的班次“%(title)s”（%(start)s 至 %(end)s）上课时间冲突。": (
        "Clashes with the session “%(title)s” (%(start)s to %(end)s) you are enrolled in."
    ),
    "须先完成先修课程：%(titles)s。": "Complete the prerequisite courses first: %(titles)s.",
    "您无权为该工作者报名。": "You may not enrol this worker.",
    "%(name)s 已离职，不能报名。": "%(name)s has left and cannot enrol.",
    "班次已取消。": "The session is cancelled.",
    "班次已结束。": "The session has finished.",
    "班次当前不接受报名。": "The session is not open for enrolment.",
    "报名尚未开始（%(when)s 开始）。": "Enrolment has not opened yet (opens %(when)s).",
    "报名已截止。": "Enrolment is closed.",
    "您无权取消该报名。": "You may not cancel this enrolment.",
    "已结业的报名不能取消。": "A completed enrolment cannot be cancelled.",
    "已过取消报名截止时间，请联系主办单位。": (
        "The cancellation deadline has passed; please contact the host."
    ),
    "%(label)s“%(value)s”不是数字。": "%(label)s “%(value)s” is not a number.",
    "报名记录 %(ids)s 不在本班次的确认名单中。": (
        "Enrolments %(ids)s are not on this session's confirmed list."
    ),
    "报名记录 %(id)s 的出勤情况“%(status)s”无效。": (
        "Invalid attendance status “%(status)s” for enrolment %(id)s."
    ),
    "课次已取消，不能登记考勤。": "The meeting is cancelled; attendance cannot be recorded.",
    "成绩": "Score",
    "成绩“%(value)s”超出范围。": "The score “%(value)s” is out of range.",
    "班次没有课次，无法认定结业。": (
        "The session has no meetings, so completion cannot be decided."
    ),
    "最后一次课（%(date)s）结束后才能认定结业。": (
        "Completion can be decided only after the last meeting (%(date)s) has ended."
    ),
    # --- courses: views ----------------------------------------------------------------------
    "报名未成功：%(reason)s": "Enrolment failed: %(reason)s",
    "您已报名“%(title)s”。": "You are already enrolled in “%(title)s”.",
    "报名成功：“%(title)s”已为您保留名额。": "Enrolled: a place in “%(title)s” is reserved for you.",
    "“%(title)s”名额已满，您已进入候补名单；有人取消时按顺序递补并通知您。": (
        "“%(title)s” is full, so you are on the waitlist; when someone cancels, places go to "
        "the waitlist in order and you will be notified."
    ),
    "取消未成功：%(reason)s": "Cancellation failed: %(reason)s",
    "已取消“%(title)s”的报名。": "Your enrolment in “%(title)s” is cancelled.",
    "承办单位（含下级）": "Organizer (incl. lower levels)",
    "%(confirmed)d / 不限": "%(confirmed)d / unlimited",
    "（候补 %(n)d）": "(waitlist %(n)d)",
    "名单": "Participants",
    "考勤导入": "Attendance import",
    "判定结业": "Completion",
    "已确认 / 名额": "Confirmed / places",
    "已新建班次“%(title)s”，请生成课次。": (
        "Session “%(title)s” created. Now generate its meetings."
    ),
    "基本信息": "Basic information",
    "已添加 %(n)d 次课。": "Added %(n)d meetings.",
    "这些日期都已有课次，没有添加新的课次。": (
        "All these dates already have meetings; no meetings were added."
    ),
    "已取消 %(date)s 的课次，已报名的工作者会收到通知。": (
        "The meeting on %(date)s is cancelled; enrolled workers will be notified."
    ),
    "确认 %(confirmed)d 人，候补 %(waitlisted)d 人，已在名单 %(already)d 人，未能报名 %(refused)d 人。": (
        "%(confirmed)d confirmed, %(waitlisted)d waitlisted, %(already)d already listed, "
        "%(refused)d not enrolled."
    ),
    "已取消 %(name)s 的报名。": "The enrolment of %(name)s is cancelled.",
    "已保存 %(date)s 的考勤（%(n)d 人）。": "Attendance for %(date)s saved (%(n)d people).",
    "已导入 %(rows)d 条考勤，涉及 %(meetings)d 次课。": (
        "Imported %(rows)d attendance records for %(meetings)d meetings."
    ),
    "%(title)s考勤表.%(fmt)s": "%(title)s attendance.%(fmt)s",
    "成绩已保存。": "Scores saved.",
    "已判定结业：%(completed)d 人结业。": "Completion decided: %(completed)d completed.",
    "班次“%(title)s”已取消。": "Session “%(title)s” is cancelled.",
    "培训管理": "Training",
    "发送培训期限提醒邮件": "Send training deadline reminder emails",
    # --- home, settings, base layout ---------------------------------------------------------
    "门户": "Portal",
    "正文": "Body",
    "首页": "Home page",
    "简体中文": "简体中文",
    "English": "English",
    "社会化工会工作者成长管理平台": "Socialized Trade-Union Worker Development Platform",
    "我的主页": "My page",
    "管理后台": "Admin",
    "退出": "Log out",
    "登录": "Log in",
    "语言": "Language",
    "依据《绵阳市总工会关于进一步加强绵阳市社会化工会工作者队伍建设的实施意见》（绵工发〔2017〕52号）": (
        "Based on the Mianyang Federation of Trade Unions' Implementing Opinions on Further "
        "Strengthening the Team of Socialized Trade-Union Workers in Mianyang "
        "(Mian Gong Fa [2017] No. 52)"
    ),
    # --- certificates templates --------------------------------------------------------------
    "撤销": "Revoke",
    "查验链接": "Verification link",
    "下载 PDF": "Download PDF",
    "历史记录": "History",
    "本页每 2 秒自动刷新。": "This page refreshes every 2 seconds.",
    "等待后台任务进程处理。如果长时间没有开始，请联系管理员确认后台任务进程（manage.py db_worker）正在运行。": (
        "Waiting for the background-task worker. If it does not start for a long time, ask an "
        "administrator to check that the background-task worker (manage.py db_worker) is running."
    ),
    "进度": "Progress",
    "发起": "Requested",
    "完成": "Finished",
    "未能签发": "Not issued",
    "原因": "Reason",
    "可以处理问题后再次批量签发：已签发的证书不会重复签发。": (
        "You can fix the problems and run the bulk issue again: certificates already issued "
        "are not issued twice."
    ),
    "下载证书压缩包（ZIP）": "Download the certificates (ZIP)",
    "下载合并打印文件（PDF）": "Download the combined print file (PDF)",
    "返回班次": "Back to the session",
    "撤销后，查验页将显示此证书“已撤销”，持证人不能再下载。撤销不能取消。": (
        "Once revoked, the verification page shows this certificate as “Revoked” and the holder "
        "can no longer download it. A revocation cannot be undone."
    ),
    "确认撤销": "Confirm revocation",
    "本班次 %(n)s 人结业，其中 %(missing)s 人尚未发证。": (
        "%(n)s person completed this session; %(missing)s of them have no certificate yet.",
        "%(n)s people completed this session; %(missing)s of them have no certificate yet.",
    ),
    "批量签发在后台进行：为尚未发证的学员签发证书，并生成全部证书的压缩包和一份合并打印文件。重复执行不会重复发证。": (
        "The bulk issue runs in the background: it issues certificates to participants who have "
        "none yet and builds a ZIP of all certificates and one combined print file. Running it "
        "again does not issue any certificate twice."
    ),
    "全部签发并生成打印文件": "Issue all and build the print file",
    "最近的批量签发": "Recent bulk issues",
    "失败 %(n)s": "%(n)s failed",
    "查看": "View",
    "结业学员": "Participants who completed",
    "签发": "Issue",
    "本班次还没有结业的学员。结业由考勤和成绩决定。": (
        "No participant has completed this session yet. Completion depends on attendance and "
        "scores."
    ),
    "搜索班次": "Search sessions",
    "只看待发证的班次": "Only sessions awaiting certificates",
    "班次或课程名称": "Session or course name",
    "已发证": "Certified",
    "待发证": "Awaiting certificate",
    "没有班次。": "No sessions.",
    "分页": "Pagination",
    "上一页": "Previous",
    "第 %(n)s / %(total)s 页": "Page %(n)s of %(total)s",
    "下一页": "Next",
    "有效期至 %(on)s": "Valid until %(on)s",
    "查验页": "Verification page",
    "还没有证书。结业后由培训主办单位签发。": (
        "No certificates yet. The training host issues them after completion."
    ),
    "我的证书": "My certificates",
    "全部证书": "All certificates",
    "证书查验": "Certificate verification",
    "返回我的主页": "Back to my page",
    "此证书真实有效。": "This certificate is genuine and valid.",
    "此证书已于 %(on)s 被发证单位撤销，不再有效。": (
        "This certificate was revoked by the issuer on %(on)s and is no longer valid."
    ),
    "此证书有效期至 %(on)s，已过期。": "This certificate was valid until %(on)s and has expired.",
    "培训日期": "Training dates",
    "为保护个人信息，持证人姓名部分隐去。": (
        "To protect personal information, the holder's name is partly hidden."
    ),
    "按证书编号查询": "Look up by certificate number",
    "查询": "Look up",
    "证书编号印在证书左下方；也可以用手机扫描证书上的二维码查验。": (
        "The certificate number is printed at the bottom left of the certificate; you can also "
        "scan the QR code on the certificate with your phone."
    ),
    "未找到": "Not found",
    "未找到与此链接或证书编号相符的证书。请核对后重试。": (
        "No certificate matches this link or certificate number. Please check it and try again."
    ),
    "查询过于频繁": "Too many look-ups",
    "您的查询次数过多，请一分钟后再试。": "You have made too many look-ups. Please try again in a minute.",
    # --- courses admin templates -------------------------------------------------------------
    "班次管理": "Sessions",
    "%(hours)s 学时": "%(hours)s credit hours",
    "%(counter)s 人尚未登记，默认选中“出勤”，请核对后保存。出勤和迟到计入本次学时，请假和缺勤不计。": (
        "%(counter)s person is not recorded yet and is preset to “Present”; please check and "
        "save. Present and late count towards this meeting's credit hours; excused and absent "
        "do not.",
        "%(counter)s people are not recorded yet and are preset to “Present”; please check and "
        "save. Present and late count towards this meeting's credit hours; excused and absent "
        "do not.",
    ),
    "已登记": "Recorded",
    "未登记": "Not recorded",
    "保存考勤": "Save attendance",
    "本班次还没有确认名额的学员。": "This session has no confirmed participants yet.",
    "发现 %(counter)s 处错误，没有导入任何考勤。请修改文件后重新上传。": (
        "Found %(counter)s error; no attendance was imported. Please fix the file and upload it "
        "again.",
        "Found %(counter)s errors; no attendance was imported. Please fix the file and upload it "
        "again.",
    ),
    "行号": "Row",
    "列": "Column",
    "问题": "Problem",
    "导入考勤": "Import attendance",
    "文件格式": "File format",
    "列：%(columns)s（姓名可省略，填写时须与身份证号码一致）。出勤情况填：%(statuses)s。每行是一名学员某一天的考勤，日期须是本班次的课次日期。": (
        "Columns: %(columns)s (the name may be left out; if given it must match the ID number). "
        "Attendance status: %(statuses)s. Each row is one participant's attendance on one day, "
        "and the date must be a meeting date of this session."
    ),
    "先检查全部行：只要有一行有误，就不导入任何考勤，并按行号列出每处错误。同一人同一天再次导入会覆盖原有记录。": (
        "All rows are checked first: if any row is wrong, no attendance is imported and every "
        "error is listed by row number. Importing the same person and day again overwrites the "
        "earlier record."
    ),
    "下载考勤表（已填好本班次名单和截至今天的课次日期）：": (
        "Download the attendance sheet (pre-filled with this session's participants and meeting "
        "dates up to today):"
    ),
    "取消后，本班次的全部课次在日历中显示为已取消，已报名的 %(counter)s 名工作者会收到通知。此操作不能撤销。": (
        "Once cancelled, all meetings of this session show as cancelled in calendars and the "
        "%(counter)s enrolled worker will be notified. This cannot be undone.",
        "Once cancelled, all meetings of this session show as cancelled in calendars and the "
        "%(counter)s enrolled workers will be notified. This cannot be undone.",
    ),
    "本班次共 %(meetings)s 次课、%(hours)s 学时。认定学时达到 %(percent)s%% 的学员结业": (
        "This session has %(meetings)s meetings and %(hours)s credit hours. Participants with "
        "at least %(percent)s%% of the credit hours recognized complete it"
    ),
    "，且考试成绩须达到合格分数": ", and their exam score must reach the pass mark",
    "最后一次课结束后才能判定；修改考勤或成绩后可重新判定。判定后班次状态为“已结束”。": (
        "Completion can be decided only after the last meeting ends; decide again after changing "
        "attendance or scores. Afterwards the session's status is “Finished”."
    ),
    "出勤比例": "Attendance share",
    "结业": "Completed",
    "已结业（%(day)s）": "Completed (%(day)s)",
    "截至 %(today)s，%(workers)s 名在职工作者按《实施意见》§四.三 的三项培训要求统计：年度培训学时（每年不少于1周）、岗位轮训（每2年1次为期1月）、上岗培训（上岗前或聘用后规定天数内）。“进行中”表示本期要求尚未完成但未临近截止。点击数字查看人员名单。": (
        "As of %(today)s, %(workers)s active workers counted against the three training "
        "requirements of the Implementing Opinions §4.3: annual training credit hours (at least "
        "one week a year), rotation training (one month every 2 years) and onboarding training "
        "(before taking up the post or within the set number of days after hiring). "
        "“In progress” means the current requirement is not met yet but its deadline is not "
        "near. Click a number to see the workers."
    ),
    "导出 %(fmt)s": "Export %(fmt)s",
    "达标情况图": "Compliance chart",
    "各总工会培训达标情况条形图": "Bar chart of training compliance by federation",
    "没有可统计的总工会。": "No federations to count.",
    "返回培训达标统计": "Back to training compliance",
    "%(federation)s：%(rule)s“%(status)s”的在职工作者 %(counter)s 人。": (
        "%(federation)s: %(counter)s active worker with %(rule)s “%(status)s”.",
        "%(federation)s: %(counter)s active workers with %(rule)s “%(status)s”.",
    ),
    "已过 %(days)s 天": "%(days)s days ago",
    "剩 %(days)s 天": "%(days)s days left",
    "逾期完成": "Completed late",
    "合格分数：%(score)s。结业须出勤达标且成绩不低于合格分数。留空表示没有成绩。": (
        "Pass mark: %(score)s. Completion needs enough attendance and a score no lower than the "
        "pass mark. Leave empty for no score."
    ),
    "课程尚未设合格分数，请先在课程页面填写。留空表示没有成绩。": (
        "The course has no pass mark yet; set it on the course page first. Leave empty for no "
        "score."
    ),
    "保存成绩": "Save scores",
    "课次（%(counter)s）": ("Meetings (%(counter)s)", "Meetings (%(counter)s)"),
    "时间": "Time",
    "已登记 %(marked)s / %(total)s": "%(marked)s / %(total)s recorded",
    "确定取消这次课？已报名的工作者会收到通知。": (
        "Cancel this meeting? Enrolled workers will be notified."
    ),
    "取消": "Cancel",
    "还没有课次。用下面的表单一次生成整个班次的课次。": (
        "No meetings yet. Use the form below to generate all the session's meetings at once."
    ),
    "生成课次": "Generate meetings",
    "在日期范围内每天生成一次课（可跳过周末），时间、学时和地点相同。已有课次的日期不会重复生成；已取消的课次会按新时间恢复。": (
        "Creates one meeting a day in the date range (weekends can be skipped), all with the "
        "same times, credit hours and place. Dates that already have a meeting are skipped; "
        "cancelled meetings are restored with the new times."
    ),
    "本次批量报名结果": "Results of this bulk enrolment",
    "结果": "Result",
    "说明": "Notes",
    "已在名单中": "Already listed",
    "未能报名": "Not enrolled",
    "名单：已确认 %(confirmed)s 人，候补 %(waitlisted)s 人": (
        "Participants: %(confirmed)s confirmed, %(waitlisted)s waitlisted"
    ),
    "（名额 %(capacity)s）": "(%(capacity)s places)",
    "确定取消该工作者的报名？": "Cancel this worker's enrolment?",
    "还没有人报名。": "Nobody has enrolled yet.",
    "批量报名": "Bulk enrolment",
    "查找": "Find",
    "全选": "Select all",
    "身份证号码": "ID number",
    "只显示前 %(n)s 人，请用姓名、身份证号码或单位缩小范围。": (
        "Showing only the first %(n)s people; narrow the search by name, ID number or employer."
    ),
    "没有符合条件、尚未报名的工作者。": "No matching workers who are not enrolled yet.",
    "报名所选工作者": "Enrol the selected workers",
    # --- courses public templates and emails -------------------------------------------------
    "近期班次": "Upcoming sessions",
    "暂无近期班次。开班后会在这里公布，欢迎关注。": (
        "No upcoming sessions. New sessions will be announced here."
    ),
    "（课次安排待定）": "(meeting schedule to be announced)",
    "以下培训要求即将到期或已经逾期，请及时报名参加相应培训：": (
        "These training requirements are due soon or overdue; please enrol in suitable "
        "training in time:"
    ),
    "查看我的培训": "See my training",
    "您已成功报名“%(course)s”课程的“%(title)s”班次，名额已确认。": (
        "You are enrolled in the session “%(title)s” of the course “%(course)s”; your place is "
        "confirmed."
    ),
    "课次安排": "Meeting schedule",
    "附件中的 .ics 文件可导入手机或电脑日历。": (
        "The attached .ics file can be imported into the calendar on your phone or computer."
    ),
    "班次详情": "Session details",
    "“%(course)s”课程的“%(title)s”班次有名额空出，您已由候补转为正式学员。": (
        "A place came free in the session “%(title)s” of the course “%(course)s”; you have moved "
        "from the waitlist to confirmed."
    ),
    "如不能参加，请在取消报名截止时间前取消": (
        "If you cannot attend, please cancel before the cancellation deadline"
    ),
    "很抱歉，您报名的“%(course)s”课程“%(title)s”班次已取消。": (
        "We are sorry: the session “%(title)s” of the course “%(course)s” you enrolled in has "
        "been cancelled."
    ),
    "原定日期": "Originally scheduled",
    "附件中的 .ics 文件会把日历中的相关日程标记为已取消。请留意其他班次的报名。": (
        "The attached .ics file marks the events in your calendar as cancelled. Watch out for "
        "other sessions to enrol in."
    ),
    "您报名的“%(course)s”课程“%(title)s”班次安排有变，最新安排如下。": (
        "The schedule of the session “%(title)s” of the course “%(course)s” you enrolled in has "
        "changed. The latest schedule is below."
    ),
    "附件中的 .ics 文件是更新后的日程，导入后会替换原有日程；已订阅个人培训日历的，日历会自动更新。": (
        "The attached .ics file holds the updated schedule and replaces the old events when "
        "imported; if you subscribe to your personal training calendar, it updates by itself."
    ),
    "“%(course)s”课程的“%(title)s”班次名额已满，您已列入候补名单。": (
        "The session “%(title)s” of the course “%(course)s” is full; you are on the waitlist."
    ),
    "有学员取消报名时，系统会按候补先后顺序自动为您转为正式学员，并另行邮件通知。": (
        "When a participant cancels, waitlisted workers are confirmed automatically in order and "
        "you will get another email."
    ),
    "全部课程": "All courses",
    "搜索课程": "Search courses",
    "课程名称、内容或培训对象": "Course name, content or audience",
    "筛选": "Filter",
    "清除条件": "Clear filters",
    "共 %(counter)s 门课程": ("%(counter)s course", "%(counter)s courses"),
    "近期 %(counter)s 个班次，最早 %(start)s 开班": (
        "%(counter)s upcoming session, starting %(start)s",
        "%(counter)s upcoming sessions, the first starting %(start)s",
    ),
    "可报名": "Open for enrolment",
    "暂无近期班次": "No upcoming sessions",
    "第 %(number)s / %(total)s 页": "Page %(number)s of %(total)s",
    "没有符合条件的课程，请调整筛选条件。": "No courses match; please change the filters.",
    "这里还没有课程。": "There are no courses here yet.",
    "已报名（名额已确认）": "Enrolled (place confirmed)",
    "候补中": "On the waitlist",
    "已过取消截止时间，如需取消请联系承办单位。": (
        "The cancellation deadline has passed; to cancel, please contact the organizer."
    ),
    "登录后报名": "Log in to enrol",
    "报名候补": "Join the waitlist",
    "%(deadline)s 前可自行取消": "You can cancel until %(deadline)s",
    "仅社会化工会工作者可在线报名。": "Only socialized trade-union workers can enrol online.",
    "%(opens)s 开始报名": "Enrolment opens %(opens)s",
    "下载日历（.ics）": "Download calendar (.ics)",
    "课程与班次": "Courses and sessions",
    "日历": "Calendar",
    "%(counter)s 次课": ("%(counter)s meeting", "%(counter)s meetings"),
    "班次已取消": "Session cancelled",
    "未结业": "Not completed",
    "%(counter)s 次课，共 %(hours)s 学时": (
        "%(counter)s meeting, %(hours)s credit hours in all",
        "%(counter)s meetings, %(hours)s credit hours in all",
    ),
    "不限名额": "Unlimited places",
    "剩余 %(left)s 个（共 %(capacity)s 个）": "%(left)s left (of %(capacity)s)",
    "已满（共 %(capacity)s 个）": "Full (%(capacity)s places)",
    "，候补 %(n)s 人": ", %(n)s waitlisted",
    "我的培训": "My training",
    "本年培训学时": "Training credit hours this year",
    "本年认定学时完成比例": "Share of this year's credit hours completed",
    "%(year)s年未满 %(required)s 学时，请尽快补足本年学时。": (
        "Fewer than %(required)s credit hours in %(year)s; please make up this year's hours soon."
    ),
    "每年不少于1周（按实际出勤认定学时），截止 %(due)s。": (
        "At least one week a year (credit hours recognized by actual attendance), due %(due)s."
    ),
    "下次轮训截止日期。每 %(months)s 个月须完成1次为期1月（%(days)s 个培训日或 %(hours)s 学时）的岗位轮训。": (
        "Deadline of the next rotation training. Every %(months)s months, one month of rotation "
        "training (%(days)s training days or %(hours)s credit hours) is required."
    ),
    "%(on)s 结业": "Completed %(on)s",
    "尚无完成的岗位轮训，截止日期按聘用日期计算。": (
        "No rotation training completed yet; the deadline counts from the hire date."
    ),
    "上岗前或聘用后 %(days)s 天内须完成上岗培训。": (
        "Onboarding training is due before taking up the post or within %(days)s days of hiring."
    ),
    "即将参加": "Coming up",
    "暂无已报名的培训。": "No training enrolled yet.",
    "浏览培训课程": "Browse training courses",
    "暂无培训记录。": "No training records yet.",
    "在手机或电脑的日历应用中订阅，报名的培训课次会自动同步（含变更与取消）。": (
        "Subscribe in the calendar app on your phone or computer and the meetings you enrol in "
        "stay in sync, changes and cancellations included."
    ),
    "一键订阅（webcal）": "Subscribe (webcal)",
    "下载日历文件（.ics）": "Download calendar file (.ics)",
    "订阅地址（请勿分享给他人）": "Subscription address (do not share it)",
    "重置订阅地址": "Reset subscription address",
    "重置后旧地址立即失效。": "The old address stops working at once.",
    "地点均为：%(place)s": "All at: %(place)s",
    "课次安排尚未公布。": "The meeting schedule is not published yet.",
    # --- home and workforce templates --------------------------------------------------------
    "从这里开始": "Start here",
    "我的主页：档案、定岗与履历": "My page: profile, posting and history",
    "管理后台：总工会、基层工会、工作者、定岗与配备报表": (
        "Admin: federations, grassroots unions, workers, postings and the staffing report"
    ),
    "工作人员可以管理“%(federation)s”及其全部下级总工会的基层工会、工作者、定岗和政策参数，并可为它们授予或撤销管理权限。上级总工会的工作人员自动拥有这些权限。": (
        "Staff can manage the grassroots unions, workers, postings and policy parameters of "
        "“%(federation)s” and all federations below it, and grant or revoke management rights "
        "for them. Staff of higher federations have these rights automatically."
    ),
    "当前工作人员": "Current staff",
    "用户名": "Username",
    "电子邮箱": "Email",
    "撤销权限": "Revoke rights",
    "本总工会还没有直接授权的工作人员。": "This federation has no directly granted staff yet.",
    "授予管理权限": "Grant management rights",
    "授予": "Grant",
    '还没有%(model_name)s。<a href="%(add_url)s">现在添加</a>？': (
        'There are no %(model_name)s yet. <a href="%(add_url)s">Add one now</a>?'
    ),
    "没有符合条件的记录。": "No matching records.",
    "该基层工会有 %(counter)s 条定岗记录（含历史记录），为保留工作者的履历，不能删除。": (
        "This grassroots union has %(counter)s posting record (history included); to keep "
        "workers' histories it cannot be deleted.",
        "This grassroots union has %(counter)s posting records (history included); to keep "
        "workers' histories it cannot be deleted.",
    ),
    "返回": "Back",
    "工作者": "Worker",
    "当前定岗": "Current posting",
    "%(unit)s，自 %(start)s 起": "%(unit)s, since %(start)s",
    "无": "None",
    "定岗记录": "Postings",
    "类型": "Type",
    "在岗": "Current",
    "暂无定岗记录。": "No postings yet.",
    "个人档案": "Profile",
    "性别": "Gender",
    "手机号码": "Mobile",
    "学历": "Education",
    "社会工作职业资格": "Social work qualification",
    "用工方式": "Employment mode",
    "自 %(start)s 起": "Since %(start)s",
    "目前没有定岗。": "Not posted at the moment.",
    "定岗履历": "Posting history",
    "单位": "Unit",
    "开始": "Start",
    "结束": "End",
    "至今": "Present",
    "报名的培训、本年认定学时、岗位轮训与上岗培训完成情况、日历订阅。": (
        "Enrolled training, this year's recognized credit hours, rotation and onboarding "
        "training status, calendar subscription."
    ),
    "名册导入": "Roster import",
    "%(kind)s名册导入完成。": "%(kind)s roster imported.",
    "发现 %(counter)s 处错误，没有导入任何数据。请修改文件后重新上传。": (
        "Found %(counter)s error; nothing was imported. Please fix the file and upload it again.",
        "Found %(counter)s errors; nothing was imported. Please fix the file and upload it again.",
    ),
    "导入": "Import",
    "模板与列": "Template and columns",
    "<p>第一行为列名，每行一条记录，行号与表格软件中看到的一致（列名为第 1 行）。只读取 XLSX 的第一个工作表；CSV 可用 UTF-8 或 GB18030（中文 Excel 默认）编码。日期写成 YYYY-MM-DD，或使用 Excel 日期格式。</p> <p>先检查全部行：只要有一行有误，就不导入任何数据，并列出每处错误。基层工会按“所属总工会 + 单位名称”匹配，工作者按身份证号码匹配；已有的记录会被更新，重复导入同一文件不会产生任何变化。</p> <p>工作者的定岗单位与当前定岗不同时，按定岗日期办理岗位交流；尚未定岗的，按定岗日期首次定岗。</p>": (
        "<p>The first row holds the column names and each further row one record; row numbers "
        "are those your spreadsheet shows (the column names are row 1). Only the first sheet of "
        "an XLSX file is read; a CSV file may be UTF-8 or GB18030 (the default of Chinese "
        "Excel). Write dates as YYYY-MM-DD or use an Excel date format.</p> <p>All rows are "
        "checked first: if any row is wrong, nothing is imported and every error is listed. "
        "Grassroots unions are matched by “federation + unit name”, workers by ID number; "
        "existing records are updated, and importing the same file again changes nothing.</p> "
        "<p>When a worker's posting unit differs from the current posting, a post exchange is "
        "made on the posting date; a worker not yet posted gets a first posting on that "
        "date.</p>"
    ),
    "一次最多导入 %(max)s 行，文件不超过 5 MB。": (
        "At most %(max)s rows per import, and a file of at most 5 MB."
    ),
    "导入内容": "What to import",
    "模板（含示例行）": "Template (with a sample row)",
    "您可以导入到这些总工会：": "You can import into these federations:",
    "配备报表": "Staffing report",
    "配备标准（绵工发〔2017〕52号 第三条）：职工2000人以下的，须配备1名社会化工会工作者；2000人以上的，每3000人可增配1名。各总工会可在政策参数中调整基数与步长，下级未设定时沿用上级。": (
        "Staffing norm (Mian Gong Fa [2017] No. 52, Article 3): a unit with up to 2,000 "
        "employees must have 1 socialized trade-union worker; above 2,000, one more may be "
        "added for every 3,000 employees. Each federation can adjust the base and step in its "
        "policy parameters; lower levels that set none inherit them."
    ),
    "范围": "Scope",
    "我管理的全部总工会": "All federations I manage",
    "导出 Excel": "Export Excel",
    "导出 CSV": "Export CSV",
    "各总工会配备对比": "Staffing by federation",
    "须配备": "Required",
    "已定岗": "Posted",
    "可配备上限": "Allowed maximum",
    "各总工会须配备、已定岗与可配备上限人数": (
        "Required, posted and allowed maximum workers by federation"
    ),
    "无。": "None.",
    # --- workforce python --------------------------------------------------------------------
    "队伍管理": "Workforce",
    "上级总工会": "Parent federation",
    "新总工会建在所选总工会之下。": "The new federation is created under the selected one.",
    "首次定岗单位": "First posting unit",
    "选填。定岗自聘用日期起；也可以稍后在“定岗”中办理。": (
        "Optional. The posting starts on the hire date; you can also post the worker later "
        "under “Posting”."
    ),
    "调往其他单位请使用工作者的“岗位交流”。": (
        "To move the worker to another unit, use the worker's “Post exchange”."
    ),
    "交流至": "Move to",
    "交流日期": "Exchange date",
    "原定岗在前一天结束。": "The previous posting ends the day before.",
    "离职日期": "Departure date",
    "离职原因": "Reason for leaving",
    "已有账号的用户名（工作者的用户名为身份证号码）。": (
        "Username of an existing account (a worker's username is their ID number)."
    ),
    "没有用户名为“%(username)s”的有效账号。": "There is no active account with username “%(username)s”.",
    "留空则沿用上级：%(value)s": "Leave empty to inherit from the parent: %(value)s",
    "留空则用默认值：%(value)s": "Leave empty to use the default: %(value)s",
    "；当前生效：%(value)s": "; in effect now: %(value)s",
    "%(kind)s名册导入模板.%(fmt)s": "%(kind)s roster import template.%(fmt)s",
    "基层工会": "Grassroots union",
    "其中岗位交流": "of which post exchanges",
    "离职": "Departed",
    "账号": "Account",
    "页面": "Pages",
    "重置密码": "Passwords reset",
    "日期格式应为 YYYY-MM-DD。": "Dates must be written YYYY-MM-DD.",
    "演示数据的基准日期不能早于 2021-01-01。": (
        "The reference date of the demo data cannot be before 2021-01-01."
    ),
    "DEBUG 已关闭，这可能是生产环境：演示账号的密码是公开的。如确需在此载入演示数据，请加 --allow-without-debug。": (
        "DEBUG is off, so this may be production: the demo accounts' passwords are public. To "
        "load the demo data here anyway, add --allow-without-debug."
    ),
    "--units 至少为 2。": "--units must be at least 2.",
    "--workers 至少为 1。": "--workers must be at least 1.",
    "没有这些应用：%(apps)s": "No such apps: %(apps)s",
    "演示数据已载入（%(seconds).1f 秒）。本次新增或改动：%(parts)s。": (
        "Demo data loaded (%(seconds).1f s). Added or changed this time: %(parts)s."
    ),
    "演示数据已齐全，本次未作任何改动（%(seconds).1f 秒）。": (
        "The demo data is complete; nothing changed this time (%(seconds).1f s)."
    ),
    "角色": "Role",
    "密码": "Password",
    "以上均为演示密码，仅供本机演示，切勿用于任何真实环境。登录：/accounts/login/": (
        "These are demo passwords for a local demo only; never use them anywhere real. "
        "Log in at: /accounts/login/"
    ),
    "* 账号在本次运行前已存在，密码未改动；若已被修改，可运行 load_demo_data --reset-passwords 改回演示密码。": (
        "* The account existed before this run and its password was left alone; if it was "
        "changed, run load_demo_data --reset-passwords to restore the demo password."
    ),
    "市总工会": "City federation",
    "县总工会": "County federation",
    "区总工会": "District federation",
    "县级市总工会": "County-level city federation",
    "园区总工会": "Park federation",
    "简称": "Short code",
    "用于证书编号等的简短字母代码，如 MY、FC。": (
        "A short letter code used in certificate numbers and the like, e.g. MY, FC."
    ),
    "级别": "Level",
    "管理本总工会及其下级": "Manage this federation and those below it",
    "配备基数（职工人数）": "Staffing base (employees)",
    "默认 2000": "Default 2000",
    "增配步长（职工人数）": "Additional staffing step (employees)",
    "默认 3000": "Default 3000",
    "默认 40": "Default 40",
    "轮训周期（月）": "Rotation training interval (months)",
    "默认 24": "Default 24",
    "轮训最少天数": "Rotation training minimum days",
    "默认 20": "Default 20",
    "轮训最少学时": "Rotation training minimum credit hours",
    "默认 160": "Default 160",
    "上岗培训期限（天）": "Onboarding training deadline (days)",
    "默认 90": "Default 90",
    "即将到期提醒（天）": "Due-soon reminder (days)",
    "默认 60": "Default 60",
    "结业出勤比例（%）": "Completion attendance share (%)",
    "默认 80": "Default 80",
    "资格证书有效期（年）": "Qualification certificate validity (years)",
    "默认 3": "Default 3",
    "带徒期限（月）": "Mentoring term (months)",
    "默认 12": "Default 12",
    "导师最多徒弟数": "Mentor's maximum mentees",
    "评先预留比例（%）": "Award places reserved (%)",
    "默认 10": "Default 10",
    "公示期（工作日）": "Public notice period (working days)",
    "默认 5": "Default 5",
    "优秀等次比例上限（%）": "Maximum share graded excellent (%)",
    "默认 15，不超过 20": "Default 15, at most 20",
    "政策参数": "Policy parameters",
    "区域（行业）工会联合会": "Regional (industry) union council",
    "乡镇（街道）工会": "Township (subdistrict) union",
    "开发区（产业园区）工会": "Development zone (industrial park) union",
    "企业工会": "Enterprise union",
    "所属总工会": "Federation",
    "职工人数": "Employees",
    "地址": "Address",
    "身份证号码无效（应为18位且校验位正确）。": (
        "Invalid ID number (it must have 18 characters and a correct check digit)."
    ),
    "男": "Male",
    "女": "Female",
    "高中/中专": "Senior high / secondary vocational school",
    "大专": "Junior college",
    "本科": "Bachelor's degree",
    "硕士研究生": "Master's degree",
    "博士研究生": "Doctorate",
    "助理社会工作师": "Assistant social worker",
    "社会工作师": "Social worker",
    "高级社会工作师": "Senior social worker",
    "总工会直接聘用": "Hired directly by the federation",
    "购买社会化服务": "Purchased social service",
    "政府公益性岗位": "Government public-welfare post",
    "党群工作者兼职": "Part-time Party and mass-organization worker",
    "在职": "Active",
    "承接机构": "Contractor",
    "购买社会化服务时，承接的社会组织名称。": (
        "For a purchased social service, the name of the contracted social organization."
    ),
    "社会化工会工作者": "Worker",  # model name: the short form keeps admin titles readable
    "购买社会化服务的人员须填写承接机构。": (
        "A worker provided by a purchased social service needs a contractor."
    ),
    "首次定岗": "First posting",
    "岗位交流": "Post exchange",
    "临时借调": "Temporary secondment",
    "定岗": "Posting",
    "基层工会数": "Grassroots unions",
    "须配备人数": "Workers required",
    "已定岗人数": "Workers posted",
    "未配备单位数": "Understaffed units",
    "超配单位数": "Overstaffed units",
    "未配备单位": "Understaffed units",
    "超配单位": "Overstaffed units",
    "配备情况": "Staffing status",
    "配备报表.xlsx": "staffing-report.xlsx",
    "配备报表.csv": "staffing-report.csv",
    # --- workforce: roster import ------------------------------------------------------------
    "您可管理的总工会全称（或代码）": "Full name (or code) of a federation you manage",
    "基层工会名称，同一总工会下不重复": "Grassroots union name, unique within its federation",
    "整数": "Whole number",
    "18 位，请把该列设为文本格式": "18 characters; format this column as text",
    "留空表示“无”": "Leave empty for “None”",
    "购买社会化服务时必填": "Required for a purchased social service",
    "聘用的总工会全称（或代码）": "Full name (or code) of the hiring federation",
    "YYYY-MM-DD": "YYYY-MM-DD",
    "基层工会名称；重名时写成“所属总工会/单位名称”；留空表示暂不定岗": (
        "Grassroots union name; if the name is not unique write “federation/unit name”; leave "
        "empty for no posting yet"
    ),
    "YYYY-MM-DD；填写定岗单位时必填，岗位交流从该日起": (
        "YYYY-MM-DD; required with a posting unit; a post exchange starts on this date"
    ),
    "新增 %(created)d 条，更新 %(updated)d 条，未变 %(unchanged)d 条。": (
        "%(created)d added, %(updated)d updated, %(unchanged)d unchanged."
    ),
    "文件是空的，或第一行不是列名。": "The file is empty, or its first row is not column names.",
    "一次最多导入 %(max)d 行，请分批导入。": (
        "At most %(max)d rows per import; please import in batches."
    ),
    "无法读取：文件不是 XLSX 或 CSV 表格。": "Cannot read: the file is not an XLSX or CSV sheet.",
    "无法读取：文件不是 XLSX 或 CSV 表格（CSV 须为 UTF-8 或 GB18030 编码）。": (
        "Cannot read: the file is not an XLSX or CSV sheet (CSV must be UTF-8 or GB18030 encoded)."
    ),
    "文件是空的。": "The file is empty.",
    "不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后上传。": (
        "Old Excel (.xls) files are not supported; save the file as .xlsx or CSV in Excel and "
        "upload that."
    ),
    "无法读取该 Excel 文件，请确认它是 .xlsx 格式且未损坏。": (
        "Cannot read this Excel file; make sure it is an undamaged .xlsx file."
    ),
    "无法读取：该文件不是有效的 .xlsx 文件。": "Cannot read: the file is not a valid .xlsx file.",
    "无法读取该 CSV 文件：%(error)s": "Cannot read this CSV file: %(error)s",
    "“%(value)s”不是可选值，可填：%(labels)s。": (
        "“%(value)s” is not one of the choices: %(labels)s."
    ),
    "日期应写成 YYYY-MM-DD，如 2024-03-01。": "Write dates as YYYY-MM-DD, e.g. 2024-03-01.",
    "身份证号码被 Excel 当成了数字（会丢失末几位），请把该列设为文本格式后重新填写。": (
        "Excel treated the ID number as a number (losing its last digits); format the column "
        "as text and enter the numbers again."
    ),
    "找不到总工会“%(name)s”，或您无权管理该总工会。": (
        "Federation “%(name)s” not found, or you may not manage it."
    ),
    "手机号码只能包含数字。": "The mobile number may contain only digits.",
    "填写了定岗单位时须填写定岗日期。": "A posting unit needs a posting date.",
    "填写了定岗日期时须填写定岗单位。": "A posting date needs a posting unit.",
    "找不到定岗单位“%(name)s”，或您无权管理该单位。": (
        "Posting unit “%(name)s” not found, or you may not manage it."
    ),
    "有多个名为“%(name)s”的基层工会，请写成“所属总工会/单位名称”。": (
        "There are several grassroots unions named “%(name)s”; write “federation/unit name”."
    ),
    "这看起来是“%(other)s”名册，请选择正确的导入内容。": (
        "This looks like a “%(other)s” roster; please choose the right kind of import."
    ),
    "应有的列：%(columns)s。": "Expected columns: %(columns)s.",
    "与第 %(line)d 行是同一总工会下的同名单位。": (
        "Same unit name in the same federation as row %(line)d."
    ),
    "身份证号码与第 %(line)d 行重复。": "Same ID number as row %(line)d.",
    "文件": "File",
    "可填：%(labels)s": "Choices: %(labels)s",
    "填写说明": "Instructions",
    "列名": "Column",
    "必填": "Required",
    "是": "Yes",
    "否": "No",
    "只读取第一个工作表；第 2 行是示例，导入前请改成真实数据或删除。": (
        "Only the first sheet is read; row 2 is a sample, so replace it with real data or "
        "delete it before importing."
    ),
    # --- workforce: services and admin views -------------------------------------------------
    "基层工会“%(name)s”有定岗记录（含历史记录），不能删除。": (
        "Grassroots union “%(name)s” has posting records (history included) and cannot be deleted."
    ),
    "身份证号码无效。": "Invalid ID number.",
    "身份证号码 %(id)s 已登记。": "ID number %(id)s is already registered.",
    "离职人员不能定岗。": "A worker who has left cannot be posted.",
    "该工作者已有在岗定岗，请使用岗位交流。": (
        "This worker already has a current posting; use a post exchange."
    ),
    "离职人员不能交流。": "A worker who has left cannot be exchanged.",
    "该工作者已在此单位定岗。": "This worker is already posted to this unit.",
    "交流日期须晚于当前定岗的开始日期。": (
        "The exchange date must be after the start of the current posting."
    ),
    "结束日期不能早于定岗开始日期。": "The end date cannot be before the posting's start date.",
    "导入未完成：%(count)d 处错误。": "Import not done: %(count)d errors.",
    "与已有数据冲突，无法保存。": "Conflicts with existing data; cannot save.",
    "详情": "Details",
    "新建": "New",
    "新建%(model_name)s": "New %(model_name)s",
    "工作人员": "Staff",
    "添加下级总工会": "Add a lower-level federation",
    "已撤销 %(user)s 管理“%(federation)s”的权限。": (
        "Revoked the rights of %(user)s to manage “%(federation)s”."
    ),
    "已授予 %(user)s 管理“%(federation)s”的权限。": (
        "Granted %(user)s the rights to manage “%(federation)s”."
    ),
    "在岗工作者": "Posted workers",
    "请更正下面的错误。": "Please correct the errors below.",
    "办理岗位交流": "Post exchange",
    "%(worker)s 已交流至 %(unit)s。": "%(worker)s moved to %(unit)s.",
    "办理离职": "Record departure",
    "已办理 %(worker)s 的离职。": "Departure of %(worker)s recorded.",
    "聘用": "Employment",
    "聘用与定岗": "Employment and posting",
    "结束定岗": "End posting",
    "定岗“%(object)s”已结束。": "Posting “%(object)s” ended.",
    "全部沿用上级": "All inherited from the parent",
    "人员配备（§三）": "Staffing (§3)",
    "教育培训（§四.三）": "Education and training (§4.3)",
    "高师带徒（§四.三）": "Mentoring (§4.3)",
    "评先评优与考核（§四.四、§四.五）": "Awards and appraisal (§4.4, §4.5)",
    "本级设定": "Set at this level",
    "授予 %(user)s 管理本总工会的权限": "Granted %(user)s the rights to manage this federation",
    "撤销管理权限": "Revoke management rights",
    "撤销 %(user)s 管理本总工会的权限": "Revoked the rights of %(user)s to manage this federation",
}

# --- the .po plumbing (stdlib only) -----------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[A-Za-z_]\w*\}")
_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def unquote(literal: str) -> str:
    """Return the text of one C-quoted .po string literal."""
    body = literal.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


def quote(text: str) -> str:
    """Return text as one C-quoted .po string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return '"' + escaped.replace("\n", "\\n") + '"'


def parse_block(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Split one entry into its comment lines and its keyword → text fields."""
    comments, fields, current = [], {}, None
    for line in lines:
        if line.startswith("#"):
            comments.append(line)
            continue
        match = _KEYWORD.match(line)
        if match:
            current = match.group(1)
            fields[current] = unquote(match.group(2))
        elif line.startswith('"') and current:
            fields[current] += unquote(line)
    return comments, fields


def placeholders(text: str) -> list[str]:
    """Return the sorted format placeholders of text."""
    return sorted(_PLACEHOLDER.findall(text))


def fill_header(comments: list[str], fields: dict[str, str]) -> list[str]:
    """Return the header entry with our fields set and no fuzzy flag."""
    pairs = [line.split(":", 1) for line in fields.get("msgstr", "").splitlines() if ":" in line]
    values = {key.strip(): value.strip() for key, value in pairs}
    values.update(HEADER)
    if values.get("PO-Revision-Date", "YEAR").startswith("YEAR"):
        values["PO-Revision-Date"] = values.get("POT-Creation-Date", "")
    kept = [c for c in comments if not c.startswith("#,") and "SOME DESCRIPTIVE TITLE" not in c]
    kept = [c for c in kept if "FIRST AUTHOR" not in c and "PACKAGE package" not in c]
    kept = [c for c in kept if "PACKAGE'S COPYRIGHT" not in c and c != HEADER_COMMENT]
    head = [HEADER_COMMENT]
    body = ['msgid ""', 'msgstr ""'] + [quote(f"{k}: {v}\n") for k, v in values.items()]
    return head + [c for c in kept if c.strip() != "#"] + body


def fill(text: str) -> tuple[str, list[str], list[str]]:
    """Return the filled catalogue, the msgids left untranslated, and placeholder errors."""
    out, missing, errors = [], [], []
    for block in text.strip("\n").split("\n\n"):
        lines = block.split("\n")
        comments, fields = parse_block(lines)
        msgid = fields.get("msgid")
        obsolete = all(line.startswith("#~") for line in lines if line.strip())
        if msgid is None or obsolete:
            out.append(block)
            continue
        if msgid == "":
            out.append("\n".join(fill_header(comments, fields)))
            continue
        english = TRANSLATIONS.get(msgid)
        plural = "msgid_plural" in fields
        flags = [c for c in comments if c.startswith("#,")]
        fuzzy = any("fuzzy" in f for f in flags)
        if english is None:
            done = all(v for k, v in fields.items() if k.startswith("msgstr"))
            if not done or fuzzy:
                missing.append(msgid)
            out.append(block)
            continue
        if plural != isinstance(english, tuple):
            errors.append(f"{msgid!r}: plural entry needs a (singular, plural) pair and vice versa")
            out.append(block)
            continue
        forms = list(english) if plural else [english]
        wanted = placeholders(fields["msgid_plural"] if plural else msgid)
        for form in forms:
            # English singulars may drop the count only if the msgid never had one.
            if placeholders(form) != wanted:
                errors.append(f"{msgid!r}: placeholders {placeholders(form)} != {wanted}")
        current = [fields.get(f"msgstr[{i}]") for i in range(2)] if plural else [fields["msgstr"]]
        if current == forms and not fuzzy:
            out.append(block)
            continue
        new_comments = []
        for comment in comments:
            if comment.startswith("#,"):
                kept = [f.strip() for f in comment[2:].split(",") if f.strip() != "fuzzy"]
                if kept:
                    new_comments.append("#, " + ", ".join(kept))
            elif not comment.startswith("#|"):  # previous msgid of a fuzzy match
                new_comments.append(comment)
        body = [line for line in lines if not line.startswith("#")]
        head_end = next(i for i, line in enumerate(body) if line.startswith("msgstr"))
        if plural:
            msgstr = [f"msgstr[{i}] {quote(form)}" for i, form in enumerate(forms)]
        else:
            msgstr = [f"msgstr {quote(forms[0])}"]
        out.append("\n".join(new_comments + body[:head_end] + msgstr))
    return "\n\n".join(out) + "\n", missing, errors


def main() -> int:
    text = PO_PATH.read_text(encoding="utf-8")
    filled, missing, errors = fill(text)
    PO_PATH.write_text(filled, encoding="utf-8")
    if shutil.which("msgcat"):  # wrap lines as makemessages does, so its next run changes nothing
        subprocess.run(["msgcat", "--output-file", str(PO_PATH), str(PO_PATH)], check=True)
    known = {parse_block(block.split("\n"))[1].get("msgid") for block in text.split("\n\n")}
    unused = sorted(set(TRANSLATIONS) - known)
    for error in errors:
        print("placeholder mismatch:", error, file=sys.stderr)
    for msgid in missing:
        print("untranslated:", repr(msgid), file=sys.stderr)
    if unused:
        print(f"{len(unused)} glossary entries no longer in the catalogue (kept for reuse).")
    print(f"{PO_PATH}: {len(missing)} untranslated, {len(errors)} placeholder errors.")
    return 1 if missing or errors else 0


if __name__ == "__main__":
    sys.exit(main())
