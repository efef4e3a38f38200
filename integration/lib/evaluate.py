#!/usr/bin/env python3
"""Scores detector findings against the scenario manifests (stdlib only).

For every integration/scenarios/NAME/manifest.json: finds its capture (a committed fixture, or
CAPTURES/NAME.pcap made by make-scenarios.sh), gets the findings through a mode, and compares:

- recall: each `expect` entry (an attack step) must be matched by a finding of that detector with at
  least `min_severity` (and, when given, that host and all those addresses among the finding's
  indicator/flow addresses, each `resp_ports` port among its flows' responder ports, and each
  `uri_contains` text in one of its indicator URIs);
- false positives: every finding above `low` that matches no `expect` entry is a benign flow flagged.
  An entry with `"optional": true` is an attack finding that may or may not appear (e.g. long-connection,
  which needs a shell held over 10 minutes): not counted in recall, never a false positive.

Modes (a mode is a class with `findings(scenario, capture) -> list of finding dicts`):
- analyze: `fleetctl analyze CAPTURE -o json --noise NOISE` (offline, one capture = one agent);
- agent:   capture -> fleet-agent --read -> fleet-aggregator on loopback -> `fleetctl anomalies -o json`
           (see AgentMode).

Exit status: 0 when recall is 100 % and no benign flow is flagged above low, 1 otherwise, 2 on usage
errors or when a required capture is missing.
"""
import argparse
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SEVERITIES = ["info", "low", "medium", "high", "critical"]


def rank(severity):
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


class AnalyzeMode:
    name = "analyze"

    def __init__(self, fleetctl, noise, *_):
        self.fleetctl = fleetctl
        self.noise = noise

    def findings(self, scenario, capture):
        with tempfile.TemporaryDirectory(prefix="fw-eval-") as out:
            command = [self.fleetctl, "analyze", capture, "-o", "json", "--out", out]
            noise = scenario.get("noise", self.noise)
            if noise:
                command += ["--noise", noise]
            result = subprocess.run(command, capture_output=True, text=True, timeout=600)
            if result.returncode != 0:
                raise RuntimeError("fleetctl failed (%d): %s" % (result.returncode, result.stderr.strip()[-500:]))
            return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


