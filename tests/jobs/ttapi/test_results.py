from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.errors import MalformedResult, Rejected
from contract.parsing import JobResult, Music, parse_job_result, parse_submit

JOB_ID = "ed1a1b01-7d64-4c8a-acaa-71185d23a2f3"

# The contract's sample fetch answer.
SAMPLE = {
    "status": "SUCCESS",
    "message": "success",
    "data": {
        "jobId": JOB_ID,
        "action": "music",
        "progress": "100%",
        "mv": "FUZZ-2.0",
        "quota": "3",
        "musics": [
            {
                "musicId": "989b625f-1111",
                "title": "your title",
                "lyrics": "your lyrics",
                "imageUrl": "https://img_url",
                "audioUrl": "https://audio_url",
                "videoUrl": None,
                "imageId": "989b625f-1111",
                "topic": None,
                "sound": "your sound",
                "seed": "1680274481",
                "durations": "199.13433106575962",
                "createdAt": "2025-10-17T13:38:31.542817Z",
            }
        ],
    },
}


def job(status="SUCCESS", **data) -> dict:
    return {"status": status, "message": "", "data": {"jobId": JOB_ID, **data}}


# Submit answers


def test_submit_sample():
    body = {"status": "SUCCESS", "message": "", "data": {"jobId": JOB_ID}}
    result = parse_submit(body)
    assert result.job_id == JOB_ID
    assert result.raw == body


def test_submit_job_id_spelling():
    assert parse_submit({"status": "SUCCESS", "data": {"job_id": JOB_ID}}).job_id == JOB_ID
    assert parse_submit({"status": "SUCCESS", "data": {"jobId": 12345}}).job_id == "12345"
    assert parse_submit({"status": "SUCCESS", "jobId": JOB_ID, "data": None}).job_id == JOB_ID


def test_submit_lyrics_in_answer_kept_raw():
    body = {"status": "SUCCESS", "data": {"jobId": JOB_ID, "title": "Rain", "lyrics": "[Verse]"}}
    assert parse_submit(body).raw["data"]["lyrics"] == "[Verse]"


def test_submit_failed_without_job_id_is_rejected():
    with pytest.raises(Rejected) as info:
        parse_submit({"status": "FAILED", "message": "Parameter error", "data": None})
    assert "Parameter error" in info.value.message
    assert not info.value.ambiguous
    assert not info.value.retry_later


@pytest.mark.parametrize(
    "body", [None, [], "ok", 5, {}, {"status": "SUCCESS", "data": {}}, {"data": {"jobId": ""}}]
)
def test_submit_garbage(body):
    with pytest.raises(MalformedResult):
        parse_submit(body)


# Job results


def test_sample_result():
    result = parse_job_result(SAMPLE)
    assert result.job_id == JOB_ID
    assert result.status == "SUCCESS"
    assert result.finished
    assert result.action == "music"
    assert result.progress == 100
    assert result.quota == Decimal("3")
    assert result.message == "success"
    assert result.mv == "FUZZ-2.0"
    assert result.raw is SAMPLE
    (music,) = result.musics
    assert isinstance(music, Music)
    assert music.music_id == "989b625f-1111"
    assert music.title == "your title"
    assert music.lyrics == "your lyrics"
    assert music.image_url == "https://img_url"
    assert music.audio_url == "https://audio_url"
    assert music.video_url == ""
    assert music.sound == "your sound"
    assert music.seed == "1680274481"
    assert music.duration == pytest.approx(199.13433106575962)
    assert music.created_at == datetime(2025, 10, 17, 13, 38, 31, 542817, tzinfo=UTC)
    assert music.raw["imageId"] == "989b625f-1111"


def test_results_are_frozen():
    result = parse_job_result(SAMPLE)
    with pytest.raises(AttributeError):
        result.status = "FAILED"


