"""JUnit XML: one test case per libc function and per linker diagnostic of the build, for CI
systems that show test reports (GitLab `artifacts:reports:junit`, Jenkins, Azure, ...).

A function's test case fails (`<failure>`) when it is at or above the gate (--fail-on), as the
exit code does, and passes below it. A link error is an `<error>`: the build itself failed,
whatever the gate (the build's own exit code, not cgowarn's, says so). A run-time failure in the
log fails with every gate but `never`, as the exit code does. Other linker warnings are not test
cases. Each binary x --target is a test case, which fails when the binary does not start there
(with every gate but `never`). ElementTree escapes every text and attribute, so no log text can make an element.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from cgowarn.enums import LinkStatus
from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.results import Kind, Result, results
from cgowarn.render.safety import visible

# XML 1.0 forbids most C0 controls even as character references; results.py has already written
# them as <U+XXXX>, and so has every string here.


def _case(suite: ET.Element, row: Result) -> str:
    """Add the test case of `row`; its outcome: failure, error or passed. A verdict's case is
    named by its binary and target, whatever the verdict, so a CI system follows it over runs."""
    name = row.title
    if row.kind is Kind.TARGET:
        name = f"{row.properties.get('binary') or 'the program'} on {row.properties['target']}"
    case = ET.SubElement(
        suite,
        "testcase",
        {"classname": f"cgowarn.{row.rule.id.split('/', 1)[0]}", "name": name, "time": "0"},
    )
    body = row.message + ("\n\n" + "\n".join(row.original) if row.original else "")
    if row.kind is Kind.LINK_ERROR:
        outcome = "error"
    elif row.gate:
        outcome = "failure"
    else:
        ET.SubElement(case, "system-out").text = body
        return "passed"
    element = ET.SubElement(case, outcome, {"message": row.title, "type": row.rule.id})
    element.text = body
    return outcome


def render(report: Report, options: RenderOptions) -> str:
    rows = [r for r in results(report, options, passes=True) if r.kind is not Kind.LINKER_WARNING]
    suites = ET.Element("testsuites", {"name": "cgowarn"})
    suite = ET.SubElement(suites, "testsuite", {"name": "cgowarn"})
    outcomes = [_case(suite, r) for r in rows]
    s = report.summary
    if s.link_status is LinkStatus.UNSEEN and not s.failures and not report.binaries:
        # No link in the input: the link cannot pass, it was not tested.
        case = ET.SubElement(
            suite, "testcase", {"classname": "cgowarn.link", "name": "link", "time": "0"}
        )
        said = next((n for n in report.notes if n.startswith("No link was seen")), "")
        ET.SubElement(case, "skipped", {"message": "no link was seen in the input"}).text = visible(
            said
        )
        outcomes.append("skipped")
    counts = {
        "tests": str(len(outcomes)),
        "failures": str(outcomes.count("failure")),
        "errors": str(outcomes.count("error")),
        "skipped": str(outcomes.count("skipped")),
        "time": "0",
    }
    suite.attrib.update(counts)
    suites.attrib.update({k: counts[k] for k in ("tests", "failures", "errors", "time")})
    ET.indent(suites)
    # Well-formed whatever reached it: a character XML 1.0 cannot hold at all is written visibly.
    return (
        visible(ET.tostring(suites, encoding="unicode", xml_declaration=True), keep="\n\t") + "\n"
    )
