"""Bounded walks over an ELF file's tables.

pyelftools (0.33) trusts what a file says about itself: it walks `sh_info` version entries
following `vn_next` even when that is 0 (4 changed bytes in `.gnu.version_r`, a 4-billion-step
loop), parses a symbol table of `sh_size / sh_entsize` entries with `sh_entsize` 1 (13 s for one
file), reads `.dynamic` past its end until a DT_NULL, and builds a string table with `assert`.
Here pyelftools reads only the ELF header; every table after it is read with these walks, which
check each count against the bytes that hold it, each entry size against the structure it holds,
each offset against the file size, and each linked chain against the offsets it has already
visited. No walk takes more steps than its bytes hold entries, and no read takes more than the
caps below, so the work is bounded by the file's size however the file lies.

What does not add up raises DamagedElf (the step that met it stops, and the report says so) or,
when the rest of a table is still usable, is noted through `note` and the walk goes on.
"""

from __future__ import annotations

import array
import functools
import re
import struct
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from elftools.common.exceptions import ELFError
from elftools.common.utils import struct_parse
from elftools.elf.constants import SH_FLAGS
from elftools.elf.enums import (
    ENUM_D_TAG_COMMON,
    ENUM_P_TYPE_BASE,
    ENUM_SH_TYPE_BASE,
    ENUM_ST_INFO_TYPE,
)
from elftools.elf.structs import ELFStructs

from cgowarn.errors import DamagedElf

SHT_SYMTAB = ENUM_SH_TYPE_BASE["SHT_SYMTAB"]
SHT_STRTAB = ENUM_SH_TYPE_BASE["SHT_STRTAB"]
SHT_DYNAMIC = ENUM_SH_TYPE_BASE["SHT_DYNAMIC"]
SHT_NOTE = ENUM_SH_TYPE_BASE["SHT_NOTE"]
SHT_NOBITS = ENUM_SH_TYPE_BASE["SHT_NOBITS"]
SHT_DYNSYM = ENUM_SH_TYPE_BASE["SHT_DYNSYM"]
SHT_GNU_VERNEED = ENUM_SH_TYPE_BASE["SHT_GNU_verneed"]
SHT_GNU_VERSYM = ENUM_SH_TYPE_BASE["SHT_GNU_versym"]
SHF_COMPRESSED = SH_FLAGS.SHF_COMPRESSED
PT_LOAD = ENUM_P_TYPE_BASE["PT_LOAD"]
PT_DYNAMIC = ENUM_P_TYPE_BASE["PT_DYNAMIC"]
PT_INTERP = ENUM_P_TYPE_BASE["PT_INTERP"]
PT_NOTE = ENUM_P_TYPE_BASE["PT_NOTE"]
DT_NULL = ENUM_D_TAG_COMMON["DT_NULL"]
DT_NEEDED = ENUM_D_TAG_COMMON["DT_NEEDED"]
DT_STRTAB = ENUM_D_TAG_COMMON["DT_STRTAB"]
DT_STRSZ = ENUM_D_TAG_COMMON["DT_STRSZ"]
DT_SONAME = ENUM_D_TAG_COMMON["DT_SONAME"]
DT_FLAGS_1 = ENUM_D_TAG_COMMON["DT_FLAGS_1"]
DF_1_PIE = 0x08000000
"""DT_FLAGS_1's mark of a position-independent executable (elf/elf.h), which ld sets for -pie
and -static-pie links and never for a shared library."""
STT_OBJECT = ENUM_ST_INFO_TYPE["STT_OBJECT"]
STT_FUNC = ENUM_ST_INFO_TYPE["STT_FUNC"]
STT_GNU_IFUNC = ENUM_ST_INFO_TYPE["STT_LOOS"]  # GNU's indirect function is the first OS type
SHN_UNDEF = 0
SHN_XINDEX = 0xFFFF
PN_XNUM = 0xFFFF

