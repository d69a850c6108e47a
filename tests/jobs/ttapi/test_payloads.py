from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contract.engines import Engine
from contract.errors import PayloadInvalid
from contract.producer import DEFAULT_MODELS, FIELDS, FUZZ_MODELS, Action
from studio.jobs.ttapi import engines

PROMPTED = [
    Action.MUSIC,
    Action.EXTEND,
    Action.COVER,
    Action.REPLACE,
    Action.VOCALS_SWAP,
    Action.INSTRUMENTALS_SWAP,
]


def validate(action, params, **kwargs):
    """The Producer API's rules with the studio's configured models."""
    return engines.validate(Engine.PRODUCER, action, params, **kwargs)


def base(action: Action) -> dict:
    """The smallest valid params for each action."""
    params: dict = {}
    if action in PROMPTED:
        params["sound_prompt"] = "warm synth pop"
    if "music_id" in FIELDS[action]:
        params["music_id"] = "989b625f-aaaa"
    if action is Action.LYRICS:
        params["prompt"] = "a song about rain"
    if action is Action.DOWNLOAD:
        params["format"] = "mp3"
    if action is Action.UPLOAD:
        params["audio_url"] = "https://example.com/a.mp3"
    return params


def errors_of(action, params, **kwargs) -> dict:
    with pytest.raises(PayloadInvalid) as info:
        validate(action, params, **kwargs)
    return info.value.errors


@pytest.mark.parametrize("action", list(Action))
def test_smallest_valid_params_pass(action):
    payload = validate(action, base(action))
    assert set(payload) <= set(FIELDS[action])


def test_every_action_has_fields():
    assert set(FIELDS) == set(Action)
    assert len(FUZZ_MODELS) == 8
    assert DEFAULT_MODELS[:8] == FUZZ_MODELS
    assert DEFAULT_MODELS[8:] == ("Lyria 3 preview",)


def test_music_cleaned_exactly_as_sent():
    payload = validate(
        "music",
        {
            "sound_prompt": "  lo-fi beats  ",
            "lyrics_text": "",
            "title": "   ",
            "seed": 1680274481,
            "lyrics_strength": "0.4",
            "sound_strength": 1,
            "weirdness": 0,
            "instrumental": "true",
            "is_storage": False,
            "mv": "FUZZ-2.0 Raw",
            "cover_art_url": None,
            "hook_url": "https://studio.example/hooks/abc/def",
        },
    )
    assert payload == {
        "sound_prompt": "lo-fi beats",
        "instrumental": True,
        "mv": "FUZZ-2.0 Raw",
        "seed": "1680274481",
        "lyrics_strength": 0.4,
        "sound_strength": 1.0,
        "weirdness": 0.0,
        "is_storage": False,
        "hook_url": "https://studio.example/hooks/abc/def",
    }
    assert isinstance(payload["sound_strength"], float)
    assert isinstance(payload["weirdness"], float)


def test_action_accepts_enum_and_value():
    assert validate(Action.VOCALS_SWAP, base(Action.VOCALS_SWAP)) == validate(
        "vocals-swap", base(Action.VOCALS_SWAP)
    )


def test_unknown_action():
    assert "action" in errors_of("remix", {})


@pytest.mark.parametrize("action", PROMPTED)
def test_prompt_or_lyrics_required(action):
    params = base(action)
    del params["sound_prompt"]
    errors = errors_of(action, {**params, "sound_prompt": "  ", "lyrics_text": ""})
    assert "sound_prompt" in errors
    assert "lyrics_text" in errors
    assert validate(action, {**params, "lyrics_text": "la la la"})["lyrics_text"] == "la la la"


@pytest.mark.parametrize("action", [Action.VARIATION, Action.STEMS, Action.DOWNLOAD])
def test_prompt_rule_only_where_the_contract_says(action):
    params = base(action)
    assert "sound_prompt" not in params
    # No prompt and no lyrics, and still valid: these actions take neither.
    assert "sound_prompt" not in validate(action, params)


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("lyrics_strength", [0, 0.5, 1, "1.0"], [-0.01, 1.01, "x", True, float("nan")]),
        ("sound_strength", [0.2, "0.7", 1], [0.19, 0, 1.5, float("inf")]),
        ("weirdness", [0, 1, 0.33], [-1, 2, "abc", {}]),
    ],
)
def test_sliders(field, good, bad):
    for value in good:
        assert validate("music", {"sound_prompt": "x", field: value})[field] == float(value)
    for value in bad:
        assert field in errors_of("music", {"sound_prompt": "x", field: value}), value


@pytest.mark.parametrize("action", [Action.VOCALS_SWAP, Action.INSTRUMENTALS_SWAP])
def test_cover_strength_on_swaps(action):
    assert validate(action, {**base(action), "cover_strength": "0.2"})["cover_strength"] == 0.2
    assert "cover_strength" in errors_of(action, {**base(action), "cover_strength": 0.1})
    assert "cover_strength" in errors_of(action, {**base(action), "cover_strength": 1.1})


