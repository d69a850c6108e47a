"""Every play button goes through the player bar: no page plays audio on its own."""

import re

from django.urls import reverse

from studio.models import Asset, AssetKind
from tests.factories import make_song


def audio_tags(html: str) -> list[str]:
    return re.findall(r"<audio\b[^>]*>", html)


def test_library_cards_play_through_the_bar(team, viewer_client):
    song = make_song(team.workspace, team.owner, title="Bar Tune")
    html = viewer_client.get(reverse("library:library")).content.decode()
    assert audio_tags(html) == ['<audio id="player-audio" preload="none">']
    assert 'hx-preserve="true"' in html
    assert 'hx-boost="true"' in html
    card = html[html.index(f'id="song-{song.id}"') :]
    assert f'data-song="{song.id}" data-title="Bar Tune"' in card
    # The bar builds each card song's addresses from its id with these patterns.
    pattern = reverse("library:song_media", args=[song.id, "audio"]).replace(str(song.id), "{id}")
    assert f'data-song-audio="{pattern}"' in html
    for what in ("play", "next", "queue"):
        assert f'data-player="{what}"' in card


def test_song_page_has_one_player(team, owner_client):
    song = make_song(team.workspace, team.owner)
    Asset.objects.create(song=song, workspace=team.workspace, kind=AssetKind.STEM, label="Drums")
    html = owner_client.get(reverse("library:song", args=[song.id])).content.decode()
    assert audio_tags(html) == ['<audio id="player-audio" preload="none">']
    assert 'id="play-toggle" data-player="play"' in html
    assert 'aria-label="Play the Drums stem"' in html


def test_no_bar_when_logged_out(client):
    html = client.get(reverse("login")).content.decode()
    assert 'id="player"' not in html
