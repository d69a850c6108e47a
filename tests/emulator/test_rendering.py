"""The emulator's media are rendered in a process of their own, not in the web process."""

import subprocess
import sys
from pathlib import Path

from emulator import rendering
from tests.emulator.helpers import song

ROOT = Path(__file__).resolve().parents[2]


def test_the_render_processes_load_neither_django_nor_the_studio():
    code = (
        "import sys, emulator.rendering; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'studio'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def failing_here(*args, **kwargs):
    raise AssertionError("rendered in the web process")


def test_a_file_is_rendered_in_a_render_process(emulator, settings, monkeypatch):
    settings.EMULATOR_RENDER_PROCESSES = 1
    music = song(emulator, sound_prompt="calm piano", duration=4)
    monkeypatch.setattr(rendering, "make", failing_here)  # this process cannot render
    http = emulator.http()
    response = http.get(music["audioUrl"])
    assert response.status_code == 200
    assert response.content[:3] == b"ID3" or response.content[0] == 0xFF
    assert not rendering._renders  # no song's stems were held here


def test_in_the_web_process_when_asked(emulator, settings, monkeypatch):
    settings.EMULATOR_RENDER_PROCESSES = 0
    music = song(emulator, sound_prompt="calm piano", duration=4)
    monkeypatch.setattr(rendering, "make", failing_here)
    assert emulator.http().get(music["audioUrl"]).status_code == 500
