"""Build small real binaries with gcc, and patch fields of their ELF headers and tables: how the
hostile-ELF tests and the ELF fuzz target make their inputs. Offsets are found with pyelftools on
the pristine file (trusted: the compiler just wrote it); only ELF64 little-endian is patched."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from elftools.elf.elffile import ELFFile

# Byte offsets of fields in ELF64 structures (gABI).
E_PHOFF, E_SHOFF, E_PHENTSIZE, E_PHNUM, E_SHENTSIZE, E_SHNUM, E_SHSTRNDX = (
    0x20,
    0x28,
    0x36,
    0x38,
    0x3A,
    0x3C,
    0x3E,
)
SH = {
    "name": (0, 4),
    "type": (4, 4),
    "flags": (8, 8),
    "offset": (24, 8),
    "size": (32, 8),
    "link": (40, 4),
    "info": (44, 4),
    "entsize": (56, 8),
}
PH = {"type": (0, 4), "offset": (8, 8), "filesz": (32, 8), "align": (48, 8)}
VERNEED = {"cnt": (2, 2), "aux": (8, 4), "next": (12, 4)}
VERNAUX = {"other": (6, 2), "name": (8, 4), "next": (12, 4)}

HELLO = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n'
# Two libraries in .gnu.version_r (libm, libc), so that its chain has a link to break.
MATH = (
    "#include <math.h>\n#include <stdio.h>\n"
    'int main(int c, char **v) { printf("%f\\n", cos((double)c)); (void)v; return 0; }\n'
)
LIB_WARNING = (
    "int myfunc(void) { return 42; }\n"
    '__asm__(".section .gnu.warning.myfunc\\n.string \\"myfunc is deprecated\\"\\n.previous");\n'
)
USES_MYFUNC = (
    '#include <stdio.h>\nint myfunc(void);\nint main(void) { printf("%d\\n", myfunc()); }\n'
)
# What a Go 1.18+ linker writes into .go.buildinfo (src/debug/buildinfo/buildinfo.go): magic,
# pointer size, flags (2: strings inline), padding to 32 bytes, then uvarint-prefixed strings.
GO_MAGIC = b"\xff Go buildinf:"


LABELS = 30_000


def go_buildinfo(version: str, modinfo: str) -> bytes:
    def uvarint_string(text: str) -> bytes:
        data, n, out = text.encode(), len(text.encode()), bytearray()
        while n >= 0x80:
            out.append(n & 0x7F | 0x80)
            n >>= 7
        out.append(n)
        return bytes(out) + data

    sentinel = b"0123456789abcdef"  # 16 bytes each side, stripped by the reader
    framed = sentinel.decode() + modinfo + "\n" + sentinel.decode()
    header = GO_MAGIC + bytes([8, 2]) + bytes(32 - len(GO_MAGIC) - 2)
    return header + uvarint_string(version) + uvarint_string(framed)


GO_INFO = go_buildinfo(
    "go1.19.8",
    "path\texample.com/app\nmod\texample.com/app\t(devel)\t\n"
    "dep\tgithub.com/mattn/go-sqlite3\tv1.14.16\th1:x=\n"
    "build\t-tags=netgo\nbuild\tCGO_ENABLED=1\n",
)


def c_bytes(data: bytes) -> str:
    return "".join(f"\\x{b:02x}" for b in data)


def run(cmd: list[str], cwd: Path) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (cmd, proc.stdout, proc.stderr)


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


class Patch:
    """One ELF64 file in memory, with its sections and segments located by pyelftools."""

    def __init__(self, path: Path) -> None:
        self.data = bytearray(path.read_bytes())
        elf = ELFFile(io.BytesIO(bytes(self.data)))
        self.shoff, self.shentsize = elf["e_shoff"], elf["e_shentsize"]
        self.phoff, self.phentsize = elf["e_phoff"], elf["e_phentsize"]
        self.sections = {s.name: i for i, s in enumerate(elf.iter_sections())}
        self.section_at = {s.name: (s["sh_offset"], s["sh_size"]) for s in elf.iter_sections()}
        self.segment_types = [seg["p_type"] for seg in elf.iter_segments()]

    def put(self, offset: int, width: int, value: int) -> Patch:
        self.data[offset : offset + width] = (value % (1 << (8 * width))).to_bytes(width, "little")
        return self

    def get(self, offset: int, width: int) -> int:
        return int.from_bytes(self.data[offset : offset + width], "little")

    def header(self, offset: int, width: int, value: int) -> Patch:
        return self.put(offset, width, value)

    def section(self, name: str, field: str, value: int) -> Patch:
        at, width = SH[field]
        return self.put(self.shoff + self.sections[name] * self.shentsize + at, width, value)

    def section_field(self, name: str, field: str) -> int:
        at, width = SH[field]
        return self.get(self.shoff + self.sections[name] * self.shentsize + at, width)

    def segment(self, p_type: str, field: str, value: int) -> Patch:
        at, width = PH[field]
        n = self.segment_types.index(p_type)
        return self.put(self.phoff + n * self.phentsize + at, width, value)

    def verneed(self, n: int) -> int:
        """File offset of the n-th Elf_Verneed entry of .gnu.version_r."""
        offset = self.section_at[".gnu.version_r"][0]
        for _ in range(n):
            offset += self.get(offset + VERNEED["next"][0], 4)
        return offset

    def vernaux(self, need: int, n: int) -> int:
        at = self.verneed(need)
        at += self.get(at + VERNEED["aux"][0], 4)
        for _ in range(n):
            at += self.get(at + VERNAUX["next"][0], 4)
        return at

    def replace(self, old: bytes, new: bytes) -> Patch:
        """Overwrite the first `old` in the file with `new` of the same length."""
        assert len(old) == len(new)
        at = self.data.index(old)
        self.data[at : at + len(old)] = new
        return self

    def bytes(self) -> bytes:
        return bytes(self.data)


# A static binary of a few KiB that looks like a static glibc one to cgowarn: glibc's warning
# section for getpwnam (as lld keeps it), the strings that identify glibc and its NSS, an ABI tag,
# and functions named like glibc's NSS ones in the symbol table.
TINY_STATIC = r"""
__asm__(".section .gnu.warning.getpwnam\n.string \"Using 'getpwnam' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\"\n.previous");
__asm__(".section .note.ABI-tag,\"a\",@note\n.balign 4\n.long 4, 16, 1\n.string \"GNU\"\n.long 0, 3, 2, 0\n.previous");
__attribute__((used)) static const char strings[] = "GLIBC_TUNABLES\0libnss_%s.so\0FATAL: kernel too old";
int getaddrinfo(void) { return 0; }
int getpwnam(void) { return 1; }
void _start(void) { getaddrinfo(); getpwnam(); for (;;) {} }
"""


def build_seeds(work: Path, *, static: bool = True) -> dict[str, Path]:
    """Small real binaries, built here: what the hostile files are patched from, and what the
    fuzzer starts from. `static`: also a static glibc binary (2 MiB, with 30,000 symbols)."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "hello.c").write_text(HELLO)
    (work / "math.c").write_text(MATH)
    (work / "lib.c").write_text(LIB_WARNING)
    (work / "main.c").write_text(USES_MYFUNC)
    # Labels enough for a symbol table that pyelftools takes a minute over with sh_entsize 1.
    (work / "labels.s").write_text(
        ".data\n"
        + "".join(f".globl cgowarn_label_{i}\ncgowarn_label_{i}: .byte 0\n" for i in range(LABELS))
    )
    (work / "tiny.c").write_text(TINY_STATIC)
    (work / "buildinfo.c").write_text(
        f'__attribute__((used, section(".go.buildinfo"))) static const char info[] = "{c_bytes(GO_INFO)}";\n'
        + HELLO
    )
    seeds = {name: work / name for name in ("dynamic-libm", "tiny-static", "go-buildinfo")}
    run(["gcc", "-O1", "-o", "dynamic-libm", "math.c", "-lm"], work)
    run(["gcc", "-static", "-nostdlib", "-O1", "-o", "tiny-static", "tiny.c"], work)
    run(["gcc", "-o", "go-buildinfo", "buildinfo.c"], work)
    if static:
        run(["gcc", "-static", "-o", "static", "hello.c", "labels.s"], work)
        seeds["static"] = work / "static"
    run(["gcc", "-c", "lib.c"], work)
    run(["ar", "rcs", "libmy.a", "lib.o"], work)
    if have("ld.lld"):
        run(["gcc", "-fuse-ld=lld", "-o", "lld-warning", "main.c", "-L.", "-lmy"], work)
        run(["gcc", "-static", "-fuse-ld=lld", "-o", "static-lld", "hello.c"], work)
        seeds["lld-warning"] = work / "lld-warning"
        seeds["static-lld"] = work / "static-lld"
    return seeds