@pytest.mark.parametrize("action", [Action.MUSIC, Action.COVER, Action.EXTEND])
def test_cover_strength_only_on_swaps(action):
    assert "cover_strength" in errors_of(action, {**base(action), "cover_strength": 0.5})


def test_models_default_to_the_eight_fuzz_models_and_lyria_3_preview():
    for name in DEFAULT_MODELS:
        assert validate("music", {"sound_prompt": "x", "mv": name})["mv"] == name
    assert "mv" in errors_of("music", {"sound_prompt": "x", "mv": "FUZZ-3.0"})
    assert "mv" in errors_of("music", {"sound_prompt": "x", "mv": "fuzz-2.0"})


def test_models_from_settings(settings):
    settings.TTAPI_MODELS = ["Lyria 3"]
    assert validate("music", {"sound_prompt": "x", "mv": "Lyria 3"})["mv"] == "Lyria 3"
    assert "mv" in errors_of("music", {"sound_prompt": "x", "mv": "FUZZ-2.0"})


def test_models_passed_explicitly():
    assert validate("music", {"sound_prompt": "x", "mv": "M1"}, models=["M1"])["mv"] == "M1"
    assert "mv" in errors_of("music", {"sound_prompt": "x", "mv": "FUZZ-2.0"}, models=["M1"])


def test_download_format():
    assert validate("download", {"music_id": "m", "format": "wav"})["format"] == "wav"
    assert "format" in errors_of("download", {"music_id": "m", "format": "flac"})
    assert "format" in errors_of("download", {"music_id": "m"})


def test_video_preset():
    assert validate("generate-video", {"music_id": "m"}) == {"music_id": "m"}
    for preset in ("modern", "player", "simple"):
        assert validate("generate-video", {"music_id": "m", "preset": preset})["preset"] == preset
    assert "preset" in errors_of("generate-video", {"music_id": "m", "preset": "fancy"})


@pytest.mark.parametrize("starts", [30.01, "30.01", ["30.01"], [30.01], ("30.01",)])
def test_replace_starts_loosely(starts):
    payload = validate("replace", {**base(Action.REPLACE), "starts": starts, "ends": 45})
    assert payload["starts"] == 30.01
    assert payload["ends"] == 45.0


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        (30, 30, "ends"),
        (30, 10, "ends"),
        (None, 0, "ends"),
        (-1, 10, "starts"),
        (0, -5, "ends"),
        (["1", "2"], 10, "starts"),
        ("soon", 10, "starts"),
    ],
)
def test_replace_bad_ranges(starts, ends, field):
    assert field in errors_of("replace", {**base(Action.REPLACE), "starts": starts, "ends": ends})


def test_replace_ends_optional_and_starts_alone():
    payload = validate("replace", {**base(Action.REPLACE), "starts": 12, "ends": ""})
    assert payload["starts"] == 12.0
    assert "ends" not in payload
    assert "starts" not in validate("replace", base(Action.REPLACE))


def test_extend_starts_default_and_bounds():
    assert validate("extend", base(Action.EXTEND))["starts"] == 30.0
    assert validate("extend", {**base(Action.EXTEND), "starts": "0"})["starts"] == 0.0
    assert validate("extend", {**base(Action.EXTEND), "starts": ["12.5"]})["starts"] == 12.5
    assert "starts" in errors_of("extend", {**base(Action.EXTEND), "starts": -0.5})


@pytest.mark.parametrize(
    "action",
    [
        Action.EXTEND,
        Action.COVER,
        Action.VARIATION,
        Action.REPLACE,
        Action.VOCALS_SWAP,
        Action.INSTRUMENTALS_SWAP,
        Action.STEMS,
        Action.DOWNLOAD,
        Action.VIDEO,
    ],
)
def test_parent_actions_need_music_id(action):
    params = base(action)
    del params["music_id"]
    assert "music_id" in errors_of(action, params)
    assert "music_id" in errors_of(action, {**params, "music_id": "   "})
    assert "music_id" in errors_of(action, {**params, "music_id": 42})


def test_upload_audio_url():
    url = " https://cdn.example.com/song.wav "
    assert validate("upload", {"audio_url": url}) == {"audio_url": url.strip()}
    for bad in ["ftp://x/a.mp3", "not a url", "https://", "/media/a.mp3", "javascript:alert(1)"]:
        assert "audio_url" in errors_of("upload", {"audio_url": bad}), bad
    assert "audio_url" in errors_of("upload", {})
    long = "https://example.com/" + "a" * 2000
    assert "audio_url" in errors_of("upload", {"audio_url": long})


@pytest.mark.parametrize("field", ["cover_art_url", "hook_url"])
def test_optional_urls(field):
    assert field in errors_of("music", {"sound_prompt": "x", field: "file:///etc/passwd"})
    ok = "http://127.0.0.1:8000/hooks/x"
    assert validate("music", {"sound_prompt": "x", field: ok})[field] == ok


