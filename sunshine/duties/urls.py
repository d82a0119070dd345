from django.urls import path

from sunshine.duties.views import directives, duties, excel, locks, progress, rates, tasks

app_name = "duties"
urlpatterns = [
    path("", directives.directive_list, name="directive_list"),
    path("directives/new/", directives.directive_create, name="directive_create"),
    path("directives/<int:pk>/", directives.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/edit/", directives.directive_edit, name="directive_edit"),
    path("directives/<int:pk>/weights/", directives.directive_weights, name="directive_weights"),
    path("list/", duties.duty_list, name="duty_list"),
    path("list/new/", duties.duty_create, name="duty_create"),
    path("list/<int:pk>/", duties.duty_detail, name="duty_detail"),
    path("list/<int:pk>/edit/", duties.duty_edit, name="duty_edit"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/new/", tasks.task_create, name="task_create"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/weights/", tasks.task_weights, name="task_weights"),
    path("tasks/<int:pk>/cancel/", tasks.task_cancel, name="task_cancel"),
    path("tasks/<int:pk>/milestones/", tasks.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/done/", tasks.milestone_done, name="milestone_done"),
    path("tasks/<int:pk>/report/", progress.report_create, name="report_create"),
    path("reports/", progress.report_list, name="report_list"),
    path("reports/<int:pk>/", progress.report_detail, name="report_detail"),
    path("reports/<int:pk>/approve/", progress.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", progress.report_return, name="report_return"),
    path("evidence/<int:pk>/", progress.evidence_download, name="evidence_download"),
    path("rate/", rates.execution_rate, name="execution_rate"),
    path("locks/", locks.quarter_locks, name="quarter_locks"),
    path("excel/", excel.excel_home, name="excel"),
    path("excel/upload/", excel.excel_upload, name="excel_upload"),
    path("excel/template.xlsx", excel.excel_template, name="excel_template"),
    path("excel/export.xlsx", excel.excel_export, name="excel_export"),
]
