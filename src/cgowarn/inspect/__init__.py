"""Read ELF binaries without running them: linkage, C library, minimum kernel, required glibc,
run-time footprint, Go build information."""

from cgowarn.inspect.elf import BinaryHit, inspect_binary

__all__ = ["BinaryHit", "inspect_binary"]
