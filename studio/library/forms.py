"""Forms of the studio pages. Field names are the Producer API's own, so a form's cleaned
data is the request body and the API's field errors land next to the right input."""

from typing import Any

from django import forms
from django.conf import settings

import outbound
from contract.errors import PayloadInvalid
from contract.producer import MAX_LENGTH, PRESETS, SLIDERS, Action
from studio.jobs import archive
from studio.jobs import lifecycle as jobs
from studio.jobs.ttapi import config
from studio.models import Job


def submit(form: forms.Form, action: Action, params: dict, **where: Any) -> Job | None:
    """Submit the job a valid form asks for (`jobs.submit`, with `workspace`, `user` and
    `parent` in `where`); when it is refused, the reasons go onto the form and None is
    returned, for the page to show them again."""
    try:
        return jobs.submit(action, params, **where)
    except PayloadInvalid as exc:
        form.add_api_errors(exc.errors)
    except jobs.SubmitRefused as exc:
        form.add_error(None, exc.message)
    return None


class Slider(forms.NumberInput):
    input_type = "range"


def slider(name: str, initial: float, label: str, help_text: str) -> forms.FloatField:
    low, high = SLIDERS[name]
    return forms.FloatField(
        label=label,
        min_value=low,
        max_value=high,
        initial=initial,
        help_text=help_text,
        widget=Slider(attrs={"step": "0.05", "data-show-value": ""}),
    )


def clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def check_times(
    form: forms.Form, duration: float | None, names: tuple[str, ...], *, starts: str = ""
) -> None:
    """Time values of a remix must lie within its song, checked on the form rather than
    found out later from the provider's failure. `starts` names the field that must leave
    some of the song after it (a point to extend from or a section's start)."""
    if not duration:
        return
    data = form.cleaned_data
    for name in names:
        value = data.get(name)
        if value is None or name in form.errors:
            continue
        if value > duration or (name == starts and value >= duration):
            limit = "before" if name == starts else "at most"
            form.add_error(
                name,
                f"The song is {clock(duration)} ({duration:.2f} s) long: "
                f"choose a time {limit} {duration:.2f} s.",
            )


