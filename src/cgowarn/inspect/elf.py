"""Read one ELF file with pyelftools, section by section (never the whole file at once), and say
what it needs at run time. Hostile files (truncated, bogus offsets) give a partial result with the
reason, never a traceback; a file whose ELF header cannot be read is an input error."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from elftools.common.exceptions import ELFError
from elftools.construct import ConstructError
from elftools.elf.descriptions import describe_e_machine
from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection, GNUVerSymSection
from elftools.elf.sections import NoteSection, SymbolTableSection
from elftools.elf.segments import InterpSegment, NoteSegment

from cgowarn.errors import GoInfoError, InputError
from cgowarn.inspect.goinfo import parse_buildinfo
from cgowarn.inspect.scan import find_strings
from cgowarn.knowledge import KnowledgeBase
from cgowarn.model import BinaryInfo, GlibcEvidence, GoBuildInfo
from cgowarn.versions import version_tuple

ELF_MAGIC = b"\x7fELF"
# cgo's wrapper for a C function, in a Go binary's symbol table: `os/user._Cfunc_mygetpwnam_r`,
# `net._cgo_2ac87069779a_C2func_getaddrinfo` (cmd/cgo's out.go names them so).
_RUSTC = re.compile(rb"rustc version (\d+\.\d+)\.\d+")
_CGO_WRAPPER = re.compile(r"^(?P<package>[\w.~+/-]+?)\.(?:_cgo_[0-9a-f]+_)?_?C2?func_\w")
# What a malformed file can make pyelftools raise. AttributeError and TypeError are not here: they
# are bugs in cgowarn, and the error boundary reports them as such.
MALFORMED = (
    ELFError,
    ConstructError,
    struct.error,
    ValueError,
    KeyError,
    IndexError,
    UnicodeDecodeError,
    OverflowError,
    MemoryError,
    EOFError,
    OSError,
    RecursionError,
)


@dataclass(frozen=True)
class BinaryHit:
    """Evidence in the binary that a glibc function, or a run-time dependency, is linked in."""

    symbol: str
    how: str
    """e.g. `section .gnu.warning.getpwnam`, `symbol table`, `string "libnss_%s.so"`."""
    message: str | None = None
    category: str | None = None
    """Set for footprint items that are not glibc symbols."""
    brought_by: str | None = None
    """The function glibc links it in with (binary.toml [[companion]]), when that is why it is
    here."""


def _open(path: str) -> IO[bytes]:
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"cannot inspect {path}: it is a directory")
        fh = p.open("rb")
    except FileNotFoundError:
        raise InputError(f"cannot inspect {path}: no such file") from None
    except PermissionError:
        raise InputError(f"cannot inspect {path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot inspect {path}: {exc.strerror or exc}") from None
    if fh.read(4) != ELF_MAGIC:
        fh.close()
        raise InputError(f"cannot inspect {path}: not an ELF file")
    fh.seek(0)
    return fh


class _Reader:
    def __init__(self, kb: KnowledgeBase, path: str, fh: IO[bytes]) -> None:
        self.kb = kb
        self.path = path
        self.fh = fh
        self.fields: dict[str, Any] = {}
        self.hits: list[BinaryHit] = []
        self.errors: list[str] = []
        self.e_type: str | None = None
        self.has_dynamic = False
        self.strings: set[str] = set()
        self.defined: set[str] = set()
        """Functions of binary.toml's [[companion]] entries defined in the symbol table."""
        self.cgo_packages: set[str] | None = None
        """Go packages whose cgo wrappers the symbol table holds; None without a symbol table."""

    def step(self, what: str, fn: Any) -> None:
        """Run one reading step; a malformed file stops that step only, and says so."""
        try:
            fn()
        except MALFORMED as exc:
            self.errors.append(f"{what}: {type(exc).__name__}: {str(exc)[:120] or 'malformed'}")

    def read(self) -> tuple[BinaryInfo, list[BinaryHit]]:
        """What the file shows; InputError when not even its ELF header can be read (then nothing
        else can be, and a report of "no findings" would be a false all-clear)."""
        try:
            elf = ELFFile(self.fh)
            self._header(elf)
        except MALFORMED as exc:
            raise InputError(
                f"cannot inspect {self.path}: its ELF header cannot be read "
                f"({type(exc).__name__}: {str(exc)[:120] or 'malformed'})"
            ) from None
        self.step("program headers", lambda: self._segments(elf))
        self.step("dynamic section", lambda: self._dynamic(elf))
        self.step("notes", lambda: self._notes(elf))
        self.step("symbol versions", lambda: self._versions(elf))
        self.step("symbol table", lambda: self._symbols(elf))
        self.step("warning sections", lambda: self._warning_sections(elf))
        self.step("Go build info", lambda: self._go(elf))
        self.step("compiler notes", lambda: self._comment(elf))
        self.step("strings", self._strings)
        self._classify()
        info = BinaryInfo(path=self.path, error="; ".join(self.errors) or None, **self.fields)
        return info, self.hits

    def _header(self, elf: ELFFile) -> None:
        self.fields["elf_class"] = elf.elfclass
        self.fields["machine"] = describe_e_machine(elf["e_machine"]).replace(
            "Advanced Micro Devices ", ""
        )
        self.e_type = elf["e_type"]

    def _segments(self, elf: ELFFile) -> None:
        for seg in elf.iter_segments():
            if isinstance(seg, InterpSegment):
                self.fields["interpreter"] = seg.get_interp_name()
            elif seg["p_type"] == "PT_DYNAMIC":
                self.has_dynamic = True

    def _dynamic(self, elf: ELFFile) -> None:
        needed = []
        for section in elf.iter_sections():
            if isinstance(section, DynamicSection):
                needed += [
                    tag.needed  # type: ignore[attr-defined]  # set by pyelftools for DT_NEEDED
                    for tag in section.iter_tags()
                    if tag.entry.d_tag == "DT_NEEDED"
                ]
        self.fields["needed"] = tuple(needed)

    def _notes(self, elf: ELFFile) -> None:
        # The PT_NOTE segments first: the loader reads them, and they stay readable when the
        # section header table is removed or damaged. The note sections are the fallback.
        try:
            kernel = _abi_tag(s for s in elf.iter_segments() if isinstance(s, NoteSegment))
        except MALFORMED:
            kernel = None  # the program headers step says what is wrong with them
        if kernel is None:
            kernel = _abi_tag(s for s in elf.iter_sections() if isinstance(s, NoteSection))
        if kernel is not None:
            self.fields["abi_kernel"] = kernel

    def _versions(self, elf: ELFFile) -> None:
        verneed = next((s for s in elf.iter_sections() if isinstance(s, GNUVerNeedSection)), None)
        if verneed is None:
            return
        glibc: dict[int, str] = {}
        for _, aux_iter in verneed.iter_versions():
            for aux in aux_iter:
                name = aux.name
                if name.startswith("GLIBC_") and name[6:].replace(".", "").isdigit():
                    glibc[aux["vna_other"]] = name[6:]
        if not glibc:
            return
        top = max(glibc.values(), key=version_tuple)
        self.fields["glibc_required"] = top
        versym = next((s for s in elf.iter_sections() if isinstance(s, GNUVerSymSection)), None)
        dynsym = elf.get_section_by_name(".dynsym")
        if versym is None or not isinstance(dynsym, SymbolTableSection):
            return
        symbols = []
        for i, sym in enumerate(dynsym.iter_symbols()):
            ndx = versym.get_symbol(i)["ndx"]
            if isinstance(ndx, int) and glibc.get(ndx & 0x7FFF) == top:
                symbols.append(sym.name)
        self.fields["glibc_required_symbols"] = tuple(sorted(symbols))

    def _symbols(self, elf: ELFFile) -> None:
        if elf.num_sections() == 0:
            # No section header table (removed, or e_shoff zeroed): whether there is a symbol
            # table cannot be told, so `stripped` stays unknown.
            return
        # By type, not by name: a damaged section name table hides the names, not the types.
        symtab = next((s for s in elf.iter_sections() if s["sh_type"] == "SHT_SYMTAB"), None)
        self.fields["stripped"] = not isinstance(symtab, SymbolTableSection)
        known = self.kb.symbols
        if isinstance(symtab, SymbolTableSection):
            seen = set()
            cgo: set[str] = set()
            companions = {c.function for c in self.kb.binary.companion}
            for sym in symtab.iter_symbols():
                name = sym.name
                if "func_" in name and (m := _CGO_WRAPPER.match(name)):
                    cgo.add(m.group("package"))
                if name in companions and sym["st_shndx"] != "SHN_UNDEF":
                    self.defined.add(name)
                entry = known.get(name)
                # Only symbols that carry a warning in Linux's libc.a (not generic or Hurd ones).
                if (
                    entry
                    and entry.in_reference_libc
                    and name not in seen
                    and sym["st_shndx"] != "SHN_UNDEF"
                    and sym["st_info"]["type"] in ("STT_FUNC", "STT_GNU_IFUNC", "STT_OBJECT")
                ):
                    seen.add(name)
                    self.hits.append(BinaryHit(name, "symbol table"))
            self.cgo_packages = cgo
        dynsym = next((s for s in elf.iter_sections() if s["sh_type"] == "SHT_DYNSYM"), None)
        if isinstance(dynsym, SymbolTableSection):
            # A dynamic binary calls these in the host's libc.so: only the warnings that also fire
            # in dynamic links (unsafe, obsolete, stubs) apply.
            for sym in dynsym.iter_symbols():
                entry = known.get(sym.name)
                if (
                    entry
                    and sym["st_shndx"] == "SHN_UNDEF"
                    and not self.kb.categories[entry.category].static_only
                ):
                    self.hits.append(BinaryHit(sym.name, "dynamic symbol table"))

    def _warning_sections(self, elf: ELFFile) -> None:
        for section in elf.iter_sections():
            name = section.name
            if not name.startswith(".gnu.warning"):
                continue
            text = section.data().decode("utf-8", "replace")
            if name.startswith(".gnu.warning."):
                # lld copies each input's .gnu.warning.SYMBOL section into the output.
                symbol = name.removeprefix(".gnu.warning.")
                self.hits.append(BinaryHit(symbol, f"section {name}", text.rstrip("\0")))
                continue
            # mold merges them all into one .gnu.warning section.
            for part in text.split("\0"):
                found = self.kb.parse.match_message(part) if part else None
                if found is not None:
                    self.hits.append(
                        BinaryHit(found.symbol, f"section {name}", part[found.start : found.end])
                    )

    def _comment(self, elf: ELFFile) -> None:
        """The .comment section names the compilers: `rustc version 1.95.0 (...)` for Rust."""
        section = elf.get_section_by_name(".comment")
        if section is None:
            return
        m = _RUSTC.search(section.data()[:65536])
        if m is not None:
            self.fields["rust_version"] = m.group(1).decode()

    def _go(self, elf: ELFFile) -> None:
        section = elf.get_section_by_name(".go.buildinfo")
        if section is None:
            return
        try:
            self.fields["go"] = parse_buildinfo(section.data()[:65536])
        except GoInfoError as exc:
            self.errors.append(f"Go build info: {exc}")

    def _strings(self) -> None:
        kb = self.kb.binary
        needles = {s.encode() for sig in kb.libc for s in sig.strings}
        needles |= {h.string.encode() for h in kb.glibc_string_hint}
        needles |= {s.encode() for fp in kb.footprint for s in fp.strings}
        self.fh.seek(0)
        self.strings = {n.decode() for n in find_strings(self.fh, needles)}

    def _classify(self) -> None:
        """Linkage and C library from what the steps read; drop glibc evidence from other libcs."""
        f = self.fields
        interp = f.get("interpreter")
        needed = f.get("needed", ())
        if interp or needed:
            f["linkage"] = "dynamic"
        elif self.e_type == "ET_DYN" and self.has_dynamic:
            f["linkage"] = "static-pie"
        elif self.e_type is not None:
            f["linkage"] = "static"
        strings = self.strings
        signatures = {
            sig.name: [s for s in sig.strings if s in strings] for sig in self.kb.binary.libc
        }
        if (interp and "ld-musl" in interp) or any(n.startswith("libc.musl") for n in needed):
            f["libc"], f["libc_evidence"] = (
                "musl",
                f"interpreter {interp or ''} {' '.join(needed)}".strip(),
            )
        elif (interp and "ld-linux" in interp) or "libc.so.6" in needed:
            f["libc"], f["libc_evidence"] = (
                "glibc",
                f"interpreter {interp}" if interp else "needs libc.so.6",
            )
        elif signatures.get("glibc"):
            f["libc"], f["libc_evidence"] = (
                "glibc",
                "strings " + ", ".join(repr(s) for s in signatures["glibc"][:3]),
            )
        elif signatures.get("musl"):
            f["libc"], f["libc_evidence"] = (
                "musl",
                "strings " + ", ".join(repr(s) for s in signatures["musl"]),
            )
        elif f.get("go") is not None:
            f["libc"], f["libc_evidence"] = "none", "a Go binary with no C library strings"
        elif f.get("linkage") == "static":
            f["libc"], f["libc_evidence"] = "none", "no C library strings found"
        if f.get("go") is not None and self.cgo_packages is not None:
            f["cgo_packages"] = tuple(sorted(self.cgo_packages))
        if f.get("libc") != "glibc":
            # The knowledge base is about glibc: musl's getpwnam carries no glibc warning.
            self.hits = [h for h in self.hits if h.how.startswith("section")]
        if f.get("libc") == "glibc" and f.get("linkage") != "dynamic":
            always = {s for entry in self.kb.binary.always_linked for s in entry.symbols}
            self.hits = [h for h in self.hits if h.symbol not in always]
            present = self.defined | {h.symbol for h in self.hits}
            for companion in self.kb.binary.companion:
                if companion.function in present:
                    self.hits = [
                        replace(h, brought_by=companion.function)
                        if h.symbol in companion.brings and h.brought_by is None
                        else h
                        for h in self.hits
                    ]
            evidence = [
                GlibcEvidence(min=h.min, max=h.max, reason=h.reason, source=h.source)
                for h in self.kb.binary.glibc_string_hint
                if h.string in strings
            ]
            mins = [e.min for e in evidence if e.min]
            maxes = [e.max for e in evidence if e.max]
            f["glibc_evidence"] = tuple(evidence)
            f["glibc_min"] = max(mins, key=version_tuple) if mins else None
            f["glibc_max"] = min(maxes, key=version_tuple) if maxes else None
            self._footprint(strings)

    def _footprint(self, strings: set[str]) -> None:
        """Stripped or not, strings show what the static glibc may load at run time; skip what the
        symbol table or warning sections already showed precisely."""
        kb = self.kb
        groups = {
            kb.group_of(kb.symbols[h.symbol].category).id
            for h in self.hits
            if h.symbol in kb.symbols
        }
        for fp in kb.binary.footprint:
            present = [s for s in fp.strings if s in strings]
            if not present or fp.redundant_with_group in groups:
                continue
            self.hits.append(BinaryHit(fp.symbol, f"string {present[0]!r}", category=fp.category))


def _abi_tag(holders: Iterator[Any]) -> str | None:
    """The minimum kernel in the first NT_GNU_ABI_TAG note of these sections or segments."""
    for holder in holders:
        for note in holder.iter_notes():
            if note["n_type"] == "NT_GNU_ABI_TAG" and note["n_name"] == "GNU":
                d = note["n_desc"]
                return f"{d['abi_major']}.{d['abi_minor']}.{d['abi_tiny']}"
    return None


def inspect_binary(
    kb: KnowledgeBase, path: str
) -> tuple[BinaryInfo, list[BinaryHit], GoBuildInfo | None]:
    """Read `path`; InputError when it is missing, unreadable, not ELF, or its ELF header cannot
    be read. Damage past the header gives a partial result that says what could not be read."""
    fh = _open(path)
    with fh:
        info, hits = _Reader(kb, path, fh).read()
    return info, hits, info.go
