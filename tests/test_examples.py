"""The CI examples under examples/ are complete files that do what the README says: each parses,
passes the linters that exist for it, and, run step by step with its CI system's rules on a real
static cgo build, leaves every artifact it promises even when the gate fails the job."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import offline_go, require_tool
from fake_forge import GITHUB_PR, GITHUB_REPO, GITLAB_MR, GITLAB_PROJECT, Fake, serve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GITHUB = EXAMPLES / "github-actions" / "cgowarn.yml"
GITLAB = EXAMPLES / "gitlab-ci" / ".gitlab-ci.yml"
JENKINS = EXAMPLES / "jenkins" / "Jenkinsfile"
GITLAB_MR_JOB = EXAMPLES / "gitlab-ci" / "merge-request-comment.yml"
PR_WORKFLOW = EXAMPLES / "github-actions" / "pr-comment.yml"
ACTION = ROOT / "action.yml"
SARIF_SCHEMA = ROOT / "schemas" / "sarif-schema-2.1.0.json"
PROGRAM = Path(__file__).parent / "programs" / "go-user-net"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    """A linter installed with the test extras, beside this Python."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return str(path)


# --- the files themselves -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("example", "schema"),
    [
        (GITHUB, "vendor.github-workflows"),
        (PR_WORKFLOW, "vendor.github-workflows"),
        (ACTION, "vendor.github-actions"),
        (GITLAB, "vendor.gitlab-ci"),
        (GITLAB_MR_JOB, "vendor.gitlab-ci"),
    ],
    ids=["github", "github-pr-comment", "action", "gitlab", "gitlab-mr-comment"],
)
def test_example_is_valid_for_its_ci_system(example: Path, schema: str) -> None:
    """Checked against the CI system's own schema (SchemaStore's, as vendored by
    check-jsonschema, so the test runs offline)."""
    proc = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", schema, str(example)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("workflow", [GITHUB, PR_WORKFLOW, ACTION], ids=lambda p: p.name)
