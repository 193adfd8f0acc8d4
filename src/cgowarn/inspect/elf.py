"""Read one ELF file, section by section (never the whole file at once), and say what it needs at
run time. pyelftools reads the ELF header; the tables after it are read with bounded walks
(walk.py), and every string taken from the file goes through one guard (text.py). Hostile files
(truncated, bogus offsets, lying counts, looping chains) give a partial result with the reason,
never a traceback or a hang; a file whose ELF header cannot be read is an input error."""

from __future__ import annotations

import os
import stat
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import IO, Any

from elftools.common.exceptions import ELFError
from elftools.construct import ConstructError
from elftools.elf.descriptions import describe_e_machine

from cgowarn import regexes
from cgowarn.errors import DamagedElf, GoInfoError, InputError
from cgowarn.inputs import why_unreadable
from cgowarn.inspect.goinfo import parse_buildinfo
from cgowarn.inspect.scan import find_strings
from cgowarn.inspect.text import clean_text
from cgowarn.inspect.walk import (
    MAX_SMALL,
    PT_DYNAMIC,
    PT_INTERP,
    PT_NOTE,
    SHN_UNDEF,
    SHT_DYNSYM,
    SHT_GNU_VERNEED,
    SHT_GNU_VERSYM,
    SHT_NOTE,
    SHT_SYMTAB,
    STT_FUNC,
    STT_GNU_IFUNC,
    STT_OBJECT,
    ElfHeader,
    ElfTables,
    Note,
    read_header,
    wanted_names,
)
from cgowarn.knowledge import KnowledgeBase
from cgowarn.knowledge.models import LibcSignature
from cgowarn.model import BinaryInfo, GlibcEvidence, GoBuildInfo
from cgowarn.regexes import TooSlow
from cgowarn.versions import is_version, version_tuple

ELF_MAGIC = b"\x7fELF"
_RUSTC = regexes.compile("inspect.elf.RUSTC", rb"rustc version (\d+\.\d+)\.\d+")
# cgo's wrapper for a C function, in a Go binary's symbol table: `os/user._Cfunc_mygetpwnam_r`,
# `net._cgo_2ac87069779a_C2func_getaddrinfo` (cmd/cgo's out.go names them so).
_CXX_RUNTIME = b"__gxx_personality_v0\0"
"""g++ and clang++ link libstdc++'s exception personality routine into every C++ program."""
_CXX_LIBRARY = "libstdc++.so"
_CGO_WRAPPER = regexes.compile(
    "inspect.elf.CGO_WRAPPER",
    r"^(?P<package>[\w.~+/-]+?)\.(?:_cgo_[0-9a-f]+_)?_?C2?func_\w",
    anchored=True,
)
# What a malformed file can make pyelftools (reading the ELF header) or the walks raise.
# AssertionError: pyelftools 0.33 checks some of what it reads with `assert`. AttributeError and
# TypeError are not here: they are bugs in cgowarn, and the error boundary reports them as such.
# OSError is not here either: a file that cannot be read is an input error, not damage.
MALFORMED = (
    TooSlow,
    DamagedElf,
    ELFError,
    ConstructError,
    AssertionError,
    struct.error,
    ValueError,
    KeyError,
    IndexError,
    UnicodeDecodeError,
    OverflowError,
    MemoryError,
    EOFError,
    RecursionError,
)
MAX_ITEMS = 1024
"""Entries kept of a list read from a binary (NEEDED names, cgo packages, warning sections, symbols
needing the newest glibc version); more are noted as left out."""
MAX_ERRORS = 20
"""Problems listed in a binary's report; more are counted."""
MAX_INTERP = 4096
"""Bytes read of PT_INTERP (PATH_MAX)."""
MAX_NOTE_HOLDERS = 64
"""Note sections and PT_NOTE segments read for the ABI tag (a real binary has a handful)."""
MAX_NOTE_BYTES = 1 << 20
"""Bytes of notes read in all; a file that claims more is not read further for its ABI tag."""
MAX_WARNING_BYTES = 4 << 20
"""Bytes of .gnu.warning sections read in all."""
MAX_SCAN = 256 << 20
"""Bytes of the file scanned for the C library's strings: the first 256 MiB (the read-only data
of any real binary lies there); the rest of a larger file is said to be unscanned."""
SECONDS = 5.0
"""Seconds the reading of one binary may take: a step that would start later is skipped, and
the report says which."""
_GLIBC_VERSION = "GLIBC_"
WARNING_SECTION = ".gnu.warning"
NT_GNU_ABI_TAG = 1