def test_job_id_spelling():
    assert parse_job_result({"status": "ON_QUEUE", "data": {"job_id": "j"}}).job_id == "j"
    # A webhook may post the fields without the envelope.
    assert parse_job_result({"jobId": "j", "status": "SUCCESS"}).job_id == "j"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("PENDING_QUEUE", "ON_QUEUE"),
        ("ON_QUEUE", "ON_QUEUE"),
        ("on_queue", "ON_QUEUE"),
        ("RUNNING", "ON_QUEUE"),
        (None, "ON_QUEUE"),
        ("SUCCESS", "SUCCESS"),
        ("success", "SUCCESS"),
        ("FAILED", "FAILED"),
        ("failure", "FAILED"),
    ],
)
def test_status_normalised(status, expected):
    result = parse_job_result(job(status))
    assert result.status == expected
    assert result.finished is (expected != "ON_QUEUE")


def test_status_inside_data_when_missing_outside():
    assert parse_job_result({"data": {"jobId": "j", "status": "FAILED"}}).status == "FAILED"


@pytest.mark.parametrize(
    ("progress", "expected"),
    [("45%", 45), (45, 45), ("45", 45), (45.6, 46), (" 7 % ", 7), ("150%", 100), (-3, 0)],
)
def test_progress_loose(progress, expected):
    assert parse_job_result(job("ON_QUEUE", progress=progress)).progress == expected


@pytest.mark.parametrize("progress", [None, "", "soon", [], {}, True, "nan"])
def test_progress_unreadable(progress):
    assert parse_job_result(job("ON_QUEUE", progress=progress)).progress is None


@pytest.mark.parametrize(
    ("quota", "expected"),
    [("3", Decimal(3)), (3, Decimal(3)), (3.5, Decimal("3.5")), ("2.50", Decimal("2.50"))],
)
def test_quota_loose(quota, expected):
    assert parse_job_result(job(quota=quota)).quota == expected


@pytest.mark.parametrize("quota", [None, "free", "NaN", "Infinity", True])
def test_quota_unreadable(quota):
    assert parse_job_result(job(quota=quota)).quota is None


def test_numbers_as_strings_and_strings_as_numbers():
    result = parse_job_result(
        job(
            mv=2.0,
            musics=[
                {
                    "musicId": 98765,
                    "seed": 1680274481,
                    "durations": 12,
                    "title": 2024,
                    "createdAt": 1760708311,
                }
            ],
        )
    )
    (music,) = result.musics
    assert result.mv == "2"
    assert music.music_id == "98765"
    assert music.seed == "1680274481"
    assert music.duration == 12.0
    assert music.title == "2024"
    assert music.created_at == datetime.fromtimestamp(1760708311, tz=UTC)


def test_created_at_forms():
    def created(value):
        return parse_job_result(job(musics=[{"musicId": "m", "createdAt": value}])).musics[0]

    assert created(1760708311542).created_at.year == 2025  # epoch milliseconds
    assert created("2025-10-17T13:38:31").created_at.tzinfo is UTC
    assert created("yesterday").created_at is None
    assert created(None).created_at is None


def test_missing_and_null_fields():
    result = parse_job_result({"status": "ON_QUEUE", "message": None, "data": {"jobId": "j"}})
    assert result == JobResult(
        job_id="j",
        status="ON_QUEUE",
        action="",
        progress=None,
        quota=None,
        message="",
        mv="",
        musics=(),
        title="",
        lyrics="",
        file_url="",
        video_url="",
        raw=result.raw,
    )
    nulls = {key: None for key in SAMPLE["data"]["musics"][0]}
    music = parse_job_result(job(musics=[{**nulls, "musicId": "m"}])).musics[0]
    assert (music.title, music.audio_url, music.duration, music.created_at) == ("", "", None, None)


def test_musics_without_id_or_not_dicts_are_skipped():
    result = parse_job_result(job(musics=[{"title": "no id"}, "junk", None, {"musicId": "m"}]))
    assert [m.music_id for m in result.musics] == ["m"]
    assert parse_job_result(job(musics={"musicId": "single"})).musics[0].music_id == "single"
    assert parse_job_result(job(musics="nope")).musics == ()


def test_failed_job_keeps_reason():
    body = {"status": "FAILED", "message": "Content policy", "data": {"jobId": "j", "musics": []}}
    result = parse_job_result(body)
    assert result.status == "FAILED"
    assert result.message == "Content policy"


