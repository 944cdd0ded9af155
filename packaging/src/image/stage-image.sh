#!/bin/sh
# Stages the broker container image's own files (jib adds the jars as layers of their own): the
# jlink runtime at /opt/hoop/runtime, the C libraries it links against (from this build machine,
# found with ldd: the image has no base but `scratch`, as no container registry is reachable from
# the build), /etc/passwd and /etc/group naming the non-root user hoop (65532), the example config
# listening on all addresses, and writable /var/lib/hoop (the data volume) and /tmp.
#
# usage: stage-image.sh RUNTIME_DIR CONFIG OUT_ROOT
set -eu

runtime=$1
config=$2
out=$3
fail() {
  echo "stage-image: $*" >&2
  exit 1
}
[ -x "$runtime/bin/java" ] || fail "no runtime at $runtime"

rm -rf "$out"
mkdir -p "$out/opt/hoop" "$out/etc/hoop" "$out/var/lib/hoop" "$out/tmp"
cp -a "$runtime" "$out/opt/hoop/runtime"

runtime=$(cd -P -- "$runtime" && pwd)

# Every shared object the runtime's programs and libraries need, at the path the loader looks
# for it (symlinks followed: the image holds the files themselves), but the runtime's own (found
# through their \$ORIGIN paths) and those of the desktop's native libraries, which a headless
# server never loads (X11, fonts, images, sound: java.desktop is in the image for java.beans).
libs=$(find "$runtime" -type f \( -name '*.so' -o -path '*/bin/*' \) \
  ! -name 'libawt_xawt.so' ! -name 'libfontmanager.so' ! -name 'libjawt.so' ! -name 'libsplashscreen.so' \
  ! -name 'liblcms.so' ! -name 'libjavajpeg.so' ! -name 'libjsound.so' ! -name 'libmlib_image.so' \
  -exec ldd {} \; 2>/dev/null |
  sed -n -e 's/.*=> \(\/[^ ]*\) (0x.*/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' |
  grep -v "^$runtime/" | sort -u)
[ -n "$libs" ] || fail "ldd found no library under $runtime"
for lib in $libs; do
  mkdir -p "$out$(dirname -- "$lib")"
  cp -L "$lib" "$out$lib"
done
# Loaded by name at run time, so no ldd line names them: glibc's name services (getpwuid for
# user.home, DNS for the IdP), and the stubs native libraries built for an older glibc link
# against (netty's epoll transport and BoringSSL, unpacked from their jars at start).
for extra in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2 libpthread.so.0 libdl.so.2 librt.so.1; do
  for dir in $(printf '%s\n' $libs | sed 's|/[^/]*$||' | sort -u); do
    if [ -e "$dir/$extra" ]; then
      cp -L "$dir/$extra" "$out$dir/$extra"
    fi
  done
done

cat >"$out/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
hoop:x:65532:65532:hoop access broker:/var/lib/hoop:/sbin/nologin
PASSWD
cat >"$out/etc/group" <<GROUP
root:x:0:
hoop:x:65532:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$out/etc/nsswitch.conf"
# The packaged example, listening on every address of the container (a port above 1024: no
# capability needed).
sed 's/^listen: 127\.0\.0\.1:8443$/listen: 0.0.0.0:8443/' "$config" >"$out/etc/hoop/broker.yaml"
grep -q '^listen: 0\.0\.0\.0:8443$' "$out/etc/hoop/broker.yaml" || fail "$config: no 'listen: 127.0.0.1:8443' line to open"
echo "stage-image: $out ($(printf '%s\n' $libs | wc -l) libraries; $(du -sh "$out" | cut -f1))"