def test_lyrics_prompt():
    assert validate("lyrics", {"prompt": " rain "}) == {"prompt": "rain"}
    assert "prompt" in errors_of("lyrics", {})
    assert "prompt" in errors_of("lyrics", {"prompt": "x" * 1001})
    validate("lyrics", {"prompt": "x" * 1000})


@pytest.mark.parametrize(
    ("field", "limit"), [("title", 200), ("sound_prompt", 1000), ("lyrics_text", 5000)]
)
def test_length_limits(field, limit):
    extra = {"sound_prompt": "x"} if field != "sound_prompt" else {}
    assert validate("music", {**extra, field: "a" * limit})[field] == "a" * limit
    errors = errors_of("music", {**extra, field: "a" * (limit + 1)})
    assert str(limit) in errors[field]


def test_length_counted_after_stripping():
    assert validate("music", {"sound_prompt": "x", "title": " " + "a" * 200 + " "})


@pytest.mark.parametrize("seed", ["123", 123, " 42 ", 0])
def test_seed_good(seed):
    assert validate("music", {"sound_prompt": "x", "seed": seed})["seed"] == str(seed).strip()


@pytest.mark.parametrize("seed", ["12a", -5, "1.5", 1.5, True, "١٢٣"])
def test_seed_bad(seed):
    assert "seed" in errors_of("music", {"sound_prompt": "x", "seed": seed})


@pytest.mark.parametrize("value", [1, 0, "yes", "off", "False"])
def test_booleans_loose(value):
    payload = validate("music", {"sound_prompt": "x", "instrumental": value})
    assert isinstance(payload["instrumental"], bool)


@pytest.mark.parametrize("value", [2, "maybe", 0.5, []])
def test_booleans_bad(value):
    if value == []:
        assert "instrumental" not in validate("music", {"sound_prompt": "x", "instrumental": []})
    else:
        assert "instrumental" in errors_of("music", {"sound_prompt": "x", "instrumental": value})


def test_is_storage_and_hook_url_passed_through():
    payload = validate(
        "variation", {"music_id": "m", "is_storage": True, "hook_url": "https://h.example/x"}
    )
    assert payload == {"music_id": "m", "is_storage": True, "hook_url": "https://h.example/x"}
    for action in Action:
        assert "hook_url" in FIELDS[action]


def test_unknown_fields_rejected():
    errors = errors_of("music", {"sound_prompt": "x", "prompt": "y", "colour": "red"})
    assert set(errors) == {"prompt", "colour"}
    assert "music" in errors["colour"]
    assert "sound_prompt" in errors_of("variation", {"music_id": "m", "sound_prompt": "x"})
    assert "is_storage" in errors_of("stems", {"music_id": "m", "is_storage": True})


def test_text_fields_must_be_text():
    assert "title" in errors_of("music", {"sound_prompt": "x", "title": 5})
    assert "sound_prompt" in errors_of("music", {"sound_prompt": ["a"]})


def test_all_errors_reported_at_once():
    with pytest.raises(PayloadInvalid) as info:
        validate("music", {"sound_prompt": "x", "weirdness": 9, "mv": "nope", "title": "t" * 201})
    assert set(info.value.errors) == {"weirdness", "mv", "title"}
    assert "weirdness" in info.value.message
    assert "mv" in info.value.message
    assert info.value.status is None
    assert not info.value.ambiguous


def test_params_must_be_a_dict():
    with pytest.raises(PayloadInvalid):
        validate("music", [("sound_prompt", "x")])


def test_field_order_follows_the_contract():
    payload = validate("music", {"weirdness": 0.1, "title": "t", "sound_prompt": "x"})
    assert list(payload) == ["sound_prompt", "title", "weirdness"]


def test_input_not_mutated():
    params = {"sound_prompt": "  x  ", "title": ""}
    validate("music", params)
    assert params == {"sound_prompt": "  x  ", "title": ""}


VALUES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["0.5", "30.01", "FUZZ-2.0", "wav", "simple", "https://x.test/a", "1e400"])
)
NAMES = st.sampled_from(sorted({name for fields in FIELDS.values() for name in fields}))


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(list(Action)),
    st.dictionaries(NAMES | st.text(max_size=6), VALUES | st.lists(VALUES, max_size=2)),
)
def test_validate_only_returns_a_payload_or_raises_payload_invalid(action, params):
    try:
        payload = validate(action, params)
    except PayloadInvalid as exc:
        assert exc.errors
        assert all(isinstance(m, str) and m for m in exc.errors.values())
        return
    assert set(payload) <= set(FIELDS[action])
    assert validate(action, payload) == payload  # cleaning is stable


@pytest.mark.parametrize("value", [10**400, Decimal("sNaN"), Decimal("Infinity"), "1e400"])
def test_numbers_that_are_not_finite_floats(value):
    assert "weirdness" in errors_of("music", {"sound_prompt": "x", "weirdness": value})
    assert "starts" in errors_of("extend", {"music_id": "m", "sound_prompt": "x", "starts": value})


def test_huge_int_seed():
    assert "seed" in errors_of("music", {"sound_prompt": "x", "seed": 10**5000})
