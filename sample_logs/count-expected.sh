#!/usr/bin/env bash
# Count glibc link-warning lines per symbol in a log, with grep only (no parser).
# Prints "symbol count" pairs, then the diagnostic counts used in the sidecars.
#
#   bash sample_logs/count-expected.sh sample_logs/c-nss-static-bfd.log
#
# A "warning line" is any line carrying one of the glibc message shapes below,
# whatever comes before it (ld.bfd, gold, rustc's indented lint text, a
# translated "warning" word).
set -u
log=$1
{
    grep -oE "Using '[^']+' in statically linked" "$log" | sed -E "s/^Using '([^']+)'.*/\1/"
    grep -oE "the use of \`[^']+' is dangerous" "$log" | sed -E "s/^the use of \`([^']+)'.*/\1/"
    grep -oE "the \`[^']+' function is dangerous" "$log" | sed -E "s/^the \`([^']+)'.*/\1/"
    grep -oE "[A-Za-z_0-9]+ is not implemented and will always fail" "$log" | sed -E 's/ .*//'
    grep -oE "\`[^']+' is obsolete" "$log" | sed -E "s/^\`([^']+)'.*/\1/"
    grep -oE "the use of \`[^']+' is deprecated" "$log" | sed -E "s/^the use of \`([^']+)'.*/\1/"
} | sort | uniq -c | awk '{print $2, $1}'
echo "--"
c() { printf '%s %s\n' "$1" "$(grep -cE -- "$2" "$log")"; }
c undefined_reference   "undefined reference to|undefined symbol: "
c cannot_find_library   "cannot find -l|找不到 -l"
c collect2              "collect2: "
c go_running_gcc_failed "running gcc failed"
c rust_linking_failed   "error: linking with"
c exec_stack            "missing \.note\.GNU-stack section implies executable stack"
c rwx_segment           "has a LOAD segment with RWX permissions"
c lld_error             "ld\.lld: error:"
c mold_error            "mold: error:"
c gold_error            "^[^ ]+\.o:[^ ]*:function [^ ]+: error: |ld\.gold: error:"
# Run-time failures and Go's loadinternal (whole lines, as cgowarn anchors them).
c go_loadinternal_runtime_cgo "^loadinternal: cannot find runtime/cgo$"
c kernel_too_old        "FATAL: kernel too old"
c glibc_version_not_found "version .GLIBC_[0-9.]+' not found \(required by"
c crash_sigsegv         "^(fatal error: unexpected signal during runtime execution|signal arrived during cgo execution|Segmentation fault( \(core dumped\))?|[^ :]+:( line [0-9]+:)? +[0-9]+ Segmentation fault( .*)?)$"
c crash_sigtrap         "^(SIGTRAP: trace trap|Trace/breakpoint trap( \(core dumped\))?|[^ :]+:( line [0-9]+:)? +[0-9]+ Trace/breakpoint trap( .*)?)$"
