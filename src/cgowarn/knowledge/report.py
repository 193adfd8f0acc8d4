"""Turn the folded facts into the report: each finding explained from the knowledge base, grouped
by feature, with recommendations, what the build reveals and the per-target verdicts. Pure: the
same facts and knowledge base give the same report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from cgowarn import __version__
from cgowarn.enums import LinkStatus, Severity, Toolchain
from cgowarn.facts import Facts, FindingFacts
from cgowarn.fingerprint import fingerprint
from cgowarn.inputs import RUN_SOURCE
from cgowarn.knowledge.advice import BuildContext, gopath_mode, recommend, safe_go_command
from cgowarn.knowledge.evidence import (
    Attribution,
    LinkerMessages,
    attribution,
    glibc_marks,
    linker_messages,
)
from cgowarn.knowledge.linkerrors import link_problems
from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.knowledge.platforms import (
    build_info,
    by_family,
    judge,
    subject_of_binary,
    subject_of_log,
)
from cgowarn.knowledge.verdicts import evaluate
from cgowarn.model import (
    BinaryInfo,
    Diagnostic,
    FeatureSummary,
    Finding,
    InternalLink,
    LinkUnit,
    Recommendation,
    Report,
    Summary,
)
from cgowarn.parse.gocommand import GoCommand
from cgowarn.parse.langcommand import LanguageCommand
from cgowarn.versions import version_tuple

"""The category (categories.toml) of a link warning in a binary that is not one of glibc's."""


def explain_finding(
    kb: KnowledgeBase, acc: FindingFacts, said: Attribution, discarded: bool = False
) -> Finding:
    """One finding, with its category, what breaks and why, from the knowledge base; `said` is
    what its evidence shows (evidence.attribution); `discarded`: the binary built by the log's
    link does not hold it (low, and said)."""
    if acc.category is not None:
        category, known = kb.categories[acc.category], True
    elif acc.family == "binary" and acc.symbol in kb.symbols:
        category, known = kb.categories[kb.symbols[acc.symbol].category], True
    elif acc.family == "binary":
        # A binary's .gnu.warning.SYMBOL section whose text is no glibc message: lld keeps the
        # warning sections of any library that warns about its own functions.
        category, known = kb.categories[kb.other_library], False
    else:
        category, known = kb.category_of(acc.symbol, acc.family)
    group = kb.groups[category.group]
    entry = kb.symbols.get(acc.symbol)
    sources = (entry.source, *group.sources) if entry else group.sources
    return Finding(
        symbol=acc.symbol,
        count=acc.count,
        category=category.id,
        feature=category.feature,
        severity=Severity.LOW
        if discarded
        else min(category.severity, said.cap or Severity.HIGH, key=lambda s: s.rank),
        family=acc.family,
        known=known,
        glibc=not category.other_library,
        evidence=tuple(e for e in ("log", "binary") if e in acc.evidence),
        static_only=category.static_only,
        discarded=discarded,
        message=acc.message or (entry.messages[-1] if entry else ""),
        breaks=category.breaks,
        why=group.why,
        sources=tuple(dict.fromkeys(sources)),
        origins=tuple(sorted(said.origins)),
        links=tuple(sorted(acc.links)),
        occurrences=said.occurrences,
        notes=(kb.binary.discarded, *said.notes) if discarded else said.notes,
        occurrences_omitted=max(0, acc.count - sum(1 for o in acc.occurrences if o.source_line)),
        fingerprint=fingerprint("finding", acc.symbol, said.origins),
    )


def _link_status(facts: Facts, messages: LinkerMessages) -> LinkStatus:
    """failed on a link error; ok only when the input holds a link's output: a linker message,
    or a link unit (a link command echoed, Go's `# package` header, cargo's `Compiling`); else
    unseen: nothing can be said of the link."""
    if messages.errors:
        return LinkStatus.FAILED
    seen = facts.saw_linker_output or messages.linker_output or facts.link_units_started > 0
    return LinkStatus.OK if seen else LinkStatus.UNSEEN


