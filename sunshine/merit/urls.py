from django.urls import path

from sunshine.merit.views import awards, ledger, rankings, reviews

app_name = "merit"
urlpatterns = [
    path("", ledger.my_points, name="mine"),
    path("ledger/", ledger.ledger, name="ledger"),
    path("entries/<int:pk>/", ledger.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/reverse/", ledger.entry_reverse, name="entry_reverse"),
    path("entries/<int:pk>/appeal/", ledger.entry_appeal, name="entry_appeal"),
    path("entries/<int:pk>/exempt/", ledger.entry_exempt, name="entry_exempt"),
    path("exemptions/", reviews.exemption_list, name="exemption_list"),
    path("exemptions/<int:pk>/", reviews.exemption_detail, name="exemption_detail"),
    path("exemptions/<int:pk>/decide/", reviews.exemption_decide, name="exemption_decide"),
    path("appeals/", reviews.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", reviews.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/decide/", reviews.appeal_decide, name="appeal_decide"),
    path("awards/", awards.award_list, name="award_list"),
    path("awards/<int:pk>/", awards.award_detail, name="award_detail"),
    path("awards/<int:pk>/decide/", awards.award_decide, name="award_decide"),
    path("rankings/", rankings.ranking_page, name="rankings"),
    path("promotion/", rankings.promotion_page, name="promotion"),
]
