#!/usr/bin/env python3
"""Checks and report of the fleet-in-a-box test (integration/fleet-test.sh).

Usage: fleetcheck.py --manifest M --anomalies A.jsonl --agents G.jsonl --shipped S.json
                     [--latency SECONDS] [--report FILE]
  A.jsonl   `fleetctl anomalies --since 1h -o json`
  G.jsonl   `fleetctl agents -o json`
  S.json    {"vm1": {"records": N, "lost": N, "pending": N}, ...} from the agents' exit summaries
Fails (exit 1) when: a required step of the manifest has no finding; any finding above low matches
no expect entry (a benign flow flagged); an agent is missing, has missed batches at the aggregator or
lost batches at the agent; records shipped differ from records stored; the latency is missing.
"""
import argparse
import json
import sys

from evaluate import SEVERITIES, addresses_of, matches, rank  # the scenario scorer's matching rules, shared


def read_lines(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def attack_related(expect, finding):
    """A finding of an expected detector about the attack's addresses, at any severity (e.g. optional steps)."""
    return finding.get("detector") == expect["detector"] and set(expect.get("addresses", [])) <= addresses_of(finding)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--anomalies", required=True)
    parser.add_argument("--agents", required=True)
    parser.add_argument("--shipped", required=True)
    parser.add_argument("--expect-agents", default="")
    parser.add_argument("--latency", type=float)
    parser.add_argument("--latency-goal", type=float, default=10.0)
    parser.add_argument("--report")
    args = parser.parse_args()

    with open(args.manifest) as handle:
        manifest = json.load(handle)
    findings = read_lines(args.anomalies)
    agents = {agent["agent"]: agent for agent in read_lines(args.agents)}
    with open(args.shipped) as handle:
        shipped = json.load(handle)
    failures = []
    lines = []

    # Attack steps and benign flows.
    steps = []
    for expect in manifest["expect"]:
        hit = next((f for f in findings if matches(expect, f)), None)
        steps.append((expect, hit))
        if hit is None and not expect.get("optional"):
            failures.append("attack step not found: %s (%s >= %s)" % (expect["step"], expect["detector"], expect["min_severity"]))
    flagged = [f for f in findings if rank(f.get("severity")) > rank("low")
               and not any(attack_related(e, f) for e in manifest["expect"])]
    for finding in flagged:
        failures.append("benign flow flagged %s by %s: %s" % (finding.get("severity"), finding.get("detector"), finding.get("summary")))

    # Agents: present, nothing missed or lost, shipped == stored.
    expected_agents = [name for name in args.expect_agents.split(",") if name] or sorted(shipped)
    lines.append("agents (%d):" % len(expected_agents))
    lines.append("  %-6s %-10s %9s %9s %8s %5s %8s %6s %6s %6s" % (
        "agent", "hostname", "shipped", "stored", "batches", "dups", "packets", "drops", "missed", "lost"))
    for name in expected_agents:
        agent = agents.get(name)
        sent = shipped.get(name, {})
        if agent is None:
            failures.append("agent %s not in `fleetctl agents`" % name)
            continue
        stored = agent.get("records", 0)
        records = sent.get("records")
        lines.append("  %-6s %-10s %9s %9d %8d %5d %8d %6d %6d %6s" % (
            name, agent.get("hostname") or "-", records if records is not None else "?", stored,
            agent.get("batches", 0), agent.get("duplicate_batches", 0), agent.get("packets", 0), agent.get("drops", 0), agent.get("missed_batches", 0),
            sent.get("lost", "?")))
        if not agent.get("hostname"):
            failures.append("agent %s never registered (no hostname)" % name)
        if agent.get("missed_batches", 0) != 0:
            failures.append("agent %s: %d missed batches at the aggregator" % (name, agent["missed_batches"]))
        if sent.get("lost", 0) != 0:
            failures.append("agent %s: %d batches lost at the agent" % (name, sent["lost"]))
        if sent.get("pending", 0) != 0:
            failures.append("agent %s: %d batches still unacknowledged" % (name, sent["pending"]))
        if records is None:
            failures.append("agent %s: no exit summary (records shipped unknown)" % name)
        elif records != stored:
            failures.append("agent %s: %d records shipped but %d stored" % (name, records, stored))
        elif stored == 0:
            failures.append("agent %s: no records at all" % name)

    by_severity = {severity: 0 for severity in SEVERITIES}
    for finding in findings:
        by_severity[finding.get("severity", "info")] = by_severity.get(finding.get("severity", "info"), 0) + 1
    lines.append("findings: %d (%s)" % (len(findings), ", ".join(
        "%s %d" % (severity, by_severity[severity]) for severity in reversed(SEVERITIES))))
    for finding in sorted(findings, key=lambda f: -rank(f.get("severity"))):
        if rank(finding.get("severity")) > rank("low"):
            lines.append("  %-8s %-22s %s" % (finding.get("severity"), finding.get("detector"), finding.get("summary", "")[:150]))
    for expect, hit in steps:
        mark = "found" if hit else ("not seen (optional)" if expect.get("optional") else "MISSING")
        lines.append("  step %-60s %s" % (expect["step"][:60], mark))
    if args.latency is None:
        failures.append("no detection latency measured (critical finding never queryable?)")
        lines.append("detection latency of the callback: not measured")
    else:
        lines.append("detection latency of the callback: %.1f s (goal <= %.0f s)" % (args.latency, args.latency_goal))
        if args.latency > args.latency_goal:
            failures.append("detection latency %.1f s above the %.0f s goal" % (args.latency, args.latency_goal))
    lines.append("result: %s" % ("PASS" if not failures else "FAIL"))
    for failure in failures:
        lines.append("  FAIL: " + failure)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.report:
        with open(args.report, "w") as handle:
            handle.write(text)
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
