"""Audio helpers shared by the studio and the emulator: decoding files and waveform peaks;
mediatools.analysis and mediatools.tags (imported by name) measure songs and tag copies.

Depends on numpy and ffmpeg (through imageio-ffmpeg), never on Django, the studio or the
emulator, so either side can import it; analysis and tags load pyebur128 and mutagen on
their first use, so importing mediatools stays light.
"""

from mediatools.decoding import DecodeError, decode, ffmpeg_exe, read_wav
from mediatools.peaks import peaks

__all__ = ["DecodeError", "decode", "ffmpeg_exe", "peaks", "read_wav"]
