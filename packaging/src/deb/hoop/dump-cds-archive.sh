#!/bin/sh
# Makes lib/hoop-cli.jsa, the class-data sharing archive bin/hoop maps at start, from
# lib/hoop-cli.classlist: the classes the build's training runs of hoop loaded (see the
# distribution's lib/build-cds-archive.sh). The .deb's postinst runs it, because a JDK 17 archive
# is valid only for the jar paths it was made with. Needs nothing but the package's own runtime.
set -eu
lib=$(cd -P -- "$(dirname -- "$0")" && pwd)
hoop=$(dirname -- "$lib")/bin/hoop
[ -s "$lib/hoop-cli.classlist" ] || { echo "dump-cds-archive: no $lib/hoop-cli.classlist" >&2; exit 1; }
rm -f "$lib/hoop-cli.jsa"
log=$(mktemp "${TMPDIR:-/tmp}/hoop-cds-dump.XXXXXX")
trap 'rm -f "$log"' EXIT
# Through the launcher, so the class path is byte for byte the one it presents at each start.
HOOP_JAVA_OPTS="-Xshare:dump -XX:SharedClassListFile=$lib/hoop-cli.classlist -XX:SharedArchiveFile=$lib/hoop-cli.jsa" \
  "$hoop" </dev/null >"$log" 2>&1 || { tail -n 20 "$log" >&2; exit 1; }
chmod 0644 "$lib/hoop-cli.jsa"
# -Xshare:on refuses to start without the archive: proof that the launcher maps it.
HOOP_JAVA_OPTS=-Xshare:on "$hoop" --version >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