class AgentMode:
    """Agent -> aggregator: for each capture, a fresh `fleet-aggregator` on loopback (free ports, a temp
    SQLite store, `--retention 0` because captures are old, `--warm-up 0` like the offline analysis, the
    scenario's noise file, the query API with a random token), then `fleet-agent --read CAPTURE
    --plaintext --metrics off` to exit 0 (every batch acknowledged), then waits on the aggregator's
    /metrics until detection has evaluated every stored batch and written its findings, and takes
    `fleetctl anomalies --since 1 -o json` (a window from the epoch: replayed captures keep their packet
    times). One aggregator per scenario, so the fleet-wide DNS index never leaks between scenarios;
    both processes are ended by PID."""
    name = "agent"

    def __init__(self, fleetctl, noise, aggregator="fleet-aggregator", agent="fleet-agent"):
        self.fleetctl = fleetctl
        self.noise = noise
        self.aggregator = aggregator
        self.agent = agent

    @staticmethod
    def free_port():
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    @staticmethod
    def stop(process):
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def metrics(self, api, token):
        request = urllib.request.Request("http://%s/metrics" % api, headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(request, timeout=5) as response:
            text = response.read().decode()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                values[name.split("{")[0]] = float(value)
        return values

    def findings(self, scenario, capture):
        work = tempfile.mkdtemp(prefix="fw-agentmode-")
        aggregator = agent = None
        try:
            token = secrets.token_hex(24)
            with open(os.path.join(work, "api-token"), "w") as handle:
                handle.write(token)
            ingest = "127.0.0.1:%d" % self.free_port()
            api = "127.0.0.1:%d" % self.free_port()
            command = [self.aggregator, "--listen", ingest, "--api", api,
                       "--api-token-file", os.path.join(work, "api-token"),
                       "--store", os.path.join(work, "fleet.sqlite"), "--allow-any-agent", "--plaintext",
                       "--retention", "0", "--warm-up", "0", "--log-level", "warning"]
            noise = scenario.get("noise", self.noise)
            if noise:
                command += ["--noise", noise]
            log = open(os.path.join(work, "aggregator.log"), "w")
            aggregator = subprocess.Popen(command, stdout=log, stderr=log)
            deadline = time.monotonic() + 60
            while True:
                try:
                    self.metrics(api, token)
                    break
                except OSError:
                    if aggregator.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("fleet-aggregator did not start: " + self.tail(work, "aggregator.log"))
                    time.sleep(0.05)

            agent = subprocess.Popen(
                [self.agent, "--read", capture, "--aggregator", ingest, "--plaintext", "--metrics", "off",
                 "--agent-id", scenario["name"], "--hostname", scenario["name"], "--token", "scenario",
                 "--spool", os.path.join(work, "spool"), "--log-level", "warning"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            output, _ = agent.communicate(timeout=300)
            if agent.returncode != 0:
                raise RuntimeError("fleet-agent failed (%d): %s" % (agent.returncode, output.strip()[-500:]))

            # Detection runs after each batch is committed: wait until every stored batch is evaluated
            # (or counted as dropped) and no finding is waiting to be written.
            deadline = time.monotonic() + 60
            while True:
                values = self.metrics(api, token)
                stored = values.get("fleet_ingest_batches_stored_total", -1)
                judged = values.get("fleet_detection_batches_evaluated_total", 0) + values.get(
                    "fleet_detection_batches_dropped_total", 0)
                if stored >= 1 and judged >= stored and values.get("fleet_detection_findings_unwritten", 1) == 0:
                    if values.get("fleet_detection_batches_dropped_total", 0):
                        raise RuntimeError("detection queue dropped batches")
                    break
                if aggregator.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("detection did not finish: %s %s" % (values, self.tail(work, "aggregator.log")))
                time.sleep(0.05)

            result = subprocess.run(
                [self.fleetctl, "anomalies", "--server", api, "--token", token, "--since", "1",
                 "--limit", "100000", "-o", "json"], capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                raise RuntimeError("fleetctl anomalies failed (%d): %s" % (result.returncode, result.stderr.strip()[-500:]))
            return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        finally:
            if agent is not None and agent.poll() is None:
                agent.kill()
                agent.wait(timeout=10)
            self.stop(aggregator)
            shutil.rmtree(work, ignore_errors=True)

    @staticmethod
    def tail(work, name):
        try:
            with open(os.path.join(work, name)) as handle:
                return handle.read()[-800:]
        except OSError:
            return ""


def addresses_of(finding):
    found = set(finding.get("indicators", {}).get("addresses", []))
    for flow in finding.get("flows", []):
        found.add(flow.get("id.orig_h"))
        found.add(flow.get("id.resp_h"))
    if finding.get("host"):
        found.add(finding["host"])
    return found


def matches(expect, finding):
    if finding.get("detector") != expect["detector"]:
        return False
    if rank(finding.get("severity", "info")) < rank(expect.get("min_severity", "info")):
        return False
    if "host" in expect and finding.get("host") != expect["host"]:
        return False
    if not set(expect.get("addresses", [])) <= addresses_of(finding):
        return False
    ports = {flow.get("id.resp_p") for flow in finding.get("flows", [])}
    if not set(expect.get("resp_ports", [])) <= ports:
        return False
    uris = finding.get("indicators", {}).get("uris", [])
    return all(any(text in uri for uri in uris) for text in expect.get("uri_contains", []))


def evaluate(manifest, findings):
    """Returns (steps: [(expect, matched finding or None)], false_positives: [finding], benign_hits)."""
    steps = []
    for expect in manifest.get("expect", []):
        if expect.get("optional"):
            continue
        hit = next((f for f in findings if matches(expect, f)), None)
        steps.append((expect, hit))
    false_positives = [
        f for f in findings
        if rank(f.get("severity", "info")) > rank("low")
        and not any(matches(e, f) for e in manifest.get("expect", []))
    ]
    benign_hits = []
    for benign in manifest.get("benign", []):
        wanted = set(benign.get("addresses", []))
        for f in false_positives:
            if wanted and wanted <= addresses_of(f):
                benign_hits.append((benign["flow"], f))
    return steps, false_positives, benign_hits


def flow_text(finding):
    flows = finding.get("flows") or [{}]
    f = flows[-1]
    return "%s:%s -> %s:%s" % (f.get("id.orig_h"), f.get("id.orig_p"), f.get("id.resp_h"), f.get("id.resp_p"))


def main():
    parser = argparse.ArgumentParser(description="Recall and false positives of the detectors on the scenarios.")
    parser.add_argument("--mode", choices=["analyze", "agent"], default="analyze")
    parser.add_argument("--fleetctl", default="fleetctl")
    parser.add_argument("--aggregator", default="fleet-aggregator", help="fleet-aggregator binary (agent mode)")
    parser.add_argument("--agent", default="fleet-agent", help="fleet-agent binary (agent mode)")
    parser.add_argument("--scenarios", required=True, help="folder of scenario folders (manifest.json each)")
    parser.add_argument("--captures", help="folder of live captures (NAME.pcap) made by make-scenarios.sh")
    parser.add_argument("--root", required=True, help="repository root (fixture paths are relative to it)")
    parser.add_argument("--require-live", action="store_true", help="a missing live capture is an error")
    parser.add_argument("--report", help="write a JSON report here")
    parser.add_argument("only", nargs="*", help="scenario names (default: all)")
    args = parser.parse_args()

    noise = os.path.join(args.scenarios, "noise.conf")
    mode = {"analyze": AnalyzeMode, "agent": AgentMode}[args.mode](args.fleetctl, noise, args.aggregator, args.agent)
    total_steps = found_steps = total_fp = evaluated = 0
    skipped, report, missing = [], [], False
    for path in sorted(glob.glob(os.path.join(args.scenarios, "*", "manifest.json"))):
        with open(path) as handle:
            manifest = json.load(handle)
        name = manifest["name"]
        if args.only and name not in args.only:
            continue
        if "noise" in manifest:
            manifest["noise"] = os.path.join(os.path.dirname(path), manifest["noise"])
        if manifest.get("source") == "fixture":
            capture = os.path.join(args.root, manifest["capture"])
        else:
            capture = os.path.join(args.captures or "/nonexistent", name + ".pcap")
        if not os.path.isfile(capture):
            skipped.append(name)
            missing = missing or args.require_live or manifest.get("source") == "fixture"
            print("%-18s SKIP  no capture (%s)" % (name, capture))
            continue
        try:
            findings = mode.findings(manifest, capture)
        except NotImplementedError as error:
            print("%-18s SKIP  %s" % (name, error))
            skipped.append(name)
            continue
        evaluated += 1
        steps, false_positives, benign_hits = evaluate(manifest, findings)
        hits = sum(1 for _, f in steps if f)
        total_steps += len(steps)
        found_steps += hits
        total_fp += len(false_positives)
        verdict = "ok" if hits == len(steps) and not false_positives else "FAIL"
        print("%-18s %-4s  attack steps %d/%d  benign flagged above low %d  findings %d" % (
            name, verdict, hits, len(steps), len(false_positives), len(findings)))
        for expect, finding in steps:
            mark = "found " if finding else "MISSED"
            detail = ("%s %s" % (finding["severity"], finding["summary"][:110])) if finding else (
                "want %s >= %s %s" % (expect["detector"], expect.get("min_severity", "info"),
                                      " ".join(expect.get("addresses", []))))
            print("    %s %-40s %s" % (mark, expect["step"][:40], detail))
        for finding in false_positives:
            print("    FALSE+ %-40s %s %s: %s" % (flow_text(finding), finding["severity"], finding["detector"],
                                                  finding["summary"][:100]))
        for flow, finding in benign_hits:
            print("           (benign flow flagged: %s by %s)" % (flow, finding["detector"]))
        report.append({"scenario": name, "steps": len(steps), "found": hits, "false_positives": len(false_positives),
                       "findings": findings})

    recall = 100.0 * found_steps / total_steps if total_steps else 100.0
    print("mode %s: recall %.1f%% (%d/%d attack steps), benign flows flagged above low: %d%s" % (
        mode.name, recall, found_steps, total_steps, total_fp,
        ", skipped: " + " ".join(skipped) if skipped else ""))
    if args.report:
        with open(args.report, "w") as handle:
            json.dump({"mode": mode.name, "recall": recall, "false_positives": total_fp, "scenarios": report}, handle,
                      indent=1)
    if missing:
        print("error: required capture missing", file=sys.stderr)
        return 2
    if evaluated == 0:
        print("error: no scenario was evaluated", file=sys.stderr)
        return 2
    return 0 if found_steps == total_steps and total_fp == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
