#!/usr/bin/env bash
# Container start benchmark (issue 3): a busybox `/bin/true` container with Docker's default
# config, under tscompose-native and under runc, side by side, measured with hyperfine:
#
#   run        `<runtime> run ID`: create + start + wait + delete in one process
#   lifecycle  `create`, `start`, wait for the init to exit, `delete`: four processes, the way
#              a shim drives a runtime
#   seccomp    `run` again, with the engine's default seccomp filter in the bundle (what every
#              container the engine makes has): the cost of compiling and loading it
#
# Usage (root): bench/runtime-start.sh [RUNS]      default 50 runs each, after 5 warm-up runs
# Needs: hyperfine, busybox-static (/bin/busybox), runc (/usr/sbin/runc), node, a built
# native/build/tscompose-native (npm run build:native; TSCOMPOSE_NATIVE_BIN overrides it) with
# libseccomp, and dist/ (npm run build) for the default filter.
# State roots live on /run (tmpfs), as the engine's do. Prints a markdown table with the ratio.
set -euo pipefail

RUNS=${1:-50}
HERE=$(cd "$(dirname "$0")" && pwd)
NATIVE=${TSCOMPOSE_NATIVE_BIN:-$HERE/../native/build/tscompose-native}
RUNC=/usr/sbin/runc
for tool in hyperfine node "$RUNC" "$NATIVE" /bin/busybox; do
  command -v "$tool" >/dev/null || { echo "runtime-start: $tool is missing" >&2; exit 1; }
done

WORK=$(mktemp -d /run/tscompose-bench-XXXXXX)
CGROUP="/tscompose-bench-$$"
cleanup() {
  for id in $(ls "$WORK/n" 2>/dev/null); do "$NATIVE" --root "$WORK/n" delete --force "$id" || true; done
  for id in $(ls "$WORK/r" 2>/dev/null); do "$RUNC" --root "$WORK/r" delete --force "$id" || true; done
  find /sys/fs/cgroup -maxdepth 2 -type d -name "${CGROUP#/}" -exec rmdir {} + 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- the bundle: busybox rootfs + Docker's default config.json (see test/helpers/oci-bundle.ts)
ROOTFS="$WORK/bundle/rootfs"
mkdir -p "$ROOTFS"/{bin,etc,proc,sys,dev,tmp,root}
cp /bin/busybox "$ROOTFS/bin/busybox"
for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$ROOTFS/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOTFS/etc/passwd"
CGROUP="$CGROUP" node -e '
const caps = ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID",
  "CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"];
