#!/bin/sh
# Makes the Java runtime image a .deb ships (so the machine needs no JDK): the modules the jars in
# LIB_DIR use, as jdeps finds them, plus EXTRA (comma-separated) for what jdeps cannot see:
# service providers loaded by name, such as jdk.crypto.ec for TLS with elliptic curves. The
# image gets its own class-data sharing archive of the JDK's classes (--generate-cds-archive),
# as a JDK has.
#
# usage: jlink-runtime.sh LIB_DIR OUT_DIR [EXTRA]     Environment: JAVA_HOME (the JDK to link from)
set -eu

lib=$1
out=$2
extra=${3:-}
jdk=${JAVA_HOME:?JAVA_HOME must name the JDK to link the runtime from}

# Inputs only (not also on --class-path): each jar sees the others, without split-package noise.
# shellcheck disable=SC2086 # the jars, one word each (no spaces in Maven file names)
modules=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$lib"/*.jar)
[ -n "$modules" ] || { echo "jlink-runtime: jdeps found no modules in $lib" >&2; exit 1; }
modules=$modules${extra:+,$extra}

rm -rf "$out"
"$jdk/bin/jlink" --add-modules "$modules" --output "$out" \
  --strip-debug --no-man-pages --no-header-files --compress=2 --generate-cds-archive
# The archive for heaps over 32 GB (no compressed oops): 11 MB that neither a CLI nor this broker
# uses; such a JVM starts without an archive instead.
rm -f "$out/lib/server/classes_nocoops.jsa"
"$out/bin/java" -Xshare:on -version >/dev/null 2>&1 ||
  { echo "jlink-runtime: $out/bin/java does not start with its CDS archive" >&2; exit 1; }
echo "jlink-runtime: $out ($modules; $(du -sh "$out" | cut -f1))"