def _internal_link(kb: KnowledgeBase, facts: Facts, command: GoCommand) -> InternalLink | None:
    """Whether Go linked internally although `command` asks for -extldflags, when the input
    shows no link output: proven by a dynamic Go binary or by `go list`'s cgo packages all being
    ones Go's own linker links (diagnostics.toml [go_internal_link]); else only suggested."""
    link = command.link_flags
    if link.get("extldflags") is None or link.get("linkmode") == "external":
        return None
    if dict(command.env).get("CGO_ENABLED") == "0":
        return None  # no cgo at all: a static binary without libc, -extldflags or not
    said = kb.go_internal_link
    external = command.static_external().render()
    go_binaries = [b for b, g in zip(facts.binaries, facts.binary_go, strict=True) if g is not None]
    if any(b.linkage == "dynamic" for b in go_binaries):
        path = next(b.path for b in go_binaries if b.linkage == "dynamic")
        reason = f"{path} is dynamically linked"
        return InternalLink(certain=True, text=said.certain.format(reason=reason), command=external)
    if go_binaries:
        return None  # a static Go binary: linked externally by a silent linker, or without cgo
    cgo = facts.go_module.cgo_packages if facts.go_module is not None else None
    if cgo is not None:
        if not cgo or not set(cgo) <= set(said.packages):
            return None  # no cgo (static by itself), or a package that makes Go link externally
        reason = f"its only cgo packages are {', '.join(sorted(cgo))}"
        return InternalLink(certain=True, text=said.certain.format(reason=reason), command=external)
    return InternalLink(certain=False, text=said.likely, command=external)


def _input_notes(
    kb: KnowledgeBase,
    facts: Facts,
    summary: Summary,
    toolchains: Sequence[Toolchain],
    internal: InternalLink | None = None,
) -> tuple[str, ...]:
    """What the report must say about its input when that input cannot show the warnings: that
    it was empty, that no link was seen (and how to find out), that the linker seen never prints
    them. A link seen from GNU ld or gold that printed no warning needs no note."""
    said = kb.silence
    notes = list(_unanalysed_notes(kb, facts)) + facts.binaries_skipped
    empty = bool(facts.sources) and not any(s.bytes for s in facts.sources)
    if empty and not facts.binaries:
        run = all(s.name == RUN_SOURCE for s in facts.sources)
        notes.insert(0, said.empty_run if run else said.empty)
    if facts.written:
        notes.append(
            f"cgowarn run inspected {facts.written}, the program the build wrote"
            + (f", but could not read it: {facts.written_error}" if facts.written_error else "")
            + "."
        )
    elif facts.written == "" and summary.link_status is not LinkStatus.FAILED:
        notes.append(
            "cgowarn run found no program the build wrote in its working directory (a build "
            "of several packages, or an output elsewhere): give it with --binary to have it "
            "judged."
        )
    if internal is not None:
        notes.append(internal.text)
    if (
        summary.link_status is LinkStatus.UNSEEN
        and facts.sources
        and not summary.failures  # a pasted run-time failure: the report is about it
        and not (empty and not facts.binaries)  # said just above
        and not (internal and internal.certain)
        and not summary.silent_linkers  # the linker seen prints none: said below
    ):
        notes.append(f"{said.unseen} {'' if facts.binaries else said.unseen_find_out}".strip())
    if summary.distinct_functions or not facts.sources:
        return tuple(notes)
    if summary.silent_linkers:
        notes.append(
            f"The log shows {', '.join(summary.silent_linkers)} in use. {said.note} {said.instead}"
        )
    if Toolchain.RUST in toolchains:
        notes.append(f"{said.rustc} {said.instead}")
    return tuple(notes)


def _unanalysed_notes(kb: KnowledgeBase, facts: Facts) -> tuple[str, ...]:
    """What could not be analysed, in words."""
    said = kb.silence
    notes = []
    if facts.skipped_lines:
        source, line = facts.first_skipped or ("the input", 0)
        lines = f"{facts.skipped_lines} line{'' if facts.skipped_lines == 1 else 's'}"
        notes.append(
            said.too_slow.format(
                lines=lines,
                patterns=", ".join(sorted(facts.skipped_patterns)),
                where=f"{source}:{line}",
            )
        )
    if facts.unanalysed_bytes:
        notes.append(said.behind.format(size=f"{facts.unanalysed_bytes:,} bytes"))
    return tuple(notes)


def _features(kb: KnowledgeBase, findings: Sequence[Finding]) -> tuple[FeatureSummary, ...]:
    by_cat: dict[str, list[Finding]] = {}
    for f in findings:
        by_cat.setdefault(f.category, []).append(f)
    rows = []
    for cat_id, items in by_cat.items():
        cat = kb.categories[cat_id]
        rows.append(
            FeatureSummary(
                category=cat_id,
                feature=cat.feature,
                severity=max((f.severity for f in items), key=lambda s: s.rank),
                breaks=cat.breaks,
                symbols=tuple(sorted(f.symbol for f in items)),
                count=sum(f.count for f in items),
            )
        )
    rows.sort(key=lambda r: (-r.severity.rank, r.feature))
    return tuple(rows)