def test_github_workflows_pass_zizmor(workflow: Path) -> None:
    """zizmor audits workflows and actions for injection, credential persistence, unpinned
    actions and excessive permissions."""
    proc = subprocess.run(
        [_tool("zizmor"), "--offline", str(workflow)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_shows_the_github_workflow_as_it_is() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(
        r"<!-- examples/github-actions/cgowarn.yml -->\n```yaml\n(.*?)```", readme, re.S
    )
    assert match, "README must show examples/github-actions/cgowarn.yml"
    assert match.group(1) == GITHUB.read_text(encoding="utf-8")
    for path in re.findall(r"\]\((examples/[^)]+)\)", readme):
        assert (ROOT / path).exists(), path


# --- running them ---------------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    ran: bool
    ok: bool
    output: str = ""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout: a Go program whose only cgo users are os/user and net."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(PROGRAM, root, dirs_exist_ok=True)
    shutil.copy(PROGRAM.parent / "go-smoke.go", root)  # the smoke check the program runs
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _environment(repo: Path, work: Path) -> dict[str, str]:
    go = Path(require_tool("go")).resolve().parent
    require_tool("gcc")
    return {
        "PATH": f"{BIN}:{go}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(work),
        "LANG": "C.UTF-8",
        **offline_go(work),
    }


def _fresh(repo: Path, work: Path) -> Path:
    """A clean copy of the checkout for one job."""
    job = work / "checkout"
    shutil.copytree(repo, job)
    return job


def _is_install(script: str) -> bool:
    """Steps that install cgowarn or a toolchain: the test runs the cgowarn installed here."""
    return bool(
        re.match(r"\s*(pip|apt-get|python3 -m venv|/opt/cgowarn/bin/pip|export PATH)", script)
    )


def run_github_job(workflow: dict[str, Any], job: Path, env: dict[str, str]) -> list[Step]:
    """The steps of the workflow's job in order, with GitHub's rules: a step runs while every
    step before it succeeded, or when its `if` asks for always() or failure(); `run` is
    `bash -e {0}`; the actions are played by what they check."""
    steps: list[Step] = []
    success = True
    for raw in next(iter(workflow["jobs"].values()))["steps"]:
        name = raw.get("name") or raw.get("uses") or raw["run"]
        condition = str(raw.get("if", ""))
        if not (
            "always()" in condition
            or ("failure()" in condition and not success)
            or (not condition and success)
        ):
            steps.append(Step(name, ran=False, ok=True))
            continue
        if "run" in raw:
            if _is_install(raw["run"]):
                steps.append(Step(name, ran=True, ok=True))
                continue
            # GitHub's bash: `bash -e {0}` by default, with `shell: bash` also pipefail.
            shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
            proc = subprocess.run(
                [*(shell if raw.get("shell") == "bash" else ["bash", "-e"]), "-c", raw["run"]],
                cwd=job,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            step = Step(name, True, proc.returncode == 0, proc.stdout + proc.stderr)
        else:
            step = Step(name, True, *_play_action(raw, job, env))
        steps.append(step)
        success = success and step.ok
    return steps


def _play_action(raw: dict[str, Any], job: Path, env: dict[str, str]) -> tuple[bool, str]:
    action = raw["uses"].split("@")[0]
    given = raw.get("with", {})
    if action == "cgowarn/cgowarn":  # this repository's action.yml, as a runner runs it
        temp = job.parent / f"runner-temp-{len(list(job.parent.glob('runner-temp-*')))}"
        steps = run_action({k: str(v) for k, v in given.items()}, job, env, temp)
        return (all(s.ok for s in steps), "\n".join(s.output for s in steps))
    if action == "actions/upload-artifact":
        missing = [p for p in str(given["path"]).split() if not (job / p).is_file()]
        return (not missing, f"missing: {missing}")
    if action == "github/codeql-action/upload-sarif":
        sarif = json.loads((job / given["sarif_file"]).read_text(encoding="utf-8"))
        jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
        return (True, "")
    return (True, "")  # checkout, setup-go, setup-python: the test's environment is ready


@pytest.mark.toolchain
@pytest.mark.slow
def test_github_workflow_leaves_every_artifact_when_the_gate_fails(
    repo: Path, tmp_path: Path
) -> None:
    job = _fresh(repo, tmp_path)
    summary = tmp_path / "step-summary.md"
    env = {**_environment(repo, tmp_path), "GITHUB_STEP_SUMMARY": str(summary)}
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    steps = {s.name: s for s in run_github_job(workflow, job, env)}
    build = steps["Build"]
    # The build itself links; cgowarn's gate fails the step, and says why.
    assert build.ran and not build.ok, build.output
    assert "cgowarn: --fail-on high: " in build.output and "getpwnam_r" in build.output
    assert "::error " in build.output  # annotations for the run
    assert (job / "usernet").is_file()  # the build's own output is there
    # The steps after it still ran, and found what they upload.
    for name in ("Upload the reports", "Upload SARIF to code scanning"):
        assert steps[name].ran and steps[name].ok, (name, steps[name].output)
    assert "<!DOCTYPE html>" in (job / "cgowarn-report.html").read_text(encoding="utf-8")
    assert "getpwnam_r" in summary.read_text(encoding="utf-8")


def run_gitlab_script(
    job: dict[str, Any], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """A job's `script` as GitLab's runner runs it with bash: its lines in order, in one shell
    (variables and `set` carry over), with `set -eo pipefail`, so the first failing line ends it.
    `before_script` installs cgowarn and the toolchain: the test's environment has them."""
    script = "set -eo pipefail\n" + "\n".join(job["script"])
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.toolchain
@pytest.mark.slow
def test_gitlab_job_leaves_its_reports_when_the_gate_fails(repo: Path, tmp_path: Path) -> None:
    job_dir = _fresh(repo, tmp_path)
    env = _environment(repo, tmp_path)
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    job = pipeline["static-build"]
    proc = run_gitlab_script(job, job_dir, env)
    assert proc.returncode == 1, proc.stderr  # the gate
    assert job["artifacts"]["when"] == "always"
    reports = job["artifacts"]["reports"]
    for path in (*job["artifacts"]["paths"], *reports.values()):
        assert (job_dir / path).is_file(), path
    quality = (job_dir / reports["codequality"]).read_bytes()
    assert not quality.startswith(b"\xef\xbb\xbf")
    entries = json.loads(quality)
    assert {e["check_name"].split("/")[-1] for e in entries} >= {"getpwnam_r", "getaddrinfo"}, [
        e["check_name"] for e in entries
    ]
    junit = ET.parse(job_dir / reports["junit"]).getroot()
    failed = [c.get("name") for c in junit.iter("testcase") if c.find("failure") is not None]
    assert any("getpwnam_r" in str(name) for name in failed), failed


@pytest.mark.toolchain
@pytest.mark.slow
def test_jenkins_pipeline_leaves_its_reports_when_the_gate_fails(
    repo: Path, tmp_path: Path
) -> None:
    job_dir = _fresh(repo, tmp_path)
    env = _environment(repo, tmp_path)
    text = JENKINS.read_text(encoding="utf-8")
    [script] = re.findall(r"sh '''(.*?)'''", text, re.S)
    proc = subprocess.run(
        ["bash", "-e", "-c", script], cwd=job_dir, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 1, proc.stderr
    post = text[text.index("post {") :]
    assert "always {" in post
    [junit] = re.findall(r"junit testResults: '([^']+)'", post)
    [archived] = re.findall(r"archiveArtifacts artifacts: '([^']+)'", post)
    cases = {c.get("name", ""): c for c in ET.parse(job_dir / junit).getroot().iter("testcase")}
    [name] = [n for n in cases if n.startswith("getpwnam_r:")]
    assert cases[name].find("failure") is not None  # high: at the gate
    assert (job_dir / archived).is_file()


# --- the action -----------------------------------------------------------------------------------

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
INSTALLATION_TOKEN = "ghs_actionTESTtoken0042cgowarn"


def run_action(inputs: dict[str, str], job: Path, env: dict[str, str], temp: Path) -> list[Step]:
    """The composite action's steps in order, as a runner takes them: `${{ }}` expressions filled
    in from the inputs (with their defaults), the github context and earlier steps' outputs; a
    step that fails ends the action. Setting up Python and installing cgowarn are played by a
    virtual environment that holds the cgowarn under test."""
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    context = {
        "github.action_path": str(ROOT),
        "github.token": env["GITHUB_TOKEN"],
        "github.server_url": "https://github.com",
        "github.repository": env["GITHUB_REPOSITORY"],
        "github.run_id": "1",
        "steps.python.outputs.python-path": sys.executable,
    }

    def fill(text: str) -> str:
        return EXPRESSION.sub(lambda m: context[m.group(1)], text)

    context |= {f"inputs.{k}": fill(str(v.get("default", ""))) for k, v in action["inputs"].items()}
    context |= {f"inputs.{k}": v for k, v in inputs.items()}
    venv = temp / "cgowarn-venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "cgowarn").symlink_to(BIN / "cgowarn")
    (venv / "python").symlink_to(sys.executable)
    steps: list[Step] = []
    for raw in action["runs"]["steps"]:
        name = raw.get("name", raw.get("uses", ""))
        condition = raw.get("if")
        if condition is not None:
            left, right = (part.strip() for part in str(condition).split("=="))
            if context[left] != right.strip("'"):
                steps.append(Step(name, ran=False, ok=True))
                continue
        if "uses" in raw or re.search(r"\bpip\"? install\b", raw["run"]):
            steps.append(Step(name, ran=True, ok=True))  # played by the environment above
            continue
        output = temp / f"output-{len(steps)}"
        output.touch()
        step_env = {k: fill(str(v)) for k, v in raw.get("env", {}).items()}
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", raw["run"]],
            cwd=job,
            env={**env, **step_env, "RUNNER_TEMP": str(temp), "GITHUB_OUTPUT": str(output)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        for line in output.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            context[f"steps.{raw.get('id')}.outputs.{key}"] = value
        steps.append(Step(name, True, proc.returncode == 0, proc.stdout + proc.stderr))
        if proc.returncode:
            break
    return steps


@pytest.mark.toolchain
@pytest.mark.slow
def test_action_builds_reports_keeps_one_comment_and_gates(repo: Path, tmp_path: Path) -> None:
    """`uses: cgowarn/cgowarn` with a build command, twice on the same pull request: the build
    runs under cgowarn run, the reports and the job summary are written, one sticky comment is
    created and then left alone, and the last step fails the job on the gate."""
    bot = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
    with serve(Fake("github", installation_tokens={INSTALLATION_TOKEN: bot})) as fake:
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"pull_request": {"number": GITHUB_PR}}), encoding="utf-8")
        for attempt in (1, 2):
            job = tmp_path / f"run{attempt}"
            job.mkdir()
            work = _fresh(repo, job)
            temp = job / "runner-temp"
            summary = job / "summary.md"
            env = {
                **_environment(repo, job),
                "GITHUB_TOKEN": INSTALLATION_TOKEN,
                "GITHUB_REPOSITORY": GITHUB_REPO,
                "GITHUB_EVENT_PATH": str(event),
                "GITHUB_API_URL": fake.base,
                "GITHUB_STEP_SUMMARY": str(summary),
            }
            command = "go build -ldflags '-linkmode external -extldflags \"-static\"' ./..."
            steps = run_action({"command": command}, work, env, temp)
            *before, gate = steps
            assert all(s.ran and s.ok for s in before), [(s.name, s.output) for s in before]
            assert gate.name == "Gate" and gate.ran and not gate.ok  # high findings
            for name in ("cgowarn-report.html", "cgowarn-report.md", "cgowarn-report.sarif"):
                assert (work / name).is_file(), name
            assert "getpwnam_r" in (work / "cgowarn-report.log").read_text(encoding="utf-8")
            assert "getpwnam_r" in summary.read_text(encoding="utf-8")
            assert (work / "usernet").is_file()
        [posted] = fake.comments
        assert posted.get("user") == bot, posted
        assert "getpwnam_r" in posted["body"]
        assert [r.method for r in fake.writes()] == ["POST"]  # the second run changed nothing
        for step in steps:
            assert INSTALLATION_TOKEN not in step.output


PROJECT_TOKEN = "glpat-cgowarnTESTtoken0042xyz"


@pytest.mark.toolchain
@pytest.mark.slow
def test_gitlab_merge_request_job_keeps_one_note_and_its_reports(
    repo: Path, tmp_path: Path
) -> None:
    """The merge request job, twice on the same merge request, against a fake GitLab: one note,
    created once; the Code Quality report and the HTML artifact written; the job fails on the
    gate, with the build's own status kept."""
    bot = {"id": 70, "username": "project_123_bot"}
    [(name, job)] = yaml.safe_load(GITLAB_MR_JOB.read_text(encoding="utf-8")).items()
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    with serve(Fake("gitlab", prefix="/api/v4", users={PROJECT_TOKEN: bot})) as fake:
        for attempt in (1, 2):
            run = tmp_path / f"run{attempt}"
            run.mkdir()
            work = _fresh(repo, run)
            env = {
                **_environment(repo, run),
                "GITLAB_TOKEN": PROJECT_TOKEN,
                "CI_API_V4_URL": f"{fake.base}/api/v4",
                "CI_PROJECT_ID": GITLAB_PROJECT,
                "CI_MERGE_REQUEST_IID": str(GITLAB_MR),
                "CI_PIPELINE_SOURCE": "merge_request_event",
                "CI_JOB_URL": "https://gitlab.example.com/group/app/-/jobs/1",
            }
            proc = run_gitlab_script(job, work, env)
            assert proc.returncode == 1, proc.stdout + proc.stderr  # the gate, the build passed
            assert PROJECT_TOKEN not in proc.stdout + proc.stderr
            reports = job["artifacts"]["reports"]
            for path in (*job["artifacts"]["paths"], *reports.values()):
                assert (work / path).is_file(), path
            entries = json.loads((work / reports["codequality"]).read_bytes())
            assert any(e["check_name"].endswith("getpwnam_r") for e in entries)
        [note] = fake.comments
        assert "getpwnam_r" in note["body"]
        assert [r.method for r in fake.writes()] == ["POST"], name


@pytest.mark.toolchain
@pytest.mark.slow
def test_pr_comment_workflow_comments_once_and_leaves_its_artifacts(
    repo: Path, tmp_path: Path
) -> None:
    """examples/github-actions/pr-comment.yml on a pull request, with the action it uses run from
    this repository against a fake GitHub: the comment is posted, every artifact and the SARIF are
    there, and the cgowarn step fails the job on the gate."""
    bot = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
    with serve(Fake("github", installation_tokens={INSTALLATION_TOKEN: bot})) as fake:
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"pull_request": {"number": GITHUB_PR}}), encoding="utf-8")
        job = _fresh(repo, tmp_path)
        env = {
            **_environment(repo, tmp_path),
            "GITHUB_TOKEN": INSTALLATION_TOKEN,
            "GITHUB_REPOSITORY": GITHUB_REPO,
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_API_URL": fake.base,
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        }
        workflow = yaml.safe_load(PR_WORKFLOW.read_text(encoding="utf-8"))
        steps = {s.name: s for s in run_github_job(workflow, job, env)}
        assert steps["Build"].ran and steps["Build"].ok, steps["Build"].output
        cgowarn = steps["cgowarn"]
        assert cgowarn.ran and not cgowarn.ok  # the gate: high findings
        for name in ("Upload the reports", "Upload SARIF to code scanning"):
            assert steps[name].ran and steps[name].ok, (name, steps[name].output)
        [posted] = fake.comments
        assert posted["user"] == bot and "getpwnam_r" in posted["body"]
        assert INSTALLATION_TOKEN not in cgowarn.output


