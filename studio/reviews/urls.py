from django.urls import path

from studio.reviews import posting
from studio.reviews import views as reviews

app_name = "reviews"

urlpatterns = [
    path("songs/<uuid:song_id>/comments/", posting.comment_post, name="comment_post"),
    path("songs/<uuid:song_id>/review-status/", reviews.review_status, name="review_status"),
    path("comments/<uuid:comment_id>/resolve/", reviews.comment_resolve, name="comment_resolve"),
    path("mentions/", reviews.mention_list, name="mention_list"),
    path("mentions/read/", reviews.mentions_read, name="mentions_read"),
]