MAX_TABLE = 32 << 20
"""Bytes of one table (a symbol or string table) read into memory; the rest is noted, not read."""
MAX_SMALL = 64 << 10
"""Bytes read of a section that holds text or notes (.comment, .go.buildinfo, warnings, notes)."""
MAX_NAME = 1024
"""Bytes of one name from a string table; no name cgowarn looks for is longer."""
MAX_SECTIONS = 1 << 17
MAX_SEGMENTS = 1 << 16

Note = Callable[[str], None]
_OFFSET = 0xFFFFFFFF
"""The `vn_next`, `vn_aux` and `vna_next` links are 32-bit: as a 32-bit reader adds them, modulo 2**32,
so that 0xFFFFFFF0 means 16 bytes back (a chain that can loop)."""


@dataclass(frozen=True)
class Section:
    """One section header; `name` is raw (to be cleaned before it is stored)."""

    index: int
    name: str
    type: int
    flags: int
    addr: int
    offset: int
    size: int
    link: int
    info: int
    addralign: int
    entsize: int


@dataclass(frozen=True)
class Segment:
    """One program header."""

    type: int
    offset: int
    vaddr: int
    filesz: int
    align: int


@dataclass(frozen=True)
class Symbol:
    name: bytes
    type: int
    shndx: int