def _with_starts_on(kb: KnowledgeBase, b: BinaryInfo) -> BinaryInfo:
    """The binary with every distribution it starts on, whatever --target says."""
    subject = subject_of_binary(b)
    ids = tuple(d.id for d in kb.distributions.values() if judge(kb, d, subject).starts == "yes")
    return b.model_copy(update={"starts_on": ids, "starts_on_families": by_family(kb, ids)})


def build_report(
    facts: Facts,
    kb: KnowledgeBase,
    targets: Sequence[str],
    build_glibc: str | None,
    go_version: str | None = None,
) -> Report:
    """The report of everything folded into `facts`, with verdicts for `targets` (ids of
    kb.distributions), and `build_glibc` and `go_version` when the user gave them."""
    said = {symbol: attribution(kb, facts, acc) for symbol, acc in facts.findings.items()}
    gone = _discarded(kb, facts)
    findings = sorted(
        (
            explain_finding(kb, acc, said[symbol], symbol in gone)
            for symbol, acc in facts.findings.items()
        ),
        key=lambda f: (-f.severity.rank, f.symbol),
    )
    messages = linker_messages(kb, facts)
    diagnostics: Sequence[Diagnostic] = messages.diagnostics
    if facts.saw_linker_output or messages.linker_output:
        diagnostics = [d for d in diagnostics if not kb.diagnostics[d.kind].internal_link_only]
    seen_toolchains = set(facts.toolchains) | messages.toolchains
    for s in said.values():
        seen_toolchains |= s.toolchains
    if facts.c_command is None and any(str(t) in kb.languages for t in seen_toolchains):
        # Another language's build (its runtime, its driver, its failure message) whose objects
        # only look like C: no C command was seen, so C's fixes and commands do not apply.
        seen_toolchains -= {Toolchain.C, Toolchain.CXX}
    toolchains = [t for t in Toolchain if t in seen_toolchains]
    if findings and not toolchains:
        toolchains = [Toolchain.C]
    command, dropped_env = (
        safe_go_command(kb, facts.go_command) if facts.go_command is not None else (None, ())
    )
    versions = facts.go_versions
    if go_version is None:
        go_version = max(versions, key=lambda v: (versions[v], version_tuple(v)), default=None)
    build = build_info(
        kb,
        toolchains=toolchains,
        go_command=command.render() if command else None,
        go_version=go_version,
        evidence=glibc_marks(kb, facts),
        build_glibc=build_glibc,
        abi_kernel=max(facts.abi_kernels, key=version_tuple) if facts.abi_kernels else None,
        go_module=facts.go_module,
    )
    # The binaries' own facts win over what a log lets cgowarn infer: each binary is judged; only
    # without one is the build the log shows.
    subjects = [subject_of_binary(b) for b in facts.binaries if b.linkage] or [
        subject_of_log(build, findings)
    ]
    verdicts = [
        evaluate(kb, kb.distributions[name], subject, findings)
        for name in targets
        for subject in subjects
    ]
    links = tuple(
        LinkUnit(
            id=u.id,
            name=u.name,
            kind=u.kind,
            source=u.source,
            source_line=u.source_line,
            status=LinkStatus.FAILED if u.id in messages.failed_units else LinkStatus.OK,
            warning_lines=u.warning_lines,
            symbols=tuple(sorted(u.symbols)),
        )
        for u in facts.units
    )
    by_severity = Counter(f.severity.value for f in findings)
    summary = Summary(
        link_status=_link_status(facts, messages),
        distinct_functions=len(findings) + facts.findings_omitted,
        warning_lines=sum(f.count for f in findings) + facts.omitted_warning_lines,
        findings_omitted=facts.findings_omitted,
        findings_omitted_exact=facts.findings_omitted_exact,
        by_severity={s.value: by_severity.get(s.value, 0) for s in Severity},
        errors=messages.errors,
        failures=messages.failures,
        diagnostics_omitted=sum(facts.diagnostic_kinds.values()) - len(facts.diagnostics),
        links_omitted=facts.units_seen - len(facts.units),
        silent_linkers=tuple(sorted(facts.silent_linkers)),
        unanalysed_lines=facts.skipped_lines,
        unanalysed_bytes=facts.unanalysed_bytes,
    )
    origins = {symbol: set(s.origins) for symbol, s in said.items()}
    internal = (
        _internal_link(kb, facts, command)
        if command is not None and summary.link_status is LinkStatus.UNSEEN
        else None
    )
    notes = _input_notes(kb, facts, summary, toolchains, internal)
    own_cgo = _own_cgo_calls(facts, origins)
    for package, symbols in own_cgo.items():
        notes += (kb.go_tags.own_calls.format(package=package, symbols=", ".join(symbols)),)
    if dropped_env:
        notes += (kb.command_env.dropped.format(names=", ".join(dropped_env)),)
    context = BuildContext(
        c_command=facts.c_command,
        make=facts.make,
        language_commands={
            tool: parsed
            for tool, text in facts.language_commands.items()
            if (parsed := LanguageCommand.parse(text)) is not None
            and parsed.runs_one_of(kb.languages[tool].edit_drivers or kb.languages[tool].drivers)
        },
        toolchains=toolchains,
        go_command=command,
        go_version=go_version,
        go_packages=tuple(u.name for u in facts.units if u.kind == "go-package")
        + tuple(dict.fromkeys(g.path for g in facts.binary_go if g is not None and g.path)),
        cgo_packages=frozenset(facts.go_module.cgo_packages)
        if facts.go_module is not None
        else None
        if facts.binary_cgo_packages is None
        else frozenset(facts.binary_cgo_packages),
    )
    build = build.model_copy(
        update={
            "internal_link": internal,
            "link_command": facts.c_command.edited() if facts.c_command else None,
            "go_mode": "gopath"
            if gopath_mode(context)
            else "module"
            if facts.go_module is not None
            else None,
        }
    )
    # An unrecognised function (a placeholder in pasted prose) asks for no fix.
    fixable = [f for f in findings if f.symbol not in gone and f.known]
    recommendations = recommend(kb, fixable, origins, context)
    recommendations, caveat = _first_reference(kb, recommendations, context, origins)
    notes += caveat
    binaries = tuple(_with_starts_on(kb, b) if b.linkage else b for b in facts.binaries)
    return Report(
        notes=notes,
        tool_version=__version__,
        sources=tuple(facts.sources),
        summary=summary,
        findings=tuple(findings),
        features=_features(kb, findings),
        diagnostics=tuple(diagnostics),
        links=links,
        recommendations=recommendations,
        link_problems=link_problems(kb, diagnostics, context),
        build=build,
        binaries=binaries,
        targets=tuple(verdicts),
        max_occurrences=facts.max_occurrences,
    )


