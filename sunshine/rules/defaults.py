"""Default values of every versioned setting, with the source and legal range of each.

Administrators override a value per county from a date on; code reads the
value in force through ``sunshine.rules.values.get_setting`` and never
copies a number from here. Each default's ``check`` (``sunshine.rules.schema``)
bounds the values a new version may take. A statutory period may be
shortened by a county but never made longer than its statute allows, and
its unit stays the statute's.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sunshine.rules.schema import (
    Check,
    Choice,
    ChoiceList,
    Flag,
    Number,
    Period,
    ReplyTemplates,
    Text,
    Whole,
    WholeList,
    WholeMap,
)


@dataclass(frozen=True)
class Default:
    value: Any
    description: str | Promise
    source: str | Promise
    check: Check


DEFAULTS: dict[str, Default] = {
    "funds.low_arrival_rate": Default(
        Decimal("0.60"),
        _("A project whose arrival rate is below this share is shown as under-funded."),
        _("Platform default; set per county by the finance bureau."),
        check=Number(Decimal("0"), Decimal("1")),
    ),
    "funds.low_spend_rate": Default(
        Decimal("0.30"),
        _("A project that has received funds but spent less than this share is shown as slow to spend."),
        _("Platform default; idle funds under Budget Law art. 42 and its implementing regulation art. 50."),
        check=Number(Decimal("0"), Decimal("1")),
    ),
    "funds.idle_months": Default(
        6,
        _("Months after the first arrival before a low spend rate counts as idle funds."),
        _("Platform default; set per county."),
        check=Whole(1, 60),
    ),
    "assets.disclosure_days": Default(
        5,
        _("Days after a collective asset disposal is decided within which it must be disclosed."),
        _("Zhejiang Rural Collective Assets Regulation (2020) art. 25: major financial matters within 5 days."),
        check=Whole(1, 5),
    ),
    "assets.objection_days": Default(
        15,
        _("Minimum days a disposal or its appraisal stays public for objections."),
        _("Zhejiang Rural Collective Assets Regulation (2020) arts. 20 and 37: at least 15 days."),
        check=Whole(15, 90),
    ),
    "portal.max_search_results": Default(
        50,
        _("Projects listed on one page of the public search."),
        _("Platform default."),
        check=Whole(1, 500),
    ),
}

# Citizen reports and petitions. A period is {"count": n, "unit": "days"} for
# calendar days or {"count": n, "unit": "workdays"} for working days on the
# official holiday calendar (sunshine.petitions.workdays).
PETITION_DEFAULTS: dict[str, Default] = {
    "petitions.transfer_days": Default(
        {"count": 15, "unit": "days"},
        _("Period after registration within which the petition office transfers or assigns a petition to the unit competent to handle it."),
        _("Petition Work Regulation (2022) art. 22: within 15 days of registration."),
        check=Period(1, 15, ("days",)),
    ),
    "petitions.accept_notice_days": Default(
        {"count": 15, "unit": "days"},
        _("Period after receipt within which the handling unit tells the reporter in writing whether the petition is accepted."),
        _("Petition Work Regulation (2022) art. 23 paras. 2 and 3: written notice within 15 days of receipt."),
        check=Period(1, 15, ("days",)),
    ),
    "petitions.referral_objection_days": Default(
        {"count": 5, "unit": "workdays"},
        _("Period after receiving a transferred or assigned petition within which the unit may object that it is not competent."),
        _("Petition Work Regulation (2022) art. 23 para. 3: objection with reasons within 5 working days of receipt."),
        check=Period(1, 5, ("workdays",)),
    ),
    "petitions.handle_days": Default(
        {"count": 60, "unit": "days"},
        _("Period after acceptance within which a request or suggestion is handled and answered in writing."),
        _("Petition Work Regulation (2022) art. 34: within 60 days of acceptance (set there for requests under art. 31 item 6; the platform applies it to suggestions too)."),
        check=Period(1, 60, ("days",)),
    ),
    "petitions.accusation_handle_days": Default(
        {"count": 60, "unit": "days"},
        _("Period after acceptance within which a report (accusation) is handled."),
        _("Platform default: the discipline-inspection rules for reports set no overall handling period, so this follows Petition Work Regulation art. 34; confirm with the county commission."),
        check=Period(1, 90),
    ),
    "petitions.extension_max_days": Default(
        {"count": 30, "unit": "days"},
        _("Longest extension of the handling period, approved by the unit's leader and explained to the reporter."),
        _("Petition Work Regulation (2022) art. 34: extension of at most 30 days, with the reason told to the reporter."),
        check=Period(1, 30, ("days",)),
    ),
    "petitions.extension_max_count": Default(
        1,
        _("Number of extensions one petition may receive."),
        _("Petition Work Regulation (2022) art. 34 allows one extension."),
        check=Whole(0, 1),
    ),
    "petitions.review_request_days": Default(
        {"count": 30, "unit": "days"},
        _("Period after the reporter receives the written reply within which a review may be requested."),
        _("Petition Work Regulation (2022) art. 35: within 30 days of receiving the written reply."),
        check=Period(30, 30, ("days",)),
    ),
    "petitions.review_decision_days": Default(
        {"count": 30, "unit": "days"},
        _("Period after receiving a review request within which the reviewing body answers in writing."),
        _("Petition Work Regulation (2022) art. 35: review opinion within 30 days of receiving the request."),
        check=Period(1, 30, ("days",)),
    ),
    "petitions.re_review_request_days": Default(
        {"count": 30, "unit": "days"},
        _("Period after the reporter receives the review opinion within which a re-review may be requested."),
        _("Petition Work Regulation (2022) art. 36: within 30 days of receiving the review opinion."),
        check=Period(30, 30, ("days",)),
    ),
    "petitions.re_review_decision_days": Default(
        {"count": 30, "unit": "days"},
        _("Period after receiving a re-review request within which the re-reviewing body answers in writing."),
        _("Petition Work Regulation (2022) art. 36: re-review opinion within 30 days; hearing time is not counted."),
        check=Period(1, 30, ("days",)),
    ),
    "petitions.accusation_accept_days": Default(
        {"count": 5, "unit": "workdays"},
        _("Period after receipt within which a report (accusation) is accepted or transferred."),
        _("Rules of discipline inspection and supervision organs on handling reports (2020) art. 16: within 5 working days of receipt."),
        check=Period(1, 5, ("workdays",)),
    ),
    "petitions.accusation_notice_days": Default(
        {"count": 15, "unit": "workdays"},
        _("Period after receipt within which a real-name reporter is told whether the report was accepted."),
        _("Rules of discipline inspection and supervision organs on handling reports (2020), real-name reports: within 15 working days of receipt."),
        check=Period(1, 15, ("workdays",)),
    ),
    "petitions.accusation_feedback_days": Default(
        {"count": 15, "unit": "workdays"},
        _("Period after a report (accusation) is closed within which a real-name reporter is told the result."),
        _("Rules of discipline inspection and supervision organs on handling reports (2020), real-name reports: within 15 working days of closing."),
        check=Period(1, 15, ("workdays",)),
    ),
    "petitions.zhejiang_accept_warning_days": Default(
        {"count": 5, "unit": "workdays"},
        _("Internal target, not a legal deadline: decide on acceptance within this period; later decisions are flagged."),
        _("Zhejiang Petition Regulation (2016) art. 20: decision within 5 working days; kept as a warning line because the national regulation of 2022 sets 15 days."),
        check=Period(1, 15),
    ),
    "petitions.zhejiang_handle_warning_days": Default(
        {"count": 30, "unit": "days"},
        _("Internal target, not a legal deadline: handle an accepted petition within this period; later replies are flagged."),
        _("Zhejiang Petition Regulation (2016) art. 23: generally within 30 days; kept as a warning line because the national regulation of 2022 sets 60 days."),
        check=Period(1, 60),
    ),
    "petitions.end_on_holiday_moves": Default(
        True,
        _("Whether a calendar-day period that ends on a rest day or public holiday ends on the next working day instead."),
        _("Civil Code art. 203: when the last day of a period is a statutory holiday, the day after the holiday is the last day."),
        check=Flag(),
    ),
    "petitions.due_soon_days": Default(
        3,
        _("Calendar days before a deadline from which the petition is shown as due soon."),
        _("Platform default."),
        check=Whole(0, 30),
    ),
    "petitions.repeat_window_days": Default(
        90,
        _("Days within which a new petition from the same phone number about the same category and target is linked as a repeat."),
        _("Platform default; Petition Work Regulation (2022) art. 19 para. 3 on the same matter."),
        check=Whole(1, 730),
    ),
    "petitions.tracking_max_failures_per_ip": Default(
        20,
        _("Failed tracking look-ups from one client address before further look-ups from it are refused for the lockout period."),
        _("Platform default."),
        # The high maximum lets a load test send every request from one address.
        check=Whole(1, 1_000_000),
    ),
    "petitions.tracking_max_failures_per_code": Default(
        5,
        _("Failed look-ups of one tracking code from one client address before that address is locked out of the code for the lockout period; as many failures from anywhere lock the code for every address that failed it."),
        _("Platform default."),
        check=Whole(1, 100),
    ),
    "petitions.tracking_max_failures_under_attack": Default(
        2,
        _("Failed look-ups of a tracking code from one client address that lock the address out of the code while the code has reached its limit of failures from anywhere."),
        _("Platform default: one typing error of the reporter is forgiven while others guess at the code."),
        check=Whole(1, 100),
    ),
    "petitions.tracking_lockout_minutes": Default(
        15,
        _("Minutes that failed tracking look-ups are counted and a lockout lasts."),
        _("Platform default."),
        check=Whole(1, 1440),
    ),
}
DEFAULTS.update(PETITION_DEFAULTS)

# The public report form, the tracking page, the staff pages and Open311.
PETITION_WEB_DEFAULTS: dict[str, Default] = {
    "petitions.evidence_max_bytes": Default(
        10 * 1024 * 1024,
        _("Largest evidence file, in bytes, that a reporter or staff member may attach to a petition."),
        _("Platform default: a phone photo is 2 to 8 MB."),
        check=Whole(1024, 50 * 1024 * 1024),
    ),
    "petitions.evidence_max_files": Default(
        5,
        _("Most evidence files attached to a petition in one submission."),
        _("Platform default."),
        check=Whole(1, 20),
    ),
    "petitions.intake_max_per_ip": Default(
        10,
        _("Reports accepted from one client address within the intake window; later ones are refused until the window ends."),
        _("Platform default against automated submissions."),
        # The high maximum lets a load test send every request from one address.
        check=Whole(1, 1_000_000),
    ),
    "petitions.intake_window_minutes": Default(
        60,
        _("Minutes over which reports from one client address are counted."),
        _("Platform default."),
        check=Whole(1, 1440),
    ),
    "petitions.reporter_data_retention_years": Default(
        5,
        _("Years after a petition is closed after which the purge_reporter_data command deletes the reporter's name and phone; shown in the privacy notice."),
        _("Platform default to be confirmed against the archive period of petition files; Personal Information Protection Law art. 19 asks for the shortest period the purpose needs."),
        check=Whole(1, 30),
    ),
    "petitions.received_on_max_age_days": Default(
        365,
        _("Days before today from which staff may enter the date a petition was received; an older date is rejected."),
        _("Platform rule, not a statute: a petition entered more than a year after it arrived is taken for a typing error in the date."),
        check=Whole(1, 3650),
    ),
    "petitions.reply_delivery_max_age_days": Default(
        7,
        _("Days before the day a reply is recorded on which it may have been delivered; an earlier delivery date is rejected."),
        _("Platform rule, not a statute: the reporter's 30 days for asking a review count from delivery (Petition Work Regulation art. 35), so a reply recorded long after a stated delivery would leave the reporter little or no time."),
        check=Whole(0, 60),
    ),
    "petitions.reply_templates": Default(
        [
            {"title": "支持", "title_en": "Support", "outcome": "support",
             "text": "您反映的问题经调查核实属实。我们已责成有关单位限期整改，整改结果将另行告知。感谢您对我们工作的监督。"},
            {"title": "解释说明", "title_en": "Explain", "outcome": "explain",
             "text": "您反映的问题经调查核实，情况如下：\n\n有关做法符合现行规定，现予解释说明。如对本答复不服，可在收到本答复后的法定期限内向上一级机关申请复查。"},
            {"title": "不予支持", "title_en": "Reject", "outcome": "reject",
             "text": "您反映的问题经调查核实，情况如下：\n\n依据有关规定，您的请求不予支持。如对本答复不服，可在收到本答复后的法定期限内向上一级机关申请复查。"},
            {"title": "建议采纳", "title_en": "Suggestion adopted", "outcome": "",
             "text": "感谢您提出的建议。经研究，我们将在今后的工作中予以参考采纳。"},
        ],
        _("Reply templates offered on the staff reply form: a list of {\"title\", \"title_en\", \"outcome\", \"text\"}; title_en is shown on English pages and may be left out; outcome is support, explain, reject or empty."),
        _("Platform default; a request's written reply states one of the three conclusions of Petition Work Regulation (2022) art. 32."),
        check=ReplyTemplates(),
    ),
}
DEFAULTS.update(PETITION_WEB_DEFAULTS)

# OCDS import and export.
OCDS_DEFAULTS: dict[str, Default] = {
    "ocds.default_region": Default(
        "331000",
        _("Region code given to projects imported from OCDS when the import names none, because OCDS data carries no Chinese region."),
        _("Platform default: the city of Taizhou, so staff can move each project to its county or village."),
        check=Text(6, 12, "0123456789", _("digits")),
    ),
    "ocds.ocid_prefix": Default(
        "ocds-sunshine",
        _("Prefix of the OCDS ocid written for projects that were not imported from OCDS."),
        _("Platform default; OCDS asks publishers to register their own prefix with the Open Contracting Partnership and use it instead."),
        check=Text(1, 60, "abcdefghijklmnopqrstuvwxyz0123456789-",
                   _("lower-case letters, digits and hyphens")),
    ),
}
DEFAULTS.update(OCDS_DEFAULTS)

# Petition figures, supervision days and reporter reward points.
PETITION_OPS_DEFAULTS: dict[str, Default] = {
    "petitions.backlog_age_buckets": Default(
        [15, 30, 60],
        _("Upper ends, in days since receipt, of the age groups the petition backlog is counted in; the last group holds everything older."),
        _("Platform default: the 15-day notice period and the 30- and 60-day handling periods of the Zhejiang (2016) and national (2022) petition regulations."),
        check=WholeList(1, 3650, 10, ascending=True),
    ),
    "petitions.rating_points": Default(
        {"satisfied": 5, "partly": 3, "dissatisfied": 1},
        _("Score on the 1-5 scale that an answer rated only on three levels (without a 1-5 score) counts as in the average rating."),
        _("Platform default: the top, middle and bottom of the reporter's 1-5 scale."),
        check=WholeMap(("satisfied", "partly", "dissatisfied"), 1, 5, descending=True),
    ),
    "petitions.figures_period_months": Default(
        12,
        _("Months up to today that petition figures cover when no period is chosen."),
        _("Platform default."),
        check=Whole(1, 60),
    ),
    "petitions.public_statistics_cutoff": Default(
        "month",
        _("How far behind the public petition statistics run: \"month\" counts up to the start of the current month, \"day\" up to the start of today. Figures that changed with every petition would let a unit compare them with its own and learn when a report (accusation) about it was filed."),
        _("Platform default, like the reward list, which is also published once a month."),
        check=Choice(("month", "day")),
    ),
    "supervision.registrations_per_phone": Default(
        1,
        _("Registrations one phone number may make for one supervision day."),
        _("Platform default, so that places go to as many citizens as possible."),
        check=Whole(1, 10),
    ),
    "supervision.registrations_max_per_ip": Default(
        5,
        _("Supervision day registrations accepted from one client address within the registration window; later ones are refused until the window ends."),
        _("Platform default against one client booking every place; a family or village office sharing one address can still register several citizens."),
        check=Whole(1, 1000),
    ),
    "supervision.registration_window_minutes": Default(
        60,
        _("Minutes over which supervision day registrations from one client address are counted."),
        _("Platform default."),
        check=Whole(1, 1440),
    ),
    "supervision.default_capacity": Default(
        30,
        _("Registration places offered for a new supervision day unless the planner enters another number."),
        _("Platform default."),
        check=Whole(1, 1000),
    ),
    "supervision.plan_ahead_days": Default(
        730,
        _("Days from today within which a supervision day may be planned or moved."),
        _("Platform default: townships publish their monthly days for the year ahead, so a date further out is taken for a typing error."),
        check=Whole(1, 1095),
    ),
    "supervision.registrant_data_retention_days": Default(
        90,
        _("Days after a supervision day after which the purge_reporter_data command deletes the names and phones of the citizens who registered for it."),
        _("Platform default to be confirmed by the county: a registration serves only the day itself, and a matter raised there is kept as a petition with its own reporter data. Personal Information Protection Law art. 19 asks for the shortest period the purpose needs."),
        check=Whole(1, 3650),
    ),
    "rewards.points_accusation": Default(
        {"true": 20, "partly_true": 10},
        _("Reward points for a report (accusation) verified as true or partly true."),
        _("Platform default; rewards for reports verified as true follow the county commission's reward rules, and the reporter's identity stays confidential (commission rules on reports (2020) art. 47)."),
        check=WholeMap(("true", "partly_true"), 0, 1000),
    ),
    "rewards.points_other": Default(
        {"true": 10, "partly_true": 5},
        _("Reward points for a suggestion or request whose facts were verified as true or partly true."),
        _("Platform default."),
        check=WholeMap(("true", "partly_true"), 0, 1000),
    ),
}
DEFAULTS.update(PETITION_OPS_DEFAULTS)

# Directives, duty lists, tasks and progress reports.
DUTY_DEFAULTS: dict[str, Default] = {
    "duties.reminder_days": Default(
        [7, 3, 1],
        _("Days before a task's deadline on which its responsible person is reminded; an overdue task also reminds the lead unit's leaders once."),
        _("Platform default (7, 3 and 1 days)."),
        check=WholeList(0, 366, 10),
    ),
    "duties.evidence_max_bytes": Default(
        10 * 1024 * 1024,
        _("Largest evidence file, in bytes, that a progress report accepts."),
        _("Platform default: 10 MB, enough for a phone photo or a scanned document."),
        check=Whole(1024, 50 * 1024 * 1024),
    ),
    "duties.evidence_max_files": Default(
        10,
        _("Most evidence files one progress report may carry."),
        _("Platform default."),
        check=Whole(1, 50),
    ),
    "duties.evidence_types": Default(
        ["jpeg", "png", "pdf", "docx", "xlsx"],
        _("File types accepted as evidence, detected from the file's content: jpeg, png, pdf, docx, xlsx."),
        _("Platform default: photos, PDF scans and Office documents; executables, scripts, web pages and archives are never accepted."),
        check=ChoiceList(("jpeg", "png", "pdf", "docx", "xlsx")),
    ),
    "duties.quarter_auto_lock_days": Default(
        15,
        _("Days after a quarter ends from which its progress reports are locked, unless an administrator has locked or unlocked the quarter; 0 turns automatic locking off."),
        _("Platform default; set per county to the date its quarterly figures are closed."),
        check=Whole(0, 366),
    ),
    "duties.plan_ahead_days": Default(
        92,
        _("Days ahead of today up to which a monthly, quarterly or yearly duty has its tasks: every period that starts by then gets its task."),
        _("Platform default: the coming quarter, so units see the next periods' tasks without long lists of far-off ones."),
        check=Whole(1, 731),
    ),
    "duties.horizon_warning_days": Default(
        30,
        _("Days ahead of today within which the tasks of a recurring duty running out raises a warning to extend them (sunshine extend_duty_tasks)."),
        _("Platform default."),
        check=Whole(1, 366),
    ),
}
DEFAULTS.update(DUTY_DEFAULTS)

# Staff login failure handling, which GB/T 22239-2019 (等保 2.0) requires
# without fixing numbers: five failures is the usual assessment practice.
AUTH_DEFAULTS: dict[str, Default] = {
    "auth.login_max_failures_per_username": Default(
        5,
        _("Failed logins for one username from one client address within the counting window after which that username is locked for that address; other addresses can still log in with it."),
        _("GB/T 22239-2019 asks for login failure handling that limits failed logins; 5 failures is common assessment practice, not a figure of the standard."),
        check=Whole(1, 100),
    ),
    "auth.login_max_failures_per_address": Default(
        20,
        _("Failed logins from one client address within the counting window after which that address is locked; higher than the per-username limit because an office shares one address."),
        _("Platform default."),
        check=Whole(1, 10000),
    ),
    "auth.login_failure_window_minutes": Default(
        15,
        _("Minutes within which failed logins are counted towards a lock."),
        _("Platform default."),
        check=Whole(1, 1440),
    ),
    "auth.login_lockout_minutes": Default(
        30,
        _("Minutes a locked username or client address cannot log in."),
        _("Platform default."),
        check=Whole(1, 1440),
    ),
}
DEFAULTS.update(AUTH_DEFAULTS)

# The notification outbox.
NOTIFY_DEFAULTS: dict[str, Default] = {
    "notify.max_attempts": Default(
        5,
        _("Delivery attempts of one notification before it is marked as failed."),
        _("Platform default."),
        check=Whole(1, 50),
    ),
    "notify.retry_minutes": Default(
        10,
        _("Minutes before a failed delivery is tried again; each further attempt waits twice as long."),
        _("Platform default."),
        check=Whole(1, 1440),
    ),
    "notify.dingtalk_max_per_minute": Default(
        20,
        _("Messages sent to one DingTalk robot per minute; further messages wait for the next minute."),
        _("DingTalk custom robot documentation: at most 20 messages a minute per robot, beyond which the robot is throttled for 10 minutes."),
        check=Whole(1, 20),
    ),
    "notify.dingtalk_throttle_minutes": Default(
        10,
        _("Minutes no message is sent to a DingTalk robot after DingTalk reported it as sending too fast."),
        _("DingTalk custom robot documentation: a robot over its limit is throttled for 10 minutes."),
        check=Whole(1, 60),
    ),
    "notify.http_timeout_seconds": Default(
        10,
        _("Seconds to wait for a DingTalk webhook to respond before the attempt counts as failed."),
        _("Platform default."),
        check=Whole(1, 120),
    ),
}
DEFAULTS.update(NOTIFY_DEFAULTS)

# Effectiveness assessment: evaluations, deductions, spot checks, surveys and the composite score.
ASSESSMENT_DEFAULTS: dict[str, Default] = {
    "assessment.deduction_threshold": Default(
        Decimal("60"),
        _("A unit whose mean third-party evaluation for a quarter, rounded to one decimal place, is below this score (0-100) gets a performance deduction."),
        _("Platform default; set per county by its assessment office."),
        check=Number(Decimal("0"), Decimal("100")),
    ),
    "assessment.deduction_points": Default(
        Decimal("2"),
        _("Points taken off a unit's composite score for a quarter with a performance deduction."),
        _("Platform default; set per county by its assessment office."),
        check=Number(Decimal("0"), Decimal("100")),
    ),
    "assessment.default_weights": Default(
        {"satisfaction": 50, "execution": 20, "evaluation": 20, "spot_check": 10},
        _("Weights in percent of citizen satisfaction, execution rate, third-party evaluation and spot checks in the composite score, used where no assessment weights were entered; they sum to 100."),
        _("Platform default: citizen satisfaction 50%, the rest split across the other three."),
        check=WholeMap(("satisfaction", "execution", "evaluation", "spot_check"), 0, 100,
                       total=100),
    ),
    "assessment.spot_check_bands": Default(
        {"excellent": 90, "good": 75, "fair": 60},
        _("Lowest spot-check score for the ratings excellent, good and fair; a lower score is rated poor and fails the check."),
        _("Platform default, after the common 优/良/中/差 bands of 90, 75 and 60."),
        check=WholeMap(("excellent", "good", "fair"), 1, 100, descending=True),
    ),
    "assessment.rectification_days": Default(
        30,
        _("Days from a failed spot check to the deadline of the rectification task it creates."),
        _("Platform default."),
        check=Whole(1, 365),
    ),
    "assessment.photo_max_bytes": Default(
        10 * 1024 * 1024,
        _("Largest photo, in bytes, attached to a spot-check result."),
        _("Platform default: a phone photo is 2 to 8 MB."),
        check=Whole(1024, 50 * 1024 * 1024),
    ),
    "assessment.photo_max_files": Default(
        10,
        _("Most photos attached to one spot-check result."),
        _("Platform default."),
        check=Whole(1, 50),
    ),
    "assessment.survey_window_days": Default(
        30,
        _("Days before a quarter starts and after it ends within which a satisfaction survey of "
          "that quarter may open and close."),
        _("Platform default: a survey runs during its quarter or in the month after it, before "
          "the quarter's composite score is settled."),
        check=Whole(0, 92),
    ),
    "assessment.survey_max_per_ip": Default(
        20,
        _("Survey answers accepted from one client address within the survey window; later ones "
          "are refused until the window ends."),
        _("Platform default against floods of invented answers; set above the intake limit "
          "because mobile networks put many phones behind one address."),
        check=Whole(1, 10000),
    ),
    "assessment.survey_window_minutes": Default(
        60,
        _("Minutes over which survey answers from one client address are counted."),
        _("Platform default."),
        check=Whole(1, 1440),
    ),
    "assessment.evaluation_past_quarters": Default(
        4,
        _("Number of quarters before the current one that evaluators may still evaluate or edit; "
          "0 allows only the current quarter."),
        _("Platform default: one year, so a late evaluation cannot rewrite older settled "
          "composite scores."),
        check=Whole(0, 8),
    ),
    "assessment.plan_ahead_days": Default(
        366,
        _("Days ahead of today within which a spot check may be planned."),
        _("Platform default: a check is planned for the coming year at most, so a mistyped "
          "year is caught."),
        check=Whole(1, 731),
    ),
}
DEFAULTS.update(ASSESSMENT_DEFAULTS)

# Merit points: rankings and the promotion-priority list. The point rules
# themselves are versioned rows of sunshine.merit.models.PointRule.
MERIT_DEFAULTS: dict[str, Default] = {
    "merit.ranking_min_sample": Default(
        5,
        _("Fewest persons a unit or region must have before its merit-point ranking is shown; a smaller group is shown as too small to rank."),
        _("Platform default, so that a ranking of two or three people does not single anyone out."),
        check=Whole(1, 1000),
    ),
    "merit.promotion_threshold": Default(
        90,
        _("Merit points in a calendar year from which a person appears on the promotion-priority list."),
        _("Platform default; the list is advice only and sets no official grade."),
        check=Whole(1, 10000),
    ),
    "merit.appeal_days": Default(
        30,
        _("Days after a merit-point entry is posted within which the person concerned may appeal against it; later, only a reviewer's reversal can correct it."),
        _("Platform default, so that a dispute is raised while the facts can still be checked; set per county."),
        check=Whole(1, 365),
    ),
    "merit.excellent_share": Default(
        Decimal("0.20"),
        _("Largest share of the assessed persons that the suggested grading marks as excellent (优秀)."),
        _("Civil Servant Assessment Provisions (2020): excellent grades generally at most 20% of the persons assessed."),
        check=Number(Decimal("0"), Decimal("0.20")),
    ),
    "merit.excellent_share_approved": Default(
        Decimal("0.25"),
        _("Largest share of excellent (优秀) grades in the suggested grading for a unit with a recorded approval."),
        _("Civil Servant Assessment Provisions (2020): at most 25% in special cases, with approval."),
        check=Number(Decimal("0"), Decimal("0.25")),
    ),
}
DEFAULTS.update(MERIT_DEFAULTS)


# Command dashboard.
DASHBOARD_DEFAULTS: dict[str, Default] = {
    "dashboard.ranking_min_due_tasks": Default(
        5,
        _("Units with fewer tasks due in the period are left out of the dashboard's top and "
          "bottom lists by execution rate, because one task would swing their rate."),
        _("Platform default; set per county."),
        check=Whole(1, 1000),
    ),
}
DEFAULTS.update(DASHBOARD_DEFAULTS)