@dataclass(frozen=True)
class BinaryHit:
    """Evidence in the binary that a glibc function, or a run-time dependency, is linked in."""

    symbol: str
    how: str
    """e.g. `section .gnu.warning.getpwnam`, `symbol table`, `string "libnss_%s.so"`."""
    message: str | None = None
    family: str = "binary"
    """The shape of glibc message (messages.toml) a warning section's text has; `binary` when
    the binary shows no message (a symbol, a string) or one in no glibc shape."""
    category: str | None = None
    """Set for footprint items that are not glibc symbols."""
    brought_by: str | None = None
    """The function glibc links it in with (binary.toml [[companion]]), when that is why it is
    here."""


def _open(path: str) -> tuple[IO[bytes], int]:
    """The file, open for reading, and its size. Only a regular file is read: a FIFO would block
    and a device or /proc file has no size that bounds the reading."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot inspect {path}: {why_unreadable(exc)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"cannot inspect {path}: it is a directory")
        if not stat.S_ISREG(mode):
            raise InputError(
                f"cannot inspect {path}: not a regular file (a FIFO, device or socket)"
            )
    except BaseException:
        os.close(fd)
        raise
    fh = os.fdopen(fd, "rb")
    try:
        if fh.read(4) != ELF_MAGIC:
            raise InputError(f"cannot inspect {path}: not an ELF file")
        size = os.fstat(fd).st_size
        if size < len(ELF_MAGIC):
            # /proc and /sys files say 0 bytes whatever they hold: nothing bounds the reading.
            raise InputError(f"cannot inspect {path}: its size is unknown (a /proc or /sys file?)")
        fh.seek(0)
    except OSError as exc:
        fh.close()
        raise InputError(f"cannot inspect {path}: {exc.strerror or exc}") from None
    except BaseException:
        fh.close()
        raise
    return fh, size


class _Reader:
    def __init__(self, kb: KnowledgeBase, path: str, fh: IO[bytes], size: int) -> None:
        self.kb = kb
        self.path = path
        self.fh = fh
        self.size = size
        self.fields: dict[str, Any] = {}
        self.hits: list[BinaryHit] = []
        self.errors: list[str] = []
        self.e_type: str | None = None
        self.has_dynamic = False
        self.strings: set[str] = set()
        self.defined: set[str] = set()
        """Functions of binary.toml's [[companion]] entries defined in the symbol table."""
        self.cxx = False
        self.shared_library = False
        self.libc_symbols: dict[str, list[str]] = {}
        """Whether the symbol table names C++'s runtime (libstdc++'s personality routine)."""
        self.cgo_packages: set[str] | None = None
        """Go packages whose cgo wrappers the symbol table holds; None without a symbol table."""
        self.deadline = time.monotonic() + SECONDS

    def step(self, what: str, fn: Callable[[Note], None]) -> None:
        """Run one reading step; a malformed file stops that step only, and says so. What the
        step notes without stopping (a table cut short) is said too."""

        def note(message: str) -> None:
            self.errors.append(message if message.startswith(what) else f"{what}: {message}")

        if time.monotonic() > self.deadline:
            note(f"not read: reading this binary took longer than {SECONDS:.0f} s")
            return
        try:
            fn(note)
        except DamagedElf as exc:
            note(str(exc))
        except MALFORMED as exc:
            note(f"{type(exc).__name__}: {str(exc)[:120] or 'malformed'}")

    def read(self) -> tuple[BinaryInfo, list[BinaryHit]]:
        """What the file shows; InputError when not even its ELF header can be read (then nothing
        else can be, and a report of "no findings" would be a false all-clear), or when reading
        fails (an I/O error: what was read cannot be trusted to be all there is)."""
        try:
            return self._read()
        except OSError as exc:
            raise InputError(
                f"cannot inspect {self.path}: reading failed: {exc.strerror or exc}"
            ) from None

    def _read(self) -> tuple[BinaryInfo, list[BinaryHit]]:
        try:
            elf = read_header(self.fh)
            self._header(elf)
        except MALFORMED as exc:
            raise InputError(
                f"cannot inspect {self.path}: its ELF header cannot be read "
                f"({type(exc).__name__}: {clean_text(str(exc), 120) or 'malformed'})"
            ) from None
        t = ElfTables(elf, self.fh, self.size)
        self.step("section headers", t.read_sections)
        self.step("program headers", t.read_segments)
        self.step("program headers", lambda note: self._segments(t, note))
        self.step("dynamic section", lambda note: self._dynamic(t, note))
        self.step("notes", lambda note: self._notes(t, note))
        self.step("symbol versions", lambda note: self._versions(t, note))
        self.step("symbol table", lambda note: self._symbols(t, note))
        self.step("warning sections", lambda note: self._warning_sections(t, note))
        self.step("Go build info", lambda note: self._go(t, note))
        self.step("compiler notes", lambda note: self._comment(t, note))
        self.step("strings", lambda note: self._strings())
        self._classify()
        errors = [clean_text(e) for e in dict.fromkeys(self.errors)]
        if len(errors) > MAX_ERRORS:
            errors[MAX_ERRORS:] = [f"and {len(errors) - MAX_ERRORS} more problems"]
        info = BinaryInfo(path=self.path, error="; ".join(errors) or None, **self.fields)
        return info, self.hits

    def _header(self, elf: ElfHeader) -> None:
        self.fields["elf_class"] = elf.elfclass
        self.fields["machine"] = clean_text(
            describe_e_machine(elf["e_machine"]).replace("Advanced Micro Devices ", "")
        )
        self.e_type = elf["e_type"]

    def _segments(self, t: ElfTables, note: Note) -> None:
        self.has_dynamic = any(seg.type == PT_DYNAMIC for seg in t.segments)
        interp = next((seg for seg in t.segments if seg.type == PT_INTERP), None)
        if interp is not None:
            data = t.read(interp.offset, interp.filesz, "PT_INTERP", MAX_INTERP, note)
            self.fields["interpreter"] = clean_text(
                data.split(b"\0", 1)[0].decode("utf-8", "replace")
            )

    def _dynamic(self, t: ElfTables, note: Note) -> None:
        offsets, strings = t.dynamic(note)
        self.shared_library = self.e_type == "ET_DYN" and (t.soname or not t.pie)
        if len(offsets) > MAX_ITEMS:
            note(f"{len(offsets)} NEEDED entries, the first {MAX_ITEMS} kept")
        self.fields["needed"] = tuple(clean_text(strings.get(o)) for o in offsets[:MAX_ITEMS])

    def _notes(self, t: ElfTables, note: Note) -> None:
        # The PT_NOTE segments first: the loader reads them, and they stay readable when the
        # section header table is removed or damaged. The note sections are the fallback (mold
        # 2.x puts 4-aligned notes in a PT_NOTE segment aligned to 8, which then reads as
        # damaged). What could not be read is said only when no holder had the ABI tag.
        holders = [
            (s.offset, s.filesz, s.align, "PT_NOTE") for s in t.segments if s.type == PT_NOTE
        ]
        holders += [
            (s.offset, s.size, s.addralign, f"section {clean_text(s.name)}")
            for s in t.sections
            if s.type == SHT_NOTE
        ]
        problems = []
        if len(holders) > MAX_NOTE_HOLDERS:
            problems.append(f"{len(holders)} note holders, the first {MAX_NOTE_HOLDERS} read")
        budget = MAX_NOTE_BYTES
        for offset, size, align, what in holders[:MAX_NOTE_HOLDERS]:
            if budget <= 0:
                problems.append(f"more than {MAX_NOTE_BYTES >> 10} KiB of notes, the rest not read")
                break
            budget -= min(max(size, 0), MAX_SMALL)
            try:
                for name, ntype, desc in t.notes(t.read(offset, size, what, MAX_SMALL), align):
                    if ntype == NT_GNU_ABI_TAG and name == b"GNU\0" and len(desc) >= 16:
                        _os, major, minor, tiny = t.u32s(desc[:16])
                        self.fields["abi_kernel"] = f"{major}.{minor}.{tiny}"
                        return
            except DamagedElf as exc:
                problems.append(f"{what}: {exc}")
        for problem in problems:
            note(problem)

    def _versions(self, t: ElfTables, note: Note) -> None:
        verneed = t.section_typed(SHT_GNU_VERNEED)
        if verneed is None:
            return
        glibc: dict[int, str] = {}
        for name, other in t.version_needs(verneed, note):
            if name.startswith(_GLIBC_VERSION) and is_version(name[len(_GLIBC_VERSION) :]):
                glibc[other] = name[len(_GLIBC_VERSION) :]
        if not glibc:
            return
        top = max(glibc.values(), key=version_tuple)
        self.fields["glibc_required"] = clean_text(top)
        versym = t.section_typed(SHT_GNU_VERSYM)
        dynsym = t.section_typed(SHT_DYNSYM)
        if versym is None or dynsym is None:
            return
        indexes = t.versym(versym, note)
        table = t.symbol_table(dynsym, "dynamic symbol table", note)
        tops = {i for i, v in glibc.items() if v == top}
        needing = [i for i in range(min(len(indexes), len(table))) if indexes[i] & 0x7FFF in tops]
        symbols: set[str] = set()
        for i in needing[: MAX_ITEMS * 4]:
            raw = table.symbol(i).name
            if raw:
                symbols.add(clean_text(raw.decode("utf-8", "replace")))
        if len(needing) > MAX_ITEMS:
            note(f"{len(needing)} symbols need GLIBC_{top}, the first {MAX_ITEMS} kept")
        self.fields["glibc_required_symbols"] = tuple(sorted(symbols)[:MAX_ITEMS])

    def _symbols(self, t: ElfTables, note: Note) -> None:
        if not t.sections:
            # No section header table (removed, or e_shoff zeroed): whether there is a symbol
            # table cannot be told, so `stripped` stays unknown.
            return
        # By type, not by name: a damaged section name table hides the names, not the types.
        symtab = t.section_typed(SHT_SYMTAB)
        if symtab is not None or t.sections_complete:
            # Without the whole section header table, a missing symbol table proves nothing.
            self.fields["stripped"] = symtab is None
        known = self.kb.symbols
        # Names are compared as bytes: most symbols are none of these, and are never decoded.
        companions = (
            {c.function.encode() for c in self.kb.binary.companion}
            | {s.encode() for a in self.kb.binary.always_linked for s in a.callers}
            | {s.encode() for fp in self.kb.binary.footprint for s in fp.symbols}
        )
        wanted, exact = self.kb.memos.value("elf-wanted-names", self._wanted)
        if symtab is not None:
            seen = set()
            cgo: set[str] = set()
            table = t.symbol_table(symtab, "symbol table", note)
            self.cxx = _CXX_RUNTIME in table.names.data
            self.libc_symbols = {
                sig.name: [n for n in sig.symbols if b"\0" + n.encode() + b"\0" in table.names.data]
                for sig in self.kb.binary.libc
            }
            for _, sym in table.named(exact, wanted, b"func_"):
                raw = sym.name
                if (
                    b"func_" in raw
                    and len(cgo) < MAX_ITEMS
                    and (m := _CGO_WRAPPER.match(raw.decode("utf-8", "replace")))
                ):
                    cgo.add(clean_text(m.group("package")))
                if raw not in wanted or sym.shndx == SHN_UNDEF:
                    continue
                name = raw.decode()
                if raw in companions:
                    self.defined.add(name)
                entry = known.get(name)
                # Only symbols that carry a warning in Linux's libc.a (not generic or Hurd ones).
                if (
                    entry
                    and entry.in_reference_libc
                    and name not in seen
                    and sym.type in (STT_FUNC, STT_GNU_IFUNC, STT_OBJECT)
                ):
                    seen.add(name)
                    self.hits.append(BinaryHit(name, "symbol table"))
            self.cgo_packages = cgo
        dynsym = t.section_typed(SHT_DYNSYM)
        if dynsym is not None:
            # A dynamic binary calls these in the host's libc.so: only the warnings that also fire
            # in dynamic links (unsafe, obsolete, stubs) apply.
            undefined: set[bytes] = set()
            table = t.symbol_table(dynsym, "dynamic symbol table", note)
            for _, sym in table.named(exact, wanted):
                if sym.shndx != SHN_UNDEF or sym.name not in wanted or sym.name in undefined:
                    continue
                undefined.add(sym.name)
                entry = known.get(sym.name.decode())
                if entry and not self.kb.categories[entry.category].static_only:
                    self.hits.append(BinaryHit(entry.name, "dynamic symbol table"))

    def _wanted(self) -> tuple[frozenset[bytes], Any]:
        """The names the symbol tables are searched for (the knowledge base's functions and
        binary.toml's companions and the functions that show a footprint used), and the pattern
        that finds them in a string table."""
        names = frozenset(
            {n.encode() for n in self.kb.symbols}
            | {c.function.encode() for c in self.kb.binary.companion}
            | {s.encode() for a in self.kb.binary.always_linked for s in a.callers}
            | {s.encode() for fp in self.kb.binary.footprint for s in fp.symbols}
        )
        return names, wanted_names(names)

    def _warning_sections(self, t: ElfTables, note: Note) -> None:
        sections = [s for s in t.sections if s.name.startswith(WARNING_SECTION)]
        if len(sections) > MAX_ITEMS:
            note(f"{len(sections)} warning sections, the first {MAX_ITEMS} read")
        budget = MAX_WARNING_BYTES
        for section in sections[:MAX_ITEMS]:
            name = clean_text(section.name)
            if budget <= 0:
                note(
                    f"more than {MAX_WARNING_BYTES >> 20} MiB of warning sections, the rest not read"
                )
                break
            budget -= min(max(section.size, 0), MAX_SMALL)
            try:
                data = t.section_data(section, f"section {name}", MAX_SMALL, note)
            except DamagedElf as exc:
                note(str(exc))
                continue
            parts = [p for p in data.decode("utf-8", "replace").split("\0") if p]
            symbol = section.name.removeprefix(WARNING_SECTION + ".")
            if section.name.startswith(WARNING_SECTION + ".") and symbol:
                # lld copies each input's .gnu.warning.SYMBOL section into the output: glibc's,
                # and those of any other library that warns about a function of its own.
                message = clean_text(parts[0]) if parts else None
                found = self.kb.parse.match_message(message) if message else None
                self.hits.append(
                    BinaryHit(
                        clean_text(symbol),
                        f"section {name}",
                        message,
                        family=found.family if found else "binary",
                    )
                )
                continue
            # mold merges them all into one .gnu.warning section: only glibc's are recognised
            # (the others name no function).
            for part in parts:
                found = self.kb.parse.match_message(part)
                if found is not None:
                    self.hits.append(
                        BinaryHit(
                            clean_text(found.symbol),
                            f"section {name}",
                            clean_text(part[found.start : found.end]),
                            family=found.family,
                        )
                    )

    def _comment(self, t: ElfTables, note: Note) -> None:
        """The .comment section names the compilers: `rustc version 1.95.0 (...)` for Rust."""
        section = t.section_named(".comment")
        if section is None:
            return
        m = _RUSTC.search(t.section_data(section, ".comment", MAX_SMALL))
        if m is not None:
            self.fields["rust_version"] = clean_text(m.group(1).decode())

    def _go(self, t: ElfTables, note: Note) -> None:
        section = t.section_named(".go.buildinfo")
        if section is None:
            return
        try:
            self.fields["go"] = parse_buildinfo(t.section_data(section, ".go.buildinfo", MAX_SMALL))
        except GoInfoError as exc:
            note(str(exc))

    def _dynamic_libc(self) -> LibcSignature | None:
        """The C library a dynamic binary's loader or NEEDED entries name, if any."""
        interp = self.fields.get("interpreter")
        loader = interp.rsplit("/", 1)[-1] if interp else ""
        needed = self.fields.get("needed", ())
        return next(
            (
                sig
                for sig in self.kb.binary.libc
                if loader.startswith(sig.interpreter_prefix)
                or any(n.startswith(sig.library_prefix) for n in needed)
            ),
            None,
        )

    def _strings(self) -> None:
        if self._dynamic_libc() is not None:
            return  # its loader names the C library, and strings tell only of static ones
        kb = self.kb.binary
        needles = {s.encode() for sig in kb.libc for s in sig.strings}
        needles |= {h.string.encode() for h in kb.glibc_string_hint}
        needles |= {s.encode() for fp in kb.footprint for s in fp.strings}
        self.fh.seek(0)
        self.strings = {n.decode() for n in find_strings(self.fh, needles, MAX_SCAN)}
        if self.size > MAX_SCAN:
            self.errors.append(
                f"strings: the first {MAX_SCAN >> 20} MiB of {self.size >> 20} MiB scanned for "
                "the C library's strings"
            )

    def _classify(self) -> None:
        """Linkage and C library from what the steps read; drop glibc evidence from other libcs."""
        f = self.fields
        interp = f.get("interpreter")
        needed = f.get("needed", ())
        if self.shared_library and not interp:
            # Loaded by another program's loader: dynamic, with the GLIBC_x.y it needs.
            f["linkage"], f["shared_library"] = "dynamic", True
        elif interp or needed:
            f["linkage"] = "dynamic"
        elif self.e_type == "ET_DYN" and self.has_dynamic:
            f["linkage"] = "static-pie"
        elif self.e_type is not None:
            f["linkage"] = "static"
        strings = self.strings
        signatures = {
            sig.name: [s for s in sig.strings if s in strings] for sig in self.kb.binary.libc
        }
        loader = interp.rsplit("/", 1)[-1] if interp else ""
        dynamic = self._dynamic_libc()
        if dynamic is not None:
            f["libc"], f["libc_evidence"] = (
                dynamic.name,
                f"interpreter {interp}"
                if loader.startswith(dynamic.interpreter_prefix)
                else f"needs {next(n for n in needed if n.startswith(dynamic.library_prefix))}",
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
        elif self.libc_symbols.get("musl"):
            f["libc"], f["libc_evidence"] = (
                "musl",
                "symbols " + ", ".join(self.libc_symbols["musl"]),
            )
        elif f.get("go") is not None:
            f["libc"], f["libc_evidence"] = "none", "a Go binary with no C library strings"
        elif f.get("linkage") == "static":
            f["libc"], f["libc_evidence"] = "none", "no C library strings found"
        if self.cxx or any(n.startswith(_CXX_LIBRARY) for n in f.get("needed", ())):
            f["cxx"] = True
        if f.get("go") is not None and self.cgo_packages is not None:
            f["cgo_packages"] = tuple(sorted(self.cgo_packages))
        if f.get("libc") != "glibc":
            # The knowledge base is about glibc: musl's getpwnam carries no glibc warning.
            self.hits = [h for h in self.hits if h.how.startswith("section")]
        if f.get("libc") == "glibc" and f.get("linkage") != "dynamic":
            # Always there, so no evidence, unless a caller the symbol table names proves a call.
            always = {
                s
                for entry in self.kb.binary.always_linked
                if not self.defined & set(entry.callers)
                for s in entry.symbols
            }
            unknown = [h.symbol for h in self.hits if h.symbol in always]
            if unknown:  # present, but what every such binary holds: whether it is used is unknown
                f["cannot_tell"] = tuple(dict.fromkeys((*unknown, *f.get("cannot_tell", ()))))
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
        symbol table or warning sections already showed precisely. Where the strings are in every
        static glibc binary, only a function the program uses shows it, and without one the
        binary cannot tell."""
        kb = self.kb
        groups = {
            kb.group_of(kb.symbols[h.symbol].category).id
            for h in self.hits
            if h.symbol in kb.symbols
        }
        cannot_tell = []
        for fp in kb.binary.footprint:
            present = [s for s in fp.strings if s in strings]
            if not present or fp.redundant_with_group in groups:
                continue
            if not fp.in_every_binary:
                hit = BinaryHit(fp.symbol, f"string {present[0]!r}", category=fp.category)
                self.hits.append(hit)
                continue
            # Its strings are in every static glibc binary: only a function tells.
            defined = [name for name in fp.symbols if name in self.defined]
            if defined:
                self.hits.append(
                    BinaryHit(fp.symbol, f"defines {defined[0]}", category=fp.category)
                )
            elif self.fields.get("stripped") is not False or not fp.symbols:
                cannot_tell.append(fp.symbol)
        if cannot_tell:
            before = self.fields.get("cannot_tell", ())
            self.fields["cannot_tell"] = tuple(dict.fromkeys((*before, *cannot_tell)))


def inspect_stream(
    kb: KnowledgeBase, name: str, fh: IO[bytes], size: int
) -> tuple[BinaryInfo, list[BinaryHit], GoBuildInfo | None]:
    """Read an ELF file already open (an archive's member, in memory) as `name`."""
    if fh.read(4) != ELF_MAGIC:
        raise InputError(f"cannot inspect {name}: not an ELF file")
    fh.seek(0)
    with fh:
        info, hits = _Reader(kb, name, fh, size).read()
    return info, hits, info.go


def inspect_binary(
    kb: KnowledgeBase, path: str
) -> tuple[BinaryInfo, list[BinaryHit], GoBuildInfo | None]:
    """Read `path`; InputError when it is missing, unreadable, not a regular file, not ELF, or its
    ELF header cannot be read. Damage past the header gives a partial result that says what could
    not be read. Every string in the result has been through `clean_text`, and no walk over the
    file's tables takes more steps than the file has bytes (walk.py)."""
    fh, size = _open(path)
    with fh:
        info, hits = _Reader(kb, path, fh, size).read()
    return info, hits, info.go