OWN_CGO = "go:cgo"
"""The origin of a function that the program's own cgo code calls."""


def _own_cgo_calls(facts: Facts, origins: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    """The warned functions that --go-module found the program's own cgo packages calling but the
    log attributed to other code only (GNU ld names the first caller): added to `origins`, so that
    no fix claims to remove them for the other code's sake; per package, for the report's note."""
    unseen: dict[str, tuple[str, ...]] = {}
    if facts.go_module is None:
        return unseen
    for calls in facts.go_module.cgo_calls:
        hidden = [s for s in calls.symbols if s in origins and OWN_CGO not in origins[s]]
        for symbol in calls.symbols:
            if symbol in origins:
                origins[symbol].add(OWN_CGO)
        if hidden:
            unseen[calls.package] = tuple(hidden)
    return unseen


def _first_reference(
    kb: KnowledgeBase,
    recommendations: tuple[Recommendation, ...],
    context: BuildContext,
    origins: dict[str, set[str]],
) -> tuple[tuple[Recommendation, ...], tuple[str, ...]]:
    """When the tags are said to remove warnings on the log's word alone (neither --go-module
    nor a binary told which packages use cgo), the tags' cost says that GNU ld names only the
    first caller; the report's notes say it too when the log shows cgo code of the program's own
    calling glibc, which may call more than the log names."""
    if context.cgo_packages is not None:
        return recommendations, ()
    caveat = kb.go_tags.first_reference
    out = tuple(
        r.model_copy(update={"cost": f"{r.cost} {caveat}"})
        if r.id == "go-tags" and r.removes
        else r
        for r in recommendations
    )
    own = out != recommendations and any(OWN_CGO in ids for ids in origins.values())
    return out, (caveat,) if own else ()


def _discarded(kb: KnowledgeBase, facts: Facts) -> frozenset[str]:
    """The functions the log warned about that no binary given with it holds, when every binary
    is a static glibc one whose symbol table was read (one a symbol would be found in), other
    than those binary.toml's [[always_linked]] leaves unread."""
    binaries = facts.binaries
    if not binaries or not all(
        b.libc == "glibc" and b.linkage != "dynamic" and b.stripped is False for b in binaries
    ):
        return frozenset()
    # What every static glibc holds (dlopen since 2.34) is not looked for: not finding it there
    # proves nothing.
    always = {s for entry in kb.binary.always_linked for s in entry.symbols}
    return frozenset(
        symbol
        for symbol, acc in facts.findings.items()
        if symbol not in always
        and "binary" not in acc.evidence
        and "log" in acc.evidence
        and (entry := kb.symbols.get(symbol)) is not None
        and entry.in_reference_libc
    )
