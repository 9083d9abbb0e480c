"""A Linux initramfs, written directly: the "newc" cpio format the kernel
unpacks (Documentation/driver-api/early-userspace/buffer-format.rst),
gzip-compressed. No cpio tool or root needed."""

from __future__ import annotations

import gzip
import stat
from dataclasses import dataclass, field
from pathlib import Path

_MAGIC = b"070701"


@dataclass
class Initramfs:
    """Directories, files and symlinks by their path in the guest."""

    _entries: list[tuple[str, int, bytes]] = field(default_factory=list)
    _dirs: set[str] = field(default_factory=set)

    def directory(self, path: str) -> None:
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d and d not in self._dirs:
                self._dirs.add(d)
                self._entries.append((d, stat.S_IFDIR | 0o755, b""))

    def file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        self._parent(path)
        self._entries.append((path.strip("/"), stat.S_IFREG | mode, data))

    def copy(self, path: str, source: Path) -> None:
        """`source`, its permission bits kept (symlinks followed)."""
        self.file(path, source.read_bytes(), source.stat().st_mode & 0o777)

    def symlink(self, path: str, target: str) -> None:
        self._parent(path)
        self._entries.append((path.strip("/"), stat.S_IFLNK | 0o777, target.encode()))

    def _parent(self, path: str) -> None:
        parent = path.strip("/").rpartition("/")[0]
        if parent:
            self.directory(parent)

    def write(self, out: Path) -> None:
        archive = bytearray()
        for ino, (name, mode, data) in enumerate([*self._entries, ("TRAILER!!!", 0, b"")], 1):
            encoded = name.encode() + b"\0"
            fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(encoded), 0]
            archive += _MAGIC + b"".join(b"%08X" % v for v in fields) + encoded
            archive += b"\0" * (-len(archive) % 4) + data
            archive += b"\0" * (-len(archive) % 4)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(gzip.compress(bytes(archive), compresslevel=6))