def test_stems_result():
    parts = ["Vocals", "Drums", "Bass", "Other"]
    musics = [{"musicId": f"s{i}", "title": f"Song ({p})"} for i, p in enumerate(parts)]
    result = parse_job_result(job(action="stems", musics=musics))
    assert [m.title for m in result.musics] == [f"Song ({p})" for p in parts]


def test_lyrics_result_shapes():
    direct = parse_job_result(job(action="lyrics", title="Rain", lyrics="[Verse]\nDrops"))
    assert (direct.title, direct.lyrics) == ("Rain", "[Verse]\nDrops")
    nested = parse_job_result(
        job(action="lyrics", musics=[{"musicId": "x", "title": "Rain", "lyrics": "[Chorus]"}])
    )
    assert (nested.title, nested.lyrics) == ("Rain", "[Chorus]")
    listed = parse_job_result(job(action="lyrics", lyrics=[{"text": "[Verse] one"}, "two"]))
    assert listed.lyrics == "[Verse] one"


@pytest.mark.parametrize(
    "data",
    [
        {"url": "https://f/x.wav"},
        {"fileUrl": "https://f/x.wav"},
        {"file_url": "https://f/x.wav"},
        {"audioUrl": "https://f/x.wav"},
        {"wavUrl": "https://f/x.wav"},
        {"musics": [{"musicId": "m", "audioUrl": "https://f/x.wav"}]},
        {"musics": [{"url": "https://f/x.wav"}]},
    ],
)
def test_download_file_url_shapes(data):
    assert parse_job_result(job(action="download", **data)).file_url == "https://f/x.wav"


@pytest.mark.parametrize(
    "data",
    [
        {"videoUrl": "https://v/x.mp4"},
        {"video_url": "https://v/x.mp4"},
        {"musics": [{"musicId": "m", "videoUrl": "https://v/x.mp4"}]},
    ],
)
def test_video_url_shapes(data):
    assert parse_job_result(job(action="generate-video", **data)).video_url == "https://v/x.mp4"


def test_unknown_fields_kept_in_raw():
    body = job(extra={"nested": [1, 2]}, musics=[{"musicId": "m", "topic": "rain"}])
    result = parse_job_result(body)
    assert result.raw["data"]["extra"] == {"nested": [1, 2]}
    assert result.musics[0].raw["topic"] == "rain"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        [SAMPLE],
        "SUCCESS",
        42,
        {},
        {"status": "SUCCESS", "message": "success", "data": None},
        {"status": "FAILED", "message": "Parameter error", "data": None},
        {"status": "SUCCESS", "data": {"musics": []}},
        {"status": "SUCCESS", "data": {"jobId": None}},
        {"status": "SUCCESS", "data": {"jobId": {"id": 1}}},
    ],
)
def test_garbage_is_malformed(body):
    with pytest.raises(MalformedResult):
        parse_job_result(body)


# Anything JSON can carry, biased towards the field names the parser looks at.
KEYS = st.sampled_from(
    [
        "status",
        "message",
        "data",
        "jobId",
        "job_id",
        "action",
        "progress",
        "quota",
        "mv",
        "musics",
        "musicId",
        "title",
        "lyrics",
        "durations",
        "createdAt",
        "seed",
        "url",
        "videoUrl",
        "audioUrl",
    ]
) | st.text(max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["45%", "100%", "3", "1e400", "-1", "2025-10-17T13:38:31Z", "NaN"])
)
JSONISH = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, JSONISH, max_size=8))
def test_parse_job_result_never_crashes(body):
    try:
        result = parse_job_result(body)
    except MalformedResult:
        return
    assert isinstance(result, JobResult)
    assert result.job_id
    assert result.status in {"ON_QUEUE", "SUCCESS", "FAILED"}
    assert result.progress is None or 0 <= result.progress <= 100
    assert all(isinstance(m, Music) and m.music_id for m in result.musics)
    assert result.quota is None or result.quota.is_finite()
    for text in (result.title, result.lyrics, result.file_url, result.video_url, result.message):
        assert isinstance(text, str)


@settings(max_examples=200, deadline=None)
@given(JSONISH)
def test_parse_submit_never_crashes(body):
    try:
        result = parse_submit(body)
    except (MalformedResult, Rejected):
        return
    assert result.job_id
