"""Host tools TradeKernel needs, and which Debian package brings each."""

from __future__ import annotations

import shutil

PACKAGE_OF = {
    "qemu-system-x86_64": "qemu-system-x86",
    "gdb": "gdb",
    "make": "make",
    "clang++": "clang",
    "ld.lld": "lld",
    "llvm-objcopy": "llvm",
    "nasm": "nasm",
    "grub-mkrescue": "grub-common",
    "xorriso": "xorriso",
    "nm": "binutils",
    "objdump": "binutils",
}


class ToolMissing(RuntimeError):
    def __init__(self, tool: str) -> None:
        package = PACKAGE_OF.get(tool, tool)
        super().__init__(
            f"'{tool}' is not installed: install the Debian/Ubuntu package '{package}' "
            f"(apt-get install {package}), or run 'make install-deps'"
        )
        self.tool = tool
        self.package = package


def require(tool: str) -> str:
    """The tool's path; raises ToolMissing naming the package to install."""
    path = shutil.which(tool)
    if path is None:
        raise ToolMissing(tool)
    return path
