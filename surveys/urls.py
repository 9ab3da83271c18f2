"""Pages under /o/<org_slug>/ (included by portal.urls)."""

from django.urls import path

from .views import export, manage, owner, results

app_name = "surveys"
M = "surveys/manage/<int:pk>/"
urlpatterns = [
    path("surveys/", owner.survey_list, name="list"),
    path("surveys/<int:pk>/", owner.answer, name="answer"),
    path("surveys/manage/", manage.manage_list, name="manage-list"),
    path("surveys/manage/new/", manage.survey_new, name="manage-new"),
    path("surveys/manage/from-template/", manage.from_template, name="manage-from-template"),
    path(M, manage.builder, name="manage-builder"),
    path(M + "questions/new/", manage.question_edit, name="manage-question-new"),
    path(M + "questions/<int:question_pk>/", manage.question_edit, name="manage-question"),
    path(M + "questions/<int:question_pk>/delete/", manage.question_delete,
         name="manage-question-delete"),
    path(M + "questions/<int:question_pk>/move/", manage.question_move,
         name="manage-question-move"),
    path(M + "preview/", manage.preview, name="manage-preview"),
    path(M + "duplicate/", manage.duplicate, name="manage-duplicate"),
    path(M + "schedule/", manage.schedule, name="manage-schedule"),
    path(M + "close/", manage.close, name="manage-close"),
    path(M + "results/", results.results, name="manage-results"),
    path(M + "results/rate/", results.rate_fragment, name="manage-rate"),
    path(M + "export.csv", export.export_csv, name="manage-export-csv"),
    path(M + "export.xlsx", export.export_xlsx, name="manage-export-xlsx"),
]
