#!/usr/bin/env python3
"""Offline checks of packaging/kubernetes/ (there is no cluster to apply it to):

  check_kubernetes.py KUBERNETES_DIR CONFIG_OUT

Every file parses as YAML; the Deployment, Service and ConfigMap agree with each other (the
selector, the named port, the ConfigMap the volume mounts) and with gorgon (the probes ask a
path the ConfigMap's gorgon.yaml serves, on the port it listens on; the user is the image's
uid 999). Writes the ConfigMap's gorgon.yaml to CONFIG_OUT, for `gorgon --check-config` inside
the image (test_container.sh). Exit 1 with the reasons on any mismatch."""

import pathlib
import sys

import yaml

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)
    return cond


def main():
    kdir, config_out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    docs = {}
    for f in sorted(kdir.glob("*.yaml")):
        for doc in yaml.safe_load_all(f.read_text()):
            if doc is None:
                continue
            for key in ("apiVersion", "kind", "metadata"):
                check(key in doc, f"{f.name}: no {key}")
            docs[doc["kind"]] = doc
    for kind in ("Deployment", "Service", "ConfigMap"):
        if not check(kind in docs, f"no {kind} in {kdir}"):
            return

    dep, svc, cm = docs["Deployment"], docs["Service"], docs["ConfigMap"]
    labels = dep["spec"]["template"]["metadata"]["labels"]
    check(dep["spec"]["selector"]["matchLabels"].items() <= labels.items(),
          "the Deployment's selector does not match its pod labels")
    check(svc["spec"]["selector"].items() <= labels.items(),
          "the Service's selector does not match the pods")
    pod = dep["spec"]["template"]["spec"]
    check(pod["securityContext"].get("runAsUser") == 999 and
          pod["securityContext"].get("runAsNonRoot") is True,
          "the pod must run as the image's user 999, non-root")
    (container,) = pod["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for p in svc["spec"]["ports"]:
        check(p["targetPort"] in ports, f"Service targetPort {p['targetPort']} is no container port")

    # The ConfigMap's gorgon.yaml: where it listens, what the status route serves.
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    config_volume = volumes.get(mounts.get("/etc/gorgon"), {})
    check(config_volume.get("configMap", {}).get("name") == cm["metadata"]["name"],
          "/etc/gorgon is not mounted from the ConfigMap")
    check(container["args"] == ["-c", "/etc/gorgon/gorgon.yaml"], "args do not name the config")
    text = cm["data"]["gorgon.yaml"]
    config_out.write_text(text)
    config = yaml.safe_load(text)
    http_ports, healthz = set(), set()
    for server in config["servers"]:
        if server["protocol"] != "http":
            continue
        ports_here = {int(a.rsplit(":", 1)[1]) for a in server["listen"]}
        for route in server.get("config", {}).get("routes", []):
            if route.get("extension") == "status":
                path = route.get("config", {}).get("healthz", "/healthz")
                if path:
                    healthz |= {(port, path) for port in ports_here}
        http_ports |= ports_here
    for probe_name in ("readinessProbe", "livenessProbe"):
        probe = container.get(probe_name)
        if not check(probe and "httpGet" in probe, f"no HTTP {probe_name}"):
            continue
        get = probe["httpGet"]
        port = ports.get(get["port"], get["port"])
        check((port, get["path"]) in healthz,
              f"{probe_name} asks {get['path']} on port {port}; the ConfigMap serves /healthz on "
              f"{sorted(healthz)}")
    for name, port in ports.items():
        check(port in http_ports, f"container port {name} ({port}) has no http listener")
    # The root filesystem is read-only: every directory gorgon writes must be a volume.
    if container.get("securityContext", {}).get("readOnlyRootFilesystem"):
        runtime_dir = config.get("plugins", {}).get("runtime_directory")
        for d in filter(None, [runtime_dir and str(pathlib.Path(runtime_dir).parent), "/run/gorgon"]):
            check(d in mounts, f"{d} is written but not a volume (readOnlyRootFilesystem)")


if __name__ == "__main__":
    main()
    for e in errors:
        print("kubernetes:", e, file=sys.stderr)
    if not errors:
        print("kubernetes manifests: consistent (checked offline; no cluster here)")
    sys.exit(1 if errors else 0)
