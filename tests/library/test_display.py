"""The card pictures drawn in Python: waveform bars."""

import re

import pytest
from django.template.loader import render_to_string

from studio.library.display import WAVE_HEIGHT, wave


def waveform_svg(peaks: list) -> str:
    return render_to_string("library/_wave.html", {"wave": wave(peaks)})


def bars_of(svg: str) -> list[tuple[float, int, int]]:
    """Each vertical bar the path draws, as (x, upper y, lower y), read back from its
    absolute and relative commands the way a browser does."""
    path = re.search(r'd="([^"]+)"', svg).group(1)
    x = y = 0.0
    bars = []
    for command, a, b in re.findall(r"([MmV])(-?[\d.]+)(?:\s*(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            bars.append((x, int(min(y, float(a))), int(max(y, float(a)))))
            y = float(a)
    return bars


@pytest.mark.parametrize(
    "peaks",
    [[0.5], [1.0, 0.0, 0.25, 1.0], [0.9, 0.1] * 32, [((n * 37) % 100) / 100 for n in range(500)]],
)
def test_each_bar_is_drawn_from_its_height_to_its_mirror(peaks):
    svg = waveform_svg(peaks)
    top = max(peaks)
    count = min(len(peaks), 64)
    bars = bars_of(svg)
    assert [x for x, _, _ in bars] == [n + 0.5 for n in range(count)]
    for _, upper, lower in bars:
        assert upper + lower == WAVE_HEIGHT
        assert 0 <= upper < WAVE_HEIGHT // 2
    if len(peaks) <= 64:  # one bar a peak: its height follows the peak
        mid = WAVE_HEIGHT // 2
        want = [mid - max(round(p / top * mid), 1) for p in peaks]
        assert [upper for _, upper, _ in bars] == want


def test_no_peaks_draw_a_flat_line():
    assert "wave-empty" in waveform_svg([])