class StringTable:
    """A string table read once (up to MAX_TABLE bytes); a name is cut at MAX_NAME bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def raw(self, offset: int) -> bytes:
        data = self.data
        if offset >= len(data):
            return b""
        end = data.find(b"\0", offset, offset + MAX_NAME)
        return data[offset : end if end >= 0 else offset + MAX_NAME]

    def get(self, offset: int) -> str:
        return self.raw(offset).decode("utf-8", "replace")


EMPTY_STRINGS = StringTable(b"")


def wanted_names(names: frozenset[bytes]) -> Any:
    """The pattern SymbolTable.named scans a string table with: a NUL byte, then any of `names`
    whole (up to the next NUL byte). An alternation of literals after a literal NUL, which the
    engine finds by a byte search: no repeat, linear, three times faster than a lookbehind."""
    from cgowarn import regexes

    body = b"|".join(re.escape(n) for n in sorted(names)) or b"(?!)"
    return regexes.Regex(
        "inspect.walk.wanted names", b"\\x00(?:" + body + b")(?=\\x00)", literal=True
    ).compiled


class SymbolTable:
    """The entries of one symbol table, read in bulk: a table of a million symbols is searched
    for the few names cgowarn knows in well under a second, never one Python object per symbol.

    `name_offsets` is each symbol's st_name, sliced out of the table at C speed; a name is looked
    up in the string table only for the symbols whose offset names a wanted string (found by one
    scan of the string table), and for the rare symbol whose name is the tail of another string
    (a linker's tail merging), which is read as it is."""

    def __init__(
        self, data: bytes, count: int, entsize: int, names: StringTable, tables: ElfTables
    ) -> None:
        self.data = data
        self.count = count
        self.entsize = entsize
        self.names = names
        self._unpack = tables._sym.unpack_from
        self._is64 = tables.is64
        self._swap = (tables.endian == "<") != (sys.byteorder == "little")

    def __len__(self) -> int:
        return self.count

    def symbol(self, i: int) -> Symbol:
        r = self._unpack(self.data, i * self.entsize)
        if self._is64:  # name, info, other, shndx, value, size
            return Symbol(self.names.raw(r[0]), r[1] & 0xF, r[3])
        return Symbol(self.names.raw(r[0]), r[3] & 0xF, r[5])  # name, value, size, info, ...

    def name_offsets(self) -> Sequence[int]:
        """Each symbol's st_name (the first word of every entry)."""
        if self.entsize % 4:
            return [self._unpack(self.data, i * self.entsize)[0] for i in range(self.count)]
        words = array.array("I")
        words.frombytes(self.data[: self.count * self.entsize])
        if self._swap:
            words.byteswap()
        return words[0 :: self.entsize // 4]

    def named(
        self, exact: Any, wanted: frozenset[bytes], contains: bytes | None = None
    ) -> Iterator[tuple[int, Symbol]]:
        """(index, symbol) of every symbol whose name is one of `wanted` or holds `contains`.
        `exact` finds the wanted names in the string table: a pattern that matches each of them
        between NUL bytes (wanted_names)."""
        strings = self.names.data
        starts = {m.start() + 1 for m in exact.finditer(strings)}  # after the NUL byte
        if contains:
            pos = strings.find(contains)
            while pos >= 0:
                start = strings.rfind(b"\0", 0, pos) + 1
                starts.add(start)
                end = strings.find(b"\0", pos)
                pos = strings.find(contains, end) if end >= 0 else -1
        size = len(strings)
        for i, offset in enumerate(self.name_offsets()):
            if offset in starts:
                yield i, self.symbol(i)
            elif 0 < offset < size and strings[offset - 1]:
                # The tail of another string: read this one name as it is.
                name = self.names.raw(offset)
                if name in wanted or (contains and contains in name):
                    yield i, self.symbol(i)


@functools.cache
def _header_structs(little_endian: bool, elfclass: int) -> ELFStructs:
    """pyelftools' ELF header layout for one class and byte order, built once: its other
    structures (every table's) are never used here, and building them costs a millisecond a file."""
    structs = ELFStructs(little_endian=little_endian, elfclass=elfclass)
    structs.create_basic_structs()
    return structs


@dataclass(frozen=True)
class ElfHeader:
    """The ELF header, as pyelftools parses it."""

    elfclass: int
    little_endian: bool
    fields: Any
    """pyelftools' Container: e_type, e_machine, e_shoff, ..."""

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]


def read_header(fh: IO[bytes]) -> ElfHeader:
    """The header of the ELF file `fh`; ELFError (or a construct error) when it is not one."""
    fh.seek(0)
    ident = fh.read(6)
    if ident[:4] != b"\x7fELF":
        raise ELFError("Magic number does not match")
    elfclass = {1: 32, 2: 64}.get(ident[4]) if len(ident) > 4 else None
    if elfclass is None:
        raise ELFError(f"Invalid EI_CLASS {ident[4:5]!r}")
    little = {1: True, 2: False}.get(ident[5]) if len(ident) > 5 else None
    if little is None:
        raise ELFError(f"Invalid EI_DATA {ident[5:6]!r}")
    fields = struct_parse(_header_structs(little, elfclass).Elf_Ehdr, fh, stream_pos=0)
    return ElfHeader(elfclass, little, fields)


class ElfTables:
    """The tables of one ELF file, each read with a bounded walk, after its header."""

    def __init__(self, elf: ElfHeader, fh: IO[bytes], size: int) -> None:
        self.fh = fh
        self.size = size
        self.header = elf.fields
        self.is64 = elf.elfclass == 64
        self.endian = "<" if elf.little_endian else ">"
        word = "Q" if self.is64 else "I"
        e = self.endian
        self._shdr = struct.Struct(f"{e}II{word}{word}{word}{word}II{word}{word}")
        self._phdr = struct.Struct(
            f"{e}IIQQQQQQ" if self.is64 else f"{e}IIIIIIII"  # ELF64 moves p_flags up
        )
        self._sym = struct.Struct(f"{e}IBBHQQ" if self.is64 else f"{e}IIIBBH")
        self._dyn = struct.Struct(f"{e}qQ" if self.is64 else f"{e}iI")
        self.soname = False
        """The dynamic table names the file's own SONAME: a shared library."""
        self.pie = False
        """DT_FLAGS_1 holds DF_1_PIE: an executable, not a library."""
        self._u16 = struct.Struct(f"{e}H")
        self._verneed = struct.Struct(f"{e}HHIII")
        self._vernaux = struct.Struct(f"{e}IHHII")
        self._nhdr = struct.Struct(f"{e}III")
        self.sections: tuple[Section, ...] = ()
        self.sections_complete = False
        """True when the whole section header table was read (then a missing table is absent)."""
        self.segments: tuple[Segment, ...] = ()

    # --- reading ------------------------------------------------------------------------------

    def read(
        self, offset: int, size: int, what: str, limit: int, note: Note | None = None
    ) -> bytes:
        """Up to `limit` bytes of the `size` at `offset`; what lies past the end of the file, or
        past `limit`, is noted (or, when nothing at all can be read, raises DamagedElf)."""
        if size <= 0:
            return b""
        if offset >= self.size:
            raise DamagedElf(f"{what} at offset {offset} is past the end of the file")
        n = min(size, self.size - offset, limit)
        if note is not None and n < size:
            if n < min(size, limit):
                note(f"{what} runs past the end of the file ({n} of {size} bytes read)")
            else:
                note(f"{what} holds {size} bytes (the first {n} read)")
        self.fh.seek(offset)
        data = self.fh.read(n)
        if len(data) < n:
            raise DamagedElf(f"{what}: the file ended early (was it changed while being read?)")
        return data

    def section_data(self, s: Section, what: str, limit: int, note: Note | None = None) -> bytes:
        if s.type == SHT_NOBITS:
            return b""
        if s.flags & SHF_COMPRESSED:
            raise DamagedElf(f"{what} is compressed (not read)")
        return self.read(s.offset, s.size, what, limit, note)

    def strings(self, index: int, what: str, note: Note) -> StringTable:
        """The string table that section `index` is; DamagedElf when it is none."""
        if not 0 < index < len(self.sections) or self.sections[index].type != SHT_STRTAB:
            raise DamagedElf(f"{what}: its string table link (section {index}) is no string table")
        s = self.sections[index]
        return StringTable(self.section_data(s, f"{what}'s string table", MAX_TABLE, note))

    # --- header tables ------------------------------------------------------------------------

    def _count(
        self, claimed: int, offset: int, entsize: int, cap: int, what: str, note: Note
    ) -> int:
        fits = (self.size - offset) // entsize if offset < self.size else 0
        count = min(claimed, fits, cap)
        if count < claimed:
            note(f"{what} claims {claimed} entries, {count} read (the file holds {fits})")
        return count

    def _check_table(self, offset: int, entsize: int, size: int, what: str) -> None:
        """A header table whose entries are smaller than the structure, or that starts past the
        end of the file, cannot be read at all."""
        if entsize < size:
            raise DamagedElf(f"{what}s of {entsize} bytes, smaller than a {what} ({size} bytes)")
        if offset >= self.size:
            raise DamagedElf(f"{what} table at offset {offset} is past the end of the file")

    def read_sections(self, note: Note) -> None:
        h = self.header
        shoff, shentsize = h["e_shoff"], h["e_shentsize"]
        if shoff == 0:
            return  # no section header table (removed, or never written)
        self._check_table(shoff, shentsize, self._shdr.size, "section header")
        if self.size - shoff < self._shdr.size:
            raise DamagedElf("section header table is cut off by the end of the file")
        first = self._shdr.unpack(self.read(shoff, self._shdr.size, "section header 0", 4096))
        # Extended numbering (gABI): e_shnum 0 puts the count in section 0's sh_size, and
        # e_shstrndx SHN_XINDEX puts the name table's index in its sh_link.
        claimed = h["e_shnum"] or first[5]
        count = self._count(claimed, shoff, shentsize, MAX_SECTIONS, "section header table", note)
        data = self.read(shoff, count * shentsize, "section header table", count * shentsize)
        raw = [self._shdr.unpack_from(data, i * shentsize) for i in range(count)]
        shstrndx = h["e_shstrndx"]
        if shstrndx == SHN_XINDEX:
            shstrndx = first[6]
        names = EMPTY_STRINGS
        if 0 < shstrndx < count:
            t = raw[shstrndx]
            try:
                if t[1] == SHT_NOBITS or t[2] & SHF_COMPRESSED:
                    raise DamagedElf("holds no data")
                names = StringTable(self.read(t[4], t[5], "section name table", MAX_TABLE, note))
            except DamagedElf as exc:
                note(f"section names unknown: {exc}")
        elif shstrndx != SHN_UNDEF:
            note(f"section names unknown: name table index {shstrndx} is out of range")
        self.sections = tuple(
            Section(i, names.get(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
            for i, r in enumerate(raw)
        )
        self.sections_complete = count == claimed

    def read_segments(self, note: Note) -> None:
        h = self.header
        phoff, phentsize, claimed = h["e_phoff"], h["e_phentsize"], h["e_phnum"]
        if phoff == 0 or claimed == 0:
            return
        self._check_table(phoff, phentsize, self._phdr.size, "program header")
        if claimed == PN_XNUM and self.sections:
            claimed = self.sections[0].info  # extended numbering, as for sections
        count = self._count(claimed, phoff, phentsize, MAX_SEGMENTS, "program header table", note)
        data = self.read(phoff, count * phentsize, "program header table", count * phentsize)
        segments = []
        for i in range(count):
            r = self._phdr.unpack_from(data, i * phentsize)
            if self.is64:  # type, flags, offset, vaddr, paddr, filesz, memsz, align
                segments.append(Segment(r[0], r[2], r[3], r[5], r[7]))
            else:  # type, offset, vaddr, paddr, filesz, memsz, flags, align
                segments.append(Segment(r[0], r[1], r[2], r[4], r[7]))
        self.segments = tuple(segments)

    # --- lookups ------------------------------------------------------------------------------

    def section_named(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def section_typed(self, type_: int) -> Section | None:
        return next((s for s in self.sections if s.type == type_), None)

    def file_offset(self, vaddr: int) -> tuple[int, int] | None:
        """The file offset of address `vaddr`, and the bytes that follow it in its PT_LOAD."""
        for seg in self.segments:
            if seg.type == PT_LOAD and seg.vaddr <= vaddr < seg.vaddr + seg.filesz:
                return seg.offset + (vaddr - seg.vaddr), seg.filesz - (vaddr - seg.vaddr)
        return None

    # --- tables -------------------------------------------------------------------------------

    def _entries(self, s: Section, struct_size: int, what: str, note: Note) -> tuple[bytes, int]:
        """The data of a table of fixed-size entries and how many entries it holds, once its
        entry size is checked against the structure and its size against its entry size."""
        entsize = s.entsize
        if entsize < struct_size:
            raise DamagedElf(
                f"{what}: entries of {entsize} bytes, smaller than the {struct_size} bytes each "
                "one holds (not read)"
            )
        if s.size % entsize:
            note(f"{what}: size {s.size} is not a multiple of its entry size {entsize}")
        data = self.section_data(s, what, MAX_TABLE, note)
        count = (len(data) - struct_size) // entsize + 1 if len(data) >= struct_size else 0
        return data, min(count, s.size // entsize)

    def symbol_table(self, s: Section, what: str, note: Note) -> SymbolTable:
        """Symbol table `s`, read once, with the string table its names are in."""
        data, count = self._entries(s, self._sym.size, what, note)
        try:
            names = self.strings(s.link, what, note)
        except DamagedElf as exc:
            note(f"symbol names unknown: {exc}")
            names = EMPTY_STRINGS
        return SymbolTable(data, count, s.entsize, names, self)

    def symbols(self, s: Section, what: str, note: Note) -> Iterator[Symbol]:
        """Every symbol of symbol table `s`, names undecoded."""
        table = self.symbol_table(s, what, note)
        return (table.symbol(i) for i in range(len(table)))

    def dynamic(self, note: Note) -> tuple[list[int], StringTable]:
        """The DT_NEEDED string offsets of the dynamic table (the SHT_DYNAMIC section, or the
        PT_DYNAMIC segment without one) and the string table they index."""
        section = self.section_typed(SHT_DYNAMIC)
        if section is not None:
            data = self.section_data(section, "dynamic section", MAX_SMALL, note)
        else:
            seg = next((p for p in self.segments if p.type == PT_DYNAMIC), None)
            if seg is None:
                return [], EMPTY_STRINGS
            data = self.read(seg.offset, seg.filesz, "dynamic segment", MAX_SMALL, note)
        needed: list[int] = []
        strtab = strsz = None
        for tag, value in self._dyn.iter_unpack(data[: len(data) - len(data) % self._dyn.size]):
            if tag == DT_NULL:
                break
            if tag == DT_NEEDED:
                needed.append(value)
            elif tag == DT_SONAME:
                self.soname = True
            elif tag == DT_FLAGS_1:
                self.pie = bool(value & DF_1_PIE)
            elif tag == DT_STRTAB:
                strtab = value
            elif tag == DT_STRSZ:
                strsz = value
        if not needed:
            return needed, EMPTY_STRINGS
        if section is not None:
            try:
                return needed, self.strings(section.link, "dynamic section", note)
            except DamagedElf as exc:
                note(str(exc))  # the DT_STRTAB address may still lead to it
        where = self.file_offset(strtab) if strtab is not None else None
        if where is None:
            raise DamagedElf("dynamic section: its string table cannot be found")
        offset, room = where
        size = min(strsz, room) if strsz is not None else room
        return needed, StringTable(self.read(offset, size, "dynamic string table", MAX_TABLE, note))

    def notes(self, data: bytes, align: int) -> Iterator[tuple[bytes, int, bytes]]:
        """(name, type, desc) of each note in `data`: every step moves at least a note header
        forward, and a note whose sizes run past the data ends the walk."""
        align = 8 if align == 8 else 4  # as readelf: 8 for ELF64 .note.gnu.property, else 4
        pos, end = 0, len(data)
        header = self._nhdr
        while pos + header.size <= end:
            namesz, descsz, ntype = header.unpack_from(data, pos)
            name_at = pos + header.size
            desc_at = name_at + namesz
            desc_at += -desc_at % align
            pos = desc_at + descsz
            pos += -pos % align
            if desc_at + descsz > end:
                raise DamagedElf("a note runs past the end of its section")
            yield data[name_at : name_at + namesz], ntype, data[desc_at : desc_at + descsz]

    def u32s(self, data: bytes) -> tuple[int, ...]:
        return struct.unpack(f"{self.endian}{len(data) // 4}I", data[: len(data) - len(data) % 4])

    def version_needs(
        self, s: Section, note: Note, limit: int = MAX_SMALL
    ) -> Iterator[tuple[str, int]]:
        """(version name, vna_other index) of every version a SHT_GNU_verneed section needs.

        The two chains (`vn_next` from one library to the next, `vna_next` from one version to
        the next; 0 ends a chain) are followed only to offsets not visited before and inside the section, and
        for no more steps than the section holds entries; `sh_info` and `vn_cnt` only bound
        them further, as a count the chain itself does not confirm is damage."""
        what = "version needs (.gnu.version_r)"
        data = self.section_data(s, what, limit, note)
        names = self.strings(s.link, what, note)
        entry = self._verneed.size  # Elf_Verneed and Elf_Vernaux are 16 bytes in both classes
        budget = len(data) // entry
        visited: set[int] = set()

        def step(offset: int, kind: str) -> bool:
            nonlocal budget
            if offset in visited:
                note(f"{what}: the {kind} chain loops back to offset {offset}, stopped there")
                return False
            if offset + entry > len(data):
                note(f"{what}: a {kind} entry at offset {offset} lies outside the section")
                return False
            if budget == 0:
                note(f"{what}: more {kind} entries than the section can hold, stopped")
                return False
            visited.add(offset)
            budget -= 1
            return True

        offset, seen = 0, 0
        while seen < s.info and step(offset, "library"):
            seen += 1
            _version, cnt, _file, aux, nxt = self._verneed.unpack_from(data, offset)
            at, count = (offset + aux) & _OFFSET, 0
            while count < cnt and step(at, "version"):
                count += 1
                _hash, _flags, other, name, anext = self._vernaux.unpack_from(data, at)
                yield names.get(name), other
                if anext == 0:
                    break
                at = (at + anext) & _OFFSET
            if nxt == 0:
                break
            offset = (offset + nxt) & _OFFSET
        if seen < s.info:
            note(f"{what}: sh_info says {s.info} libraries, the chain holds {seen}")

    def versym(self, s: Section, note: Note) -> tuple[int, ...]:
        """The version index of each dynamic symbol (SHT_GNU_versym: one 16-bit word each)."""
        data = self.section_data(s, "symbol versions (.gnu.version)", MAX_TABLE, note)
        return struct.unpack(f"{self.endian}{len(data) // 2}H", data[: len(data) - len(data) % 2])
