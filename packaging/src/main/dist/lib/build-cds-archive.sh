#!/bin/sh
# Builds lib/hoop-cli.jsa, the class-data sharing archive that bin/hoop maps at start: hoop's and
# its libraries' classes already parsed and verified, so a short command starts in a fraction of
# the time (bench/cli-start). The packaging build runs it on target/hoop; run it again after moving
# or unpacking a distribution, because a JDK 17 archive is only valid for the absolute paths of
# the jars it was built from, and for the JDK that built it (the launcher then silently starts
# without it, just slower).
#
# usage: lib/build-cds-archive.sh     (writes lib/hoop-cli.jsa and lib/hoop-cli.classlist)
# Environment: JAVA_HOME as for bin/hoop. Needs nothing but the JDK and a POSIX shell.
set -eu

lib=$(cd -P -- "$(dirname -- "$0")" && pwd)
home=$(dirname -- "$lib")
hoop=$home/bin/hoop
work=$(mktemp -d "${TMPDIR:-/tmp}/hoop-cds.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "build-cds-archive: $*" >&2
  exit 1
}

# Training runs: the commands a user types most, offline (an empty config: "not logged in" is the
# expected outcome of the broker calls, and their start-up is what gets archived).
mkdir -p "$work/config"
n=0
train() {
  n=$((n + 1))
  HOOP_CONFIG_DIR=$work/config HOOP_JAVA_OPTS="-Xshare:off -XX:DumpLoadedClassList=$work/classes.$n" \
    "$hoop" "$@" </dev/null >"$work/train.$n.log" 2>&1 || true
  [ -s "$work/classes.$n" ] || fail "training run 'hoop $*' wrote no class list: $(cat "$work/train.$n.log")"
}
train --version
train --help
train version
train whoami
train targets
train requests --pending
train login --help
train connect --help
train exec --help
train sessions --help

# One list, first occurrence kept (the JVM loads them in this order at dump time).
cat "$work"/classes.* | awk '!seen[$0]++' >"$lib/hoop-cli.classlist"

rm -f "$lib/hoop-cli.jsa"
# Through the launcher, so the class path is byte for byte the one bin/hoop will present.
HOOP_JAVA_OPTS="-Xshare:dump -XX:SharedClassListFile=$lib/hoop-cli.classlist -XX:SharedArchiveFile=$lib/hoop-cli.jsa" \
  "$hoop" </dev/null >"$work/dump.log" 2>&1 || fail "java -Xshare:dump failed: $(tail -n 20 "$work/dump.log")"
[ -s "$lib/hoop-cli.jsa" ] || fail "java -Xshare:dump wrote no archive: $(tail -n 20 "$work/dump.log")"

# -Xshare:on makes a JVM that cannot map the archive refuse to start: proof that bin/hoop uses it.
HOOP_JAVA_OPTS="-Xshare:on -Xlog:class+load=info" "$hoop" --version </dev/null >"$work/check.log" 2>&1 ||
  fail "bin/hoop does not start with the archive mapped: $(tail -n 20 "$work/check.log")"
grep -q 'io.hoop.cli.Hoop source: shared objects file' "$work/check.log" ||
  fail "bin/hoop maps the archive but does not load io.hoop.cli.Hoop from it: $(grep 'io.hoop.cli.Hoop ' "$work/check.log")"
echo "build-cds-archive: $lib/hoop-cli.jsa ($(wc -l <"$lib/hoop-cli.classlist") classes listed)"