class ApiForm(forms.Form):
    """A form whose fields are sent as they are; blank optional fields are left out.

    `song_duration` is the length of the song a remix starts from: the fields named in
    `time_fields` are checked against it."""

    action: Action = Action.MUSIC
    # Booleans sent only when ticked (the API's default is false).
    flags = ("instrumental", "is_storage")
    time_fields: tuple[str, ...] = ()
    start_field = ""

    def __init__(self, *args: Any, song_duration: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.song_duration = song_duration
        for name in self.time_fields:
            if song_duration and name in self.fields:
                self.fields[name].widget.attrs["max"] = f"{song_duration:.2f}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check_times(self, self.song_duration, self.time_fields, starts=self.start_field)
        return data

    def params(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name in self.flags:
                if value:
                    body[name] = True
            elif value not in (None, ""):
                body[name] = value
        return body

    def add_api_errors(self, errors: dict[str, str]) -> None:
        """Put the API's field errors next to their inputs; the rest above the form."""
        for name, message in errors.items():
            if name in self.fields:
                if name not in self.errors or message not in self.errors[name]:
                    self.add_error(name, message)
            else:
                self.add_error(None, f"{name.replace('_', ' ').capitalize()}: {message}")


def model_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in config.models()]


class PromptFields(ApiForm):
    sound_prompt = forms.CharField(
        label="Sound",
        required=False,
        max_length=MAX_LENGTH["sound_prompt"],
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "dreamy synth-pop, female vocals, 110 bpm"}
        ),
        help_text="Style, instruments, mood. A sound or lyrics (or both) is needed.",
    )
    lyrics_text = forms.CharField(
        label="Lyrics",
        required=False,
        max_length=MAX_LENGTH["lyrics_text"],
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "[Verse]\n…"}),
    )
    instrumental = forms.BooleanField(
        label="Instrumental (no vocals; lyrics are ignored)",
        required=False,
        widget=forms.CheckboxInput(attrs={"role": "switch"}),
    )
    # Optional: left blank, the provider uses its default model.
    mv = forms.ChoiceField(label="Model", choices=model_choices, required=False)
    title = forms.CharField(label="Title", required=False, max_length=MAX_LENGTH["title"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.action.value}_%s")
        super().__init__(*args, **kwargs)
        names = config.models()
        self.fields["mv"].initial = "FUZZ-2.0" if "FUZZ-2.0" in names else names[0]


class CreateForm(PromptFields):
    action = Action.MUSIC

    cover_art_url = forms.URLField(
        label="Cover art URL",
        required=False,
        assume_scheme="https",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
    )
    seed = forms.RegexField(
        label="Seed",
        required=False,
        regex=r"^\d{1,32}$",
        error_messages={"invalid": "Digits only (a whole number)."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "random"}),
    )
    lyrics_strength = slider(
        "lyrics_strength", 0.5, "Lyrics strength", "How closely to follow the lyrics."
    )
    sound_strength = slider(
        "sound_strength", 0.5, "Sound strength", "How closely to follow the sound."
    )
    weirdness = slider("weirdness", 0.5, "Weirdness", "How adventurous the result may be.")
    is_storage = forms.BooleanField(
        label="Ask the provider to host the files too",
        required=False,
        widget=forms.CheckboxInput(attrs={"role": "switch"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_%s")
        super().__init__(*args, **kwargs)


class LyricsForm(ApiForm):
    action = Action.LYRICS
    prompt = forms.CharField(
        label="What should the lyrics be about?",
        max_length=MAX_LENGTH["prompt"],
        widget=forms.TextInput(attrs={"placeholder": "a summer night drive by the sea"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_lyrics_%s")
        super().__init__(*args, **kwargs)


def _seconds_field(label: str, *, required: bool, help_text: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=required,
        min_value=0,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class ExtendForm(PromptFields):
    action = Action.EXTEND
    time_fields = ("starts",)
    starts = _seconds_field(
        "Extend from (seconds)", required=True, help_text="Click the waveform to pick the point."
    )


class CoverForm(PromptFields):
    action = Action.COVER


class ReplaceForm(PromptFields):
    action = Action.REPLACE
    time_fields = ("starts", "ends")
    start_field = "starts"
    starts = _seconds_field("From (seconds)", required=True, help_text="Drag on the waveform.")
    ends = _seconds_field("To (seconds)", required=False, help_text="Empty means to the end.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends", "Must be after the start.")
        return data


class SwapForm(PromptFields):
    cover_strength = forms.FloatField(
        label="Strength",
        min_value=SLIDERS["cover_strength"][0],
        max_value=SLIDERS["cover_strength"][1],
        initial=1.0,
        widget=Slider(attrs={"step": "0.05", "data-show-value": ""}),
        help_text="How much of the original to keep.",
    )


class VocalsSwapForm(SwapForm):
    action = Action.VOCALS_SWAP


class InstrumentalsSwapForm(SwapForm):
    action = Action.INSTRUMENTALS_SWAP


class NoFieldsForm(ApiForm):
    pass


class VariationForm(NoFieldsForm):
    action = Action.VARIATION


class StemsForm(NoFieldsForm):
    action = Action.STEMS


class DownloadForm(ApiForm):
    action = Action.DOWNLOAD
    format = forms.ChoiceField(choices=[("mp3", "MP3"), ("wav", "WAV")])


class VideoForm(ApiForm):
    action = Action.VIDEO
    preset = forms.ChoiceField(
        label="Style",
        choices=[(p, p.capitalize()) for p in PRESETS],
        initial="simple",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_video_%s")
        super().__init__(*args, **kwargs)


# The song page's remix and file actions, in the order their panels appear.
SONG_ACTION_FORMS: dict[Action, type[ApiForm]] = {
    Action.EXTEND: ExtendForm,
    Action.REPLACE: ReplaceForm,
    Action.COVER: CoverForm,
    Action.VARIATION: VariationForm,
    Action.VOCALS_SWAP: VocalsSwapForm,
    Action.INSTRUMENTALS_SWAP: InstrumentalsSwapForm,
    Action.STEMS: StemsForm,
    Action.DOWNLOAD: DownloadForm,
    Action.VIDEO: VideoForm,
}


class RenameForm(forms.Form):
    title = forms.CharField(label="Title", max_length=MAX_LENGTH["title"])


def looks_like_audio(head: bytes) -> bool:
    """The browser's content type is only a claim: check the file's first bytes too."""
    return (
        head.startswith((b"ID3", b"OggS", b"fLaC"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WAVE")
        or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)  # MPEG frame sync
        or head[4:8] == b"ftyp"  # MP4 / M4A
    )


def audio_seconds(upload) -> float | None:
    """How long the uploaded file plays (decoding at most just past the limit), or None
    when it does not decode as audio."""
    limit = settings.UPLOAD_MAX_SECONDS + 1
    try:
        _samples, seconds = archive.decode(upload.read(), limit)  # at most UPLOAD_MAX_BYTES
    except archive.ArchiveError:
        return None
    finally:
        upload.seek(0)
    return seconds if seconds > 0 else None


class UploadForm(forms.Form):
    audio_url = forms.URLField(
        label="Audio URL",
        required=False,
        assume_scheme="https",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/my-track.mp3"}),
    )
    file = forms.FileField(
        label="Or an audio file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}),
    )

    def clean_audio_url(self) -> str:
        url = self.cleaned_data.get("audio_url") or ""
        if url:
            try:
                outbound.check_url(url)  # the provider is not asked to fetch internal hosts
            except outbound.Refused as exc:
                raise forms.ValidationError(f"This address cannot be used: {exc}") from None
        return url

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is over the limit of {outbound.size_text(limit)}."
            )
        head = upload.read(16)
        upload.seek(0)
        refused = forms.ValidationError(
            "Only audio files (MP3, WAV, OGG, FLAC, M4A) can be uploaded."
        )
        if not (upload.content_type or "").startswith("audio/") or not looks_like_audio(head):
            raise refused
        seconds = audio_seconds(upload)  # decoded: the first bytes alone prove nothing
        if seconds is None:
            raise refused
        longest = settings.UPLOAD_MAX_SECONDS
        if seconds > longest:
            said = f"{longest // 60} minutes" if longest >= 120 else f"{longest} seconds"
            raise forms.ValidationError(f"The audio is longer than {said}.")
        return upload

    def add_api_errors(self, errors: dict[str, str]) -> None:
        """Above the form: the API's `audio_url` may be the link to an uploaded file."""
        self.add_error(None, "; ".join(errors.values()))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and bool(data.get("audio_url")) == bool(data.get("file")):
            raise forms.ValidationError("Give an audio URL or choose a file (one of the two).")
        return data