const config = {
  ociVersion: "1.2.0",
  process: { terminal: false, user: { uid: 0, gid: 0 }, args: ["/bin/true"],
    env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], cwd: "/",
    capabilities: { bounding: caps, effective: caps, permitted: caps },
    rlimits: [{ type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 }], noNewPrivileges: false },
  root: { path: "rootfs", readonly: false },
  hostname: "bench",
  mounts: [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid","noexec","nodev"] },
    { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid","strictatime","mode=755","size=65536k"] },
    { destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620","gid=5"] },
    { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid","noexec","nodev","mode=1777","size=65536k"] },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid","noexec","nodev"] },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid","noexec","nodev","ro"] },
    { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid","noexec","nodev","relatime","ro"] },
  ],
  linux: {
    namespaces: [{ type: "pid" }, { type: "network" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }],
    cgroupsPath: process.env.CGROUP,
    resources: { devices: [{ allow: false, access: "rwm" }], memory: { limit: 268435456 }, pids: { limit: 1024 } },
    maskedPaths: ["/proc/acpi","/proc/asound","/proc/interrupts","/proc/kcore","/proc/keys","/proc/latency_stats",
      "/proc/sched_debug","/proc/scsi","/proc/timer_list","/proc/timer_stats","/sys/devices/virtual/powercap","/sys/firmware"],
    readonlyPaths: ["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"],
  },
};
require("fs").writeFileSync(process.argv[1], JSON.stringify(config));
' "$WORK/bundle/config.json"

# --- the same bundle with the engine's default seccomp filter (src/engine/container/seccomp-default.ts)
mkdir -p "$WORK/bundle-seccomp"
node --input-type=module -e '
import { readFileSync, writeFileSync } from "node:fs";
const { defaultSeccompProfile } = await import(process.argv[1]);
const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
config.linux.seccomp = defaultSeccompProfile(config.process.capabilities.bounding);
config.root.path = process.argv[4]; // the same rootfs (runc refuses a symlinked one)
writeFileSync(process.argv[3], JSON.stringify(config));
' "$HERE/../dist/engine/container/seccomp-default.js" "$WORK/bundle/config.json" "$WORK/bundle-seccomp/config.json" "$ROOTFS"

# --- create, start, wait (the init is no child of ours: watch /proc), delete
cat >"$WORK/lifecycle.sh" <<EOF
#!/bin/sh
set -e
R=\$1; ROOT=\$2; ID=\$3
"\$R" --root "\$ROOT" create --bundle "$WORK/bundle" --pid-file "$WORK/\$ID.pid" "\$ID" </dev/null >/dev/null 2>&1
"\$R" --root "\$ROOT" start "\$ID"
pid=\$(cat "$WORK/\$ID.pid")
while [ -e /proc/\$pid ] && ! grep -q ') Z' /proc/\$pid/stat 2>/dev/null; do :; done
"\$R" --root "\$ROOT" delete "\$ID"
EOF
chmod +x "$WORK/lifecycle.sh"

# Fail early (and loudly) if either runtime cannot run the bundles at all.
"$NATIVE" --root "$WORK/n" run --bundle "$WORK/bundle" check
"$RUNC" --root "$WORK/r" run --bundle "$WORK/bundle" check
"$NATIVE" --root "$WORK/n" run --bundle "$WORK/bundle-seccomp" check
"$RUNC" --root "$WORK/r" run --bundle "$WORK/bundle-seccomp" check

hyperfine --style basic --warmup 5 --runs "$RUNS" -N --export-json "$WORK/run.json" \
  -n "tscompose-native run" "$NATIVE --root $WORK/n run --bundle $WORK/bundle bench-run" \
  -n "runc run" "$RUNC --root $WORK/r run --bundle $WORK/bundle bench-run" >&2
hyperfine --style basic --warmup 5 --runs "$RUNS" -N --export-json "$WORK/seccomp.json" \
  -n "tscompose-native run, seccomp" "$NATIVE --root $WORK/n run --bundle $WORK/bundle-seccomp bench-sc" \
  -n "runc run, seccomp" "$RUNC --root $WORK/r run --bundle $WORK/bundle-seccomp bench-sc" >&2
hyperfine --style basic --warmup 5 --runs "$RUNS" -N --export-json "$WORK/lifecycle.json" \
  -n "tscompose-native lifecycle" "$WORK/lifecycle.sh $NATIVE $WORK/n bench-lc" \
  -n "runc lifecycle" "$WORK/lifecycle.sh $RUNC $WORK/r bench-lc" >&2

node -e '
const fs = require("fs");
const ms = (s) => (s * 1000).toFixed(1);
console.log("| measurement | tscompose-native | runc | runc / tscompose-native |");
console.log("|---|---|---|---|");
for (const [name, file] of [["run (create+start+wait+delete, one process)", "run.json"], ["run, with the default seccomp filter", "seccomp.json"], ["create, start, wait, delete (four processes)", "lifecycle.json"]]) {
  const [ours, theirs] = JSON.parse(fs.readFileSync(process.argv[1] + "/" + file, "utf8")).results;
  const cell = (r) => `${ms(r.mean)} ± ${ms(r.stddev)} ms (median ${ms(r.median)})`;
  console.log(`| ${name} | ${cell(ours)} | ${cell(theirs)} | ${(theirs.mean / ours.mean).toFixed(2)}× |`);
}
' "$WORK"