@pytest.mark.toolchain
@pytest.mark.slow
def test_action_takes_targets_a_binary_and_a_working_directory(repo: Path, tmp_path: Path) -> None:
    """The action's options reach cgowarn: `working-directory` (the build and the reports are
    there), `target` (a target the binary does not start on fails the gate, and the report
    says so) and `binary`."""
    job = tmp_path / "job"
    job.mkdir()
    work = _fresh(repo, job)  # job/checkout: the working directory, inside the workspace `job`
    env = {**_environment(repo, job), "GITHUB_TOKEN": "", "GITHUB_REPOSITORY": GITHUB_REPO}
    command = "go build -ldflags '-linkmode external -extldflags \"-static\"' ./..."
    steps = run_action(
        {
            "command": command,
            "target": "centos6 debian12",
            "binary": "usernet",
            "working-directory": work.name,
            "comment": "false",
            "fail-on": "never",
        },
        job,
        env,
        job / "runner-temp",
    )
    *before, comment, gate = steps
    assert all(s.ran and s.ok for s in before), [(s.name, s.output) for s in before]
    assert not comment.ran  # comment: false
    report = json.loads((work / "cgowarn-report.json").read_text(encoding="utf-8"))
    assert {t["target"] for t in report["targets"]} == {"centos6", "debian12"}
    assert [b["path"] for b in report["binaries"]] == ["usernet"]
    assert gate.ran and gate.ok  # --fail-on never: the verdicts do not fail it
