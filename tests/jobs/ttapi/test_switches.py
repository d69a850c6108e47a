import pytest

from contract.producer import Action
from studio.jobs.ttapi.switches import disabled_actions, disabled_reason, is_enabled


def test_everything_enabled_by_default(settings):
    settings.TTAPI_DISABLED_ACTIONS = []  # its default in producer_site/settings.py
    assert all(is_enabled(action) for action in Action)
    assert disabled_actions() == {}


@pytest.mark.parametrize(
    "value",
    [
        ["variation", "vocals-swap"],
        ("variation", "VOCALS_SWAP"),
        "variation,vocals-swap",
        " variation , vocals_swap ",
        [Action.VARIATION, Action.VOCALS_SWAP],
    ],
)
def test_list_forms(settings, value):
    settings.TTAPI_DISABLED_ACTIONS = value
    assert not is_enabled(Action.VARIATION)
    assert not is_enabled("vocals-swap")
    assert is_enabled(Action.INSTRUMENTALS_SWAP)
    assert disabled_reason("variation") == "Variation is switched off on this studio."
    assert disabled_reason(Action.COVER) is None


def test_mapping_gives_the_reason(settings):
    settings.TTAPI_DISABLED_ACTIONS = {"instrumentals-swap": "Retired by the provider in 2026."}
    assert disabled_reason(Action.INSTRUMENTALS_SWAP) == "Retired by the provider in 2026."
    assert is_enabled(Action.VOCALS_SWAP)


def test_video_alias_and_unknown_names_ignored(settings):
    settings.TTAPI_DISABLED_ACTIONS = ["video", "teleport", ""]
    assert not is_enabled(Action.VIDEO)
    assert set(disabled_actions()) == {"generate-video"}
