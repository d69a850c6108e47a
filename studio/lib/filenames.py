"""File names made from what people call things (a song's title, a project's name), in any
script: what downloads, stems, videos and zip entries are called.

A name keeps its words as written ("上海夜曲.mp3"), less what file systems refuse (control
characters, the characters Windows forbids, its reserved device names, trailing dots and
spaces) and cut to a length every file system takes. A download says it twice (RFC 6266):
`filename*` in UTF-8 for browsers, and an ASCII `filename` for the few that read only that.
"""

import re
import unicodedata
from urllib.parse import quote

from django.utils.http import content_disposition_header

MAX_BYTES = 200  # of a name in UTF-8: most file systems take 255, and a suffix may follow
REFUSED = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')  # control characters and Windows' refusals
SPACES = re.compile(r"\s+")
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{kind}{n}" for kind in ("COM", "LPT") for n in "123456789"
}


def _clean(text: str) -> str:
    text = REFUSED.sub(" ", unicodedata.normalize("NFC", text))
    return SPACES.sub(" ", text).strip(" .")


def _cut(stem: str, room: int) -> str:
    """`stem` shortened, whole characters only, to at most `room` bytes of UTF-8."""
    while len(stem.encode()) > room:
        stem = stem[:-1]
    return stem.rstrip(" .")


def file_name(title: str | None, ext: str = "", fallback: str = "untitled") -> str:
    """A file name for `title` ending in `ext` (".mp3"), `fallback` where nothing is left."""
    ext = _clean(ext)
    ext = "." + ext.lstrip(".") if ext else ""
    stem = _cut(_clean(title or ""), MAX_BYTES - len(ext.encode())) or fallback
    if stem.split(".")[0].upper() in RESERVED:
        stem = "_" + stem
    return stem + ext


def ascii_name(name: str, fallback: str = "download") -> str:
    """`name` in ASCII, for clients that cannot read `filename*`: accents dropped, other
    scripts left out; `fallback` (keeping the extension) where no letter is left."""
    flat = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    flat = SPACES.sub(" ", REFUSED.sub(" ", flat))
    stem, dot, ext = flat.rpartition(".")
    if not dot:
        stem, ext = flat, ""
    stem = stem.strip(" .")
    if not re.search(r"[A-Za-z0-9]", stem):
        stem = fallback
    return stem + (f".{ext.strip()}" if ext.strip() else "")


def content_disposition(name: str, fallback: str = "download", *, attachment: bool = True) -> str:
    """A Content-Disposition header naming `name`: Django's, with the ASCII name (`fallback`
    where no letter of it is ASCII), followed by `filename*=UTF-8''…` when the name is more
    than that."""
    fallback = ascii_name(name, fallback)
    header = content_disposition_header(attachment, fallback) or ""
    if fallback != name:
        header += "; filename*=UTF-8''" + quote(name, safe="")
    return header


class UniqueNames:
    """Names for the entries of one archive, none twice: a name already given gets " (2)",
    " (3)" … before its extension. Compared without case, as Windows and macOS unpack."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def add(self, name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem:
            stem, ext = name, ""
        ext = f".{ext}" if ext else ""
        candidate, n = name, 1
        while candidate.casefold() in self.taken:
            n += 1
            candidate = f"{stem} ({n}){ext}"
        self.taken.add(candidate.casefold())
        return candidate
