#!/usr/bin/env python3
"""Checks rendered manifests against GKE Autopilot's rules that no offline validator knows:
requests equal limits, at least 250m CPU / 512Mi memory, CPU:memory between 1:1 and 1:6.5,
ephemeral storage within 10Mi-10Gi, no pod anti-affinity, no privileged containers, no hostPath.

usage: check_autopilot.py RENDERED.yaml [...]"""
import re
import sys

import yaml

UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "K": 10**3, "M": 10**6, "G": 10**9}


def cpu(v):
    v = str(v)
    return float(v[:-1]) / 1000 if v.endswith("m") else float(v)


def size(v):
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(v))
    return float(m.group(1)) * UNITS.get(m.group(2), 1)


def check(doc):
    errors = []
    if doc.get("kind") not in ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"):
        return errors
    name = f'{doc["kind"]}/{doc["metadata"]["name"]}'
    spec = doc["spec"]["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else doc["spec"]
    pod = spec["template"]["spec"]
    if (pod.get("affinity") or {}).get("podAntiAffinity"):
        errors.append(f"{name}: pod anti-affinity raises Autopilot's CPU minimum to 500m; use topologySpreadConstraints")
    for volume in pod.get("volumes", []):
        if "hostPath" in volume:
            errors.append(f"{name}: hostPath volumes are not allowed")
    for c in pod.get("containers", []):
        where = f'{name} container {c["name"]}'
        res = c.get("resources", {})
        req, lim = res.get("requests", {}), res.get("limits", {})
        if req != lim:
            errors.append(f"{where}: requests must equal limits")
        if "cpu" not in req or "memory" not in req:
            errors.append(f"{where}: set cpu and memory requests")
            continue
        c_cpu, c_mem = cpu(req["cpu"]), size(req["memory"]) / 2**30
        if c_cpu < 0.25 or c_mem < 0.5:
            errors.append(f"{where}: below Autopilot's minimum of 250m CPU / 512Mi")
        if not 1 <= c_mem / c_cpu <= 6.5:
            errors.append(f"{where}: CPU:memory must be between 1:1 and 1:6.5 (is 1:{c_mem / c_cpu:.2f})")
        eph = req.get("ephemeral-storage")
        if eph and not 10 * 2**20 <= size(eph) <= 10 * 2**30:
            errors.append(f"{where}: ephemeral-storage must be 10Mi-10Gi")
        if (c.get("securityContext") or {}).get("privileged"):
            errors.append(f"{where}: privileged containers are not allowed")
    return errors


def main(paths):
    errors = []
    for path in paths:
        with open(path) as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    errors += [f"{path}: {e}" for e in check(doc)]
    for e in errors:
        print(e)
    print(f"autopilot: {len(errors)} problem(s) in {len(paths)} file(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
