"""Origins, recommendations and target verdicts: the advice an expert would give for each log."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from cgowarn.cli import main
from cgowarn.model import Recommendation, Report
from cgowarn.pipeline import analyze
from conftest import SAMPLES, analyze_text

MSG = "Using '{}' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"
OS_USER = {"getgrgid_r", "getgrnam_r", "getgrouplist", "getpwnam_r", "getpwuid_r"}


def report_for(sample: str, **kwargs: Any) -> Report:
    path = SAMPLES / f"{sample}.log"
    with path.open("rb") as fh:
        return analyze([(path.name, fh)], max_occurrences=10_000, **kwargs)


def origins(report: Report) -> dict[str, set[str]]:
    return {f.symbol: {o.origin.id for o in f.occurrences} for f in report.findings}


def rec(report: Report, rec_id: str) -> Recommendation | None:
    return next((r for r in report.recommendations if r.id == rec_id), None)


# The origin of every occurrence, for logs from real toolchains and real projects.
EXPECTED_ORIGINS = {
    "seed-article-go-sqlite3-centos": {
        "dlopen": {"go:github.com/mattn/go-sqlite3"},
        "getaddrinfo": {"go:net"},
        "mktemp": {"glibc"},
        **{s: {"go:os/user"} for s in OS_USER},
    },
    "go-static-bfd": {
        "dlopen": {"lib:sqlite3"},
        "getaddrinfo": {"go:net"},
        **{s: {"go:os/user"} for s in OS_USER},
    },
    "go-static-gold": {
        "dlopen": {"lib:sqlite3"},
        "getaddrinfo": {"go:net"},
        **{s: {"go:os/user"} for s in OS_USER},
    },
    "go127-static-bfd": {
        "dlopen": {"lib:sqlite3"},
        "getaddrinfo": {"go:net"},
        **{s: {"go:os/user"} for s in OS_USER},
    },
    "go-static-bfd-netgo-osusergo": {"dlopen": {"lib:sqlite3"}},
    "rust-static-bfd-linker-messages": {"getaddrinfo": {"rust:std"}, "getpwuid_r": {"rust:std"}},
    "rust-cargo-static-bfd": {"getaddrinfo": {"rust:std"}, "getpwuid_r": {"rust:std"}},
    "cxx-nss-static-bfd": {"getaddrinfo": {"program"}, "getpwnam": {"program"}},
    "cxx-nss-static-gold": {"getaddrinfo": {"program"}, "getpwnam": {"program"}},
    "c-nss-static-bfd-archive": {
        s: {"lib:foo"}
        for s in ("dlopen", "getaddrinfo", "gethostbyname", "getpwnam", "mktemp", "tmpnam")
    },
    "c-nss-static-bfd": {
        s: {"program"}
        for s in ("dlopen", "getaddrinfo", "gethostbyname", "getpwnam", "mktemp", "tmpnam")
    },
    "excerpts/old_ld_go_sqlite3_457": {
        "dlopen": {"go:github.com/mattn/go-sqlite3"},
        "getaddrinfo": {"go:net"},
        "mktemp": {"glibc"},
    },
    "excerpts/sqlite_system_sleuthkit_3020": {"dlopen": {"lib:sqlite3"}},
    "excerpts/zh_mixed_golang_34429": {
        s: {"go:os/user"} for s in ("getgrgid_r", "getgrnam_r", "getgrouplist", "getpwnam_r")
    },
    "excerpts/rust_hickory_2967": {
        "getgrnam": {"rust:hickory_dns"},
        "getpwnam": {"rust:hickory_dns"},
    },
    "excerpts/nix_store_crio_7938": {"dlopen": {"go:cgo"}, "getpwnam": {"lib:gpg-error"}},
    "excerpts/gold_fisco_bcos_3864": {
        "getaddrinfo": {"lib:grpc"},
        "getservbyname_r": {"lib:cares"},
        "getservbyport_r": {"lib:cares"},
    },
}


@pytest.mark.parametrize("sample", sorted(EXPECTED_ORIGINS))
def test_origin_of_every_occurrence(sample: str) -> None:
    report = report_for(sample)
    assert origins(report) == EXPECTED_ORIGINS[sample]
    for f in report.findings:
        for o in f.occurrences:
            assert o.origin.evidence, o
            if o.origin.id == "unattributed":
                assert o.object and o.object in o.origin.evidence


def test_seed_article_advice() -> None:
    report = report_for("seed-article-go-sqlite3-centos")
    tags = rec(report, "go-tags")
    assert tags is not None
    assert tags.title.endswith("-tags netgo,osusergo,sqlite_omit_load_extension")
    assert "go build -tags netgo,osusergo,sqlite_omit_load_extension" in tags.commands[0]
    assert set(tags.removes) == {"dlopen", "getaddrinfo", *OS_USER}
    assert tags.remaining == ("mktemp",)
    assert "unchanged" in tags.kernel and "FATAL: kernel too old" in tags.cost
    # glibc's own sem_open -> mktemp is harmless and says what it reveals.
    mktemp = next(f for f in report.findings if f.symbol == "mktemp")
    assert mktemp.severity.value == "low"
    assert any("glibc 2.17 or older" in n for n in mktemp.notes)
    assert report.build.glibc_max == "2.17"


def test_system_sqlite_never_gets_the_go_sqlite3_tag() -> None:
    for sample in (
        "go-static-bfd",
        "excerpts/sqlite_system_sleuthkit_3020",
        "go-static-bfd-netgo-osusergo",
    ):
        report = report_for(sample)
        for r in report.recommendations:
            if r.id == "go-sqlite3-bundled":
                # The tag is offered only with go-sqlite3's own SQLite instead of the archive.
                assert "libsqlite3" not in " ".join(r.commands)
                assert "always links the system library" in r.cost
                assert r.known == "sourced" and r.not_run
                continue
            assert "sqlite_omit_load_extension" not in " ".join((r.title, *r.commands)), (
                sample,
                r.id,
            )
        dlopen = next(f for f in report.findings if f.symbol == "dlopen")
        assert any("does not change this archive" in n for n in dlopen.notes)
    tags = rec(report_for("go-static-bfd"), "go-tags")
    assert tags is not None and tags.remaining == ("dlopen",)


def test_no_tag_is_offered_for_c_or_rust_code() -> None:
    for sample in (
        "c-nss-static-bfd",
        "rust-static-bfd-linker-messages",
        "excerpts/nix_store_crio_7938",
    ):
        report = report_for(sample)
        assert rec(report, "go-tags") is None, sample
        assert rec(report, "cgo-disabled") is None
    rust = report_for("rust-static-bfd-linker-messages")
    assert [r.id for r in rust.recommendations] == ["rust-musl", "dynamic", "zig-old-glibc"]
    assert (
        "cargo build --release --target x86_64-unknown-linux-musl"
        in rust.recommendations[0].commands
    )
    c = report_for("c-nss-static-bfd")
    assert all("go build" not in cmd for r in c.recommendations for cmd in r.commands)


def test_cxx_is_not_rust_and_gets_cxx_advice() -> None:
    """A demangled std:: name in the program's own object is C++: no Rust origin, no musl-gcc
    (it cannot compile C++), zig c++ instead."""
    for sample in ("cxx-nss-static-bfd", "cxx-nss-static-gold"):
        report = report_for(sample)
        assert report.build.toolchains == ("c++",)
        for f in report.findings:
            (occurrence,) = f.occurrences
            assert occurrence.origin.id == "program" and occurrence.origin.toolchain == "c++"
            assert "C++" in occurrence.origin.name
            assert occurrence.function and occurrence.function.startswith("netutil::Resolver::")
        # The log shows no link command: nothing to paste, the title says what to change.
        recs = {r.id: r for r in report.recommendations}
        assert "musl" not in recs
        assert not any(r.commands for r in report.recommendations)
        assert (
            "use zig c++ -target x86_64-linux-musl as the compiler driver" in recs["zig-musl"].title
        )
        assert "remove -static" in recs["dynamic"].title
    # With the command the log shows, that command, changed only where the fix is.
    log = (
        "+ g++ -O2 -static -o netapp main.cpp util.cpp -lresolv\n"
        + (SAMPLES / "cxx-nss-static-bfd.log").read_text()
    )
    recs = {r.id: r for r in analyze_text(log).recommendations}
    assert "musl" not in recs
    assert recs["zig-musl"].commands == (
        "zig c++ -target x86_64-linux-musl -O2 -static -o netapp main.cpp util.cpp -lresolv",
    )
    assert recs["dynamic"].commands == ("g++ -O2 -o netapp main.cpp util.cpp -lresolv",)


def test_rust_std_needs_rust_evidence() -> None:
    """std:: alone is C++'s too: Rust's std is told by its rlib or its sources."""
    rust = analyze_text(
        "/usr/bin/ld.bfd: /r/lib/libstd-d1237ef7159db0a2.rlib(std-d1.std.e2-cgu.0.rcgu.o): in function "
        "`std::sys::pal::unix::os::home_dir::fallback':\n"
        f"/rustc/5980/library/std/src/sys/pal/unix/os.rs:519: {MSG.format('getpwuid_r')}\n"
    )
    assert rust.findings[0].origins == ("rust:std",)
    assert rust.build.toolchains == ("rust",)
    cxx = analyze_text(
        "/usr/bin/ld: /tmp/ccX.o: in function `std::thread::hardware_concurrency()':\n"
        f"main.cpp:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
    )
    assert cxx.findings[0].origins == ("program",)
    assert cxx.build.toolchains == ("c++",)


def test_cgo_disabled_only_when_nothing_else_needs_cgo() -> None:
    assert rec(report_for("excerpts/new_ld_go_cas_58"), "cgo-disabled") is not None
    assert rec(report_for("seed-article-go-sqlite3-centos"), "cgo-disabled") is None
    pure = rec(report_for("go-static-bfd"), "go-pure-sqlite")
    # The package comes from the log's link header: the command builds what the log built.
    assert (
        pure is not None
        and "CGO_ENABLED=0 go build example.com/cgowarnsample/cmd/a" in pure.commands
    )


def test_tags_are_merged_into_the_command_the_log_shows() -> None:
    report = report_for("excerpts/old_ld_go_runc_1576")
    tags = rec(report, "go-tags")
    assert tags is not None
    assert "-tags seccomp,cgo,static_build,netgo " in tags.commands[0]
    assert tags.commands[0].startswith("CGO_ENABLED=1 go build")


def test_enable_kernel_flag_and_internal_link_warnings() -> None:
    log = "$ CGO_ENABLED=1 go build -ldflags '-s -w -extldflags \"-static --enable-kernel=2.6.32\"' -o loggie main.go\n"
    report = analyze_text(log)
    kinds = {d.kind: d for d in report.diagnostics}
    assert kinds["enable_kernel_flag"].subject == "2.6.32"
    assert "configure" in kinds["enable_kernel_flag"].advice
    assert "extldflags_internal_link" in kinds
    # With linker output in the log, Go evidently linked externally: no such warning.
    linked = analyze_text(
        log + f"/_/os/user/cgo_lookup_unix.go:32: warning: {MSG.format('getpwnam_r')}\n"
    )
    assert "extldflags_internal_link" not in {d.kind for d in linked.diagnostics}


def test_targets_for_the_seed_article() -> None:
    # The article's Go predates 1.24; without it the Go runtime's own floor is not known.
    unknown = report_for("seed-article-go-sqlite3-centos", targets=("centos6",)).targets[0]
    assert unknown.starts == "unknown" and "Go 1.24 and newer" in unknown.reason
    report = report_for(
        "seed-article-go-sqlite3-centos", targets=("centos6", "alpine"), go_version="1.21"
    )
    centos6, alpine = report.targets
    assert centos6.starts == "yes"  # glibc <= 2.17: minimum kernel 2.6.32 at most
    assert "2.6.32 at most" in centos6.reason and "CentOS 7 / RHEL 7 configures" in centos6.reason
    assert any("User lookups" in b for b in centos6.breaks)
    assert alpine.libc == "musl" and "musl" in alpine.fix
    assert any("libnss_files.so.2" in b for b in alpine.breaks)


def test_kernel_too_old_is_never_fixed_by_tags() -> None:
    report = report_for(
        "go-static-bfd", targets=("centos6", "centos7", "debian12"), build_glibc="2.36"
    )
    centos6, centos7, debian12 = report.targets
    assert (centos6.starts, centos7.starts, debian12.starts) == ("no", "yes", "yes")
    assert "3.2.0" in centos6.reason and "Build tags cannot change this" in centos6.reason
    assert "Tags do not help" in centos6.fix and "musl" in centos6.fix
    # The newest image whose glibc is configured for CentOS 6's kernel, with the NSS caveat.
    assert "Debian 9 (stretch) (glibc 2.24, minimum kernel 2.6.32" in centos6.fix
    assert "end of life since 2022-06-30" in centos6.fix
    assert "-tags netgo,osusergo" in centos6.fix
    assert report.build.kernel_floor == "3.2.0"
    # The same glibc on both sides is not safe for NSS: systemd's module crashes a static binary.
    breaks = " ".join(debian12.breaks)
    assert "Nothing expected" not in breaks
    assert "can crash a static binary" in breaks and "nscd" in breaks
    old = report_for("go-static-bfd", targets=("centos6",), build_glibc="2.28").targets[0]
    assert old.starts == "no" and "FATAL: kernel too old" in old.reason


def test_go_124_needs_kernel_32_whatever_the_libc() -> None:
    log = (
        "go version go1.24.2 linux/amd64\n"
        + f"/_/os/user/cgo_lookup_unix.go:32: warning: {MSG.format('getpwnam_r')}\n"
    )
    report = analyze(
        [("x.log", __import__("io").BytesIO(log.encode()))],
        targets=("centos6",),
        build_glibc="2.17",
    )
    assert report.build.go_version == "1.24"
    (verdict,) = report.targets
    assert verdict.starts == "no" and "Go 1.24 itself needs kernel 3.2.0" in verdict.reason


def test_unknown_build_glibc_gives_unknown_verdict_and_says_how_to_fix_it() -> None:
    verdict = report_for("go-static-bfd", targets=("centos6",)).targets[0]
    assert verdict.starts == "unknown" and "build host's glibc" in verdict.reason
    assert verdict.how_to_know and "--build-glibc" in verdict.how_to_know
    assert "readelf -n" in verdict.how_to_know


def test_target_cli(cli: CliRunner) -> None:
    seed = str(SAMPLES / "seed-article-go-sqlite3-centos.log")
    result = cli.invoke(main, ["--target", "centos6", seed])
    assert result.exit_code == 1 and "On CentOS 6 / RHEL 6" in result.stdout
    result = cli.invoke(main, ["--target", "solaris", seed])
    assert (
        result.exit_code == 2
        and "--target: unknown distribution 'solaris'" in result.output
        and "centos6" in result.output
    )
    result = cli.invoke(main, ["--build-glibc", "two", seed])
    assert result.exit_code == 2 and "not a glibc version" in result.output
    plain = str(SAMPLES / "go-static-bfd.log")
    md = cli.invoke(
        main, ["-f", "markdown", "--target", "centos6", "--build-glibc", "2.36", plain]
    ).stdout
    assert "### On your targets" in md and "**no**" in md
    # The seed log proves glibc 2.17 or older: a --build-glibc 2.36 is reported, not believed.
    contradicted = cli.invoke(
        main, ["-f", "json", "--target", "centos6", "--build-glibc", "2.36", seed]
    ).stdout
    report = json.loads(contradicted)
    assert report["build"]["conflicts"] and "contradicts the log" in report["build"]["conflicts"][0]
    assert "2.17 or older" in report["targets"][0]["reason"]


def test_explain(cli: CliRunner) -> None:
    out = cli.invoke(main, ["explain", "getaddrinfo"])
    assert out.exit_code == 0
    for text in (
        "Host name resolution (hosts)",
        "[go:net]",
        "[rust:std]",
        "-tags netgo",
        "nss/getaddrinfo.c",
        "What breaks",
    ):
        assert text in out.stdout, text
    out = cli.invoke(main, ["explain", "mktemp"])
    assert "static and dynamic links" in out.stdout and "glibc 2.17 or older" in out.stdout
    out = cli.invoke(main, ["explain", "getadrinfo"])
    assert out.exit_code == 2 and "Did you mean getaddrinfo" in out.output
    listing = cli.invoke(main, ["explain"]).stdout
    for symbol in ("getaddrinfo", "dlopen", "gets", "gtty", "inet6_option_find", "getsgnam_r"):
        assert symbol in listing


@pytest.mark.parametrize(
    ("log", "go"),
    [("c-nss-static-bfd.log", False), ("seed-article-go-sqlite3-centos.log", True)],
)
def test_a_fixs_go_sentences_only_in_a_go_report(log: str, go: bool) -> None:
    """A C build's musl and dynamic fixes speak of no Go runtime, no osusergo, no go-sqlite3;
    a Go build's do."""
    path = SAMPLES / log
    report = analyze([(log, path.open("rb"))])
    by_id = {r.id: r for r in report.recommendations}
    said = by_id["musl"].cost + by_id["musl"].kernel + by_id["dynamic"].kernel
    for sentence in ("Go runtime's own minimum kernel", "osusergo", "go-sqlite3"):
        assert (sentence in said) is go, (sentence, said)
    assert "Rust std" not in said
