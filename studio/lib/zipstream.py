"""A zip archive written while it is sent: nothing is held in memory or on disk beyond one
chunk, so a project of many long songs downloads at once and at a fixed cost."""

import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO

CHUNK = 64 * 1024


class _Sink:
    """The file zipfile writes to: it keeps what was written until the generator takes it.
    Not seekable, so zipfile writes each entry's sizes after its data (data descriptors)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def stream_zip(entries: Iterable[tuple[str, BinaryIO | bytes]]) -> Iterator[bytes]:
    return (chunk for chunk in _chunks(entries) if chunk)


def _chunks(entries: Iterable[tuple[str, BinaryIO | bytes]]) -> Iterator[bytes]:
    """Zip `(name, file or bytes)` pairs, stored as they are (audio is compressed already),
    yielding the archive chunk by chunk. Each file is closed once copied."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[arg-type]
        for name, source in entries:
            if isinstance(source, bytes):
                archive.writestr(name, source)
                yield sink.take()
                continue
            try:
                with archive.open(name, "w", force_zip64=True) as target:
                    while data := source.read(CHUNK):
                        target.write(data)
                        yield sink.take()
            finally:
                source.close()
            yield sink.take()
    yield sink.take()
