"""The bodies the emulator answers with: submit answers, errors, and the fetch/webhook body."""

from __future__ import annotations

from datetime import datetime

from emulator import clock
from emulator.models import Job, Music


def ok(job_id: str) -> dict:
    return {"status": "SUCCESS", "message": "", "data": {"jobId": job_id}}


def failed(message: str) -> dict:
    return {"status": "FAILED", "message": message, "data": None}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _quota(price) -> str:
    return str(int(price)) if price == price.to_integral_value() else str(price.normalize())


def file_url(job: Job, music_id, name: str) -> str:
    return f"{job.base_url}files/{music_id}/{name}"


def music_entry(job: Job, music: Music) -> dict:
    """One item of `musics`, in the documented shape; its URLs are the job's host's."""
    return {
        "musicId": str(music.music_id),
        "title": music.title,
        "lyrics": music.lyrics,
        "imageUrl": file_url(job, music.music_id, "cover.png"),
        "audioUrl": file_url(job, music.music_id, "audio.mp3"),
        "videoUrl": None,
        "imageId": str(music.music_id),
        "topic": None,
        "sound": music.sound,
        "seed": music.seed,
        "durations": repr(music.duration) if music.duration is not None else None,
        "createdAt": _iso(music.created_at),
    }


def _parent(job: Job) -> Music | None:
    return Music.objects.filter(music_id=job.params.get("music_id")).first()


def _success_data(job: Job, data: dict) -> None:
    if job.action == "lyrics":
        title, words = job.extra.get("title", ""), job.extra.get("lyrics", "")
        data.update(title=title, lyrics=words)
        data["musics"] = [{"musicId": None, "title": title, "lyrics": words}]
        return
    if job.action in ("download", "generate-video"):
        parent = _parent(job)
        if parent is None:
            return
        entry = music_entry(job, parent)
        if job.action == "download":
            url = file_url(job, parent.music_id, f"audio.{job.extra.get('format', 'mp3')}")
            entry["audioUrl"] = data["url"] = url
        else:
            url = file_url(job, parent.music_id, f"video-{job.extra.get('preset', 'simple')}.mp4")
            entry["videoUrl"] = data["videoUrl"] = url
        data["musics"] = [entry]
        return
    data["musics"] = [music_entry(job, m) for m in job.musics.all()]


def job_body(job: Job, state: clock.State | None = None) -> dict:
    """The fetch answer, which is also what the webhook posts."""
    state = state or clock.state_of(job)
    data: dict = {
        "jobId": str(job.job_id),
        "action": job.action,
        "progress": f"{state.progress}%",
        "mv": job.mv or None,
        "quota": _quota(job.price) if state.status == "SUCCESS" else "0",
        "musics": [],
    }
    if state.status == "SUCCESS":
        _success_data(job, data)
        return {"status": "SUCCESS", "message": "success", "data": data}
    if state.status == "FAILED":
        return {"status": "FAILED", "message": job.reason or "Generation failed.", "data": data}
    return {"status": "ON_QUEUE", "message": None, "data": data}
