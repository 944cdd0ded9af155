#!/bin/sh
# Builds one .deb, hoop or hoop-broker, from the packaging build's outputs and the package's jars,
# with its own Java runtime (jlink-runtime.sh), so the machine needs no JDK. dpkg-deb keeps each
# file's mode as staged (the runtime's executables, the launchers) and owns everything by root.
#
# usage: build-deb.sh PACKAGE VERSION JARS_DIR OUT_DIR
#   PACKAGE   hoop | hoop-broker
#   VERSION   the Maven version (0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT: it sorts before 0.1.0)
#   JARS_DIR  the package's runtime jars (its module's dependencies)
#   OUT_DIR   where PACKAGE_VERSION_ARCH.deb and the staged tree (OUT_DIR/root) go
# Environment: JAVA_HOME (the JDK the runtime is linked from).
set -eu

package=$1
version=$(printf '%s' "$2" | sed 's/-/~/g')
jars=$3
out=$4
here=$(cd -P -- "$(dirname -- "$0")" && pwd)
packaging=$(dirname -- "$(dirname -- "$here")") # packaging/
repo=$(dirname -- "$packaging")
man=$repo/manpages/target/man/man1
arch=$(dpkg --print-architecture)

fail() {
  echo "build-deb: $*" >&2
  exit 1
}
[ -d "$man" ] || fail "no man pages in $man (the manpages module builds them)"

root=$out/root
rm -rf "$root"
home=$root/usr/lib/$package
mkdir -p "$home/bin" "$home/lib" "$root/usr/bin" "$root/usr/share/man/man1" \
  "$root/usr/share/doc/$package" "$root/DEBIAN"

cp "$jars"/*.jar "$home/lib/"
chmod 0644 "$home/lib"/*.jar
install -m 0755 "$packaging/src/main/dist/bin/$package" "$home/bin/$package"
ln -s "../lib/$package/bin/$package" "$root/usr/bin/$package"

# completions NAME: NAME's bash, zsh and fish scripts where each shell looks for packaged ones.
completions() {
  staged=$packaging/target/staging/completion
  mkdir -p "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d"
  install -m 0644 "$staged/$1.bash" "$root/usr/share/bash-completion/completions/$1"
  install -m 0644 "$staged/_$1" "$root/usr/share/zsh/vendor-completions/_$1"
  install -m 0644 "$staged/$1.fish" "$root/usr/share/fish/vendor_completions.d/$1.fish"
}

case $package in
  hoop)
    # A dev broker for `hoop demo`, when hoop-broker is installed too (Suggests).
    ln -s ../../hoop-broker/bin/hoop-broker "$home/bin/hoop-broker"
    classlist=$packaging/target/hoop/lib/hoop-cli.classlist
    if [ -s "$classlist" ]; then
      install -m 0644 "$classlist" "$home/lib/hoop-cli.classlist"
      install -m 0755 "$here/hoop/dump-cds-archive.sh" "$home/lib/dump-cds-archive.sh"
    else
      echo "build-deb: no $classlist (built with -Dhoop.cds.skip?): the package makes no CDS archive" >&2
    fi
    completions hoop
    pages=$(cd "$man" && ls hoop.1 hoop-*.1 | grep -v '^hoop-broker')
    ;;
  hoop-broker)
    mkdir -p "$root/etc/hoop" "$root/lib/systemd/system"
    install -m 0644 "$here/hoop-broker/broker.yaml" "$root/etc/hoop/broker.yaml"
    install -m 0644 "$here/hoop-broker/hoop-broker.service" "$root/lib/systemd/system/hoop-broker.service"
    install -m 0644 "$here/hoop-broker/conffiles" "$root/DEBIAN/conffiles"
    completions hoop-broker
    pages=$(cd "$man" && ls hoop-broker.1 hoop-broker-*.1)
    ;;
  *) fail "unknown package '$package' (hoop or hoop-broker)" ;;
esac

for page in $pages; do
  gzip -9n <"$man/$page" >"$root/usr/share/man/man1/$page.gz"
done
chmod 0644 "$root/usr/share/man/man1"/*.gz

cat >"$root/usr/share/doc/$package/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: hoop

Files: *
License: Apache-2.0
 On Debian systems the full text of the license is in
 /usr/share/common-licenses/Apache-2.0.
COPYRIGHT

# The runtime, plus modules jdeps cannot see: every security provider conf/security/java.security
# lists (jdk.crypto.ec is TLS with elliptic curves; java.xml.crypto, java.smartcardio,
# jdk.security.jgss and jdk.crypto.cryptoki are XMLDSig, SunPCSC, JdkSASL and SunPKCS11, 1.2 MB in
# all). When a listed provider's module is missing, the JDK's first walk over the providers looks
# for it on the class path and instantiates BouncyCastle's provider instead: 600 classes, ~200 ms
# of every `hoop` broker call (bench/cli-start). The broker's metrics read process CPU and open
# files from jdk.management, by reflection.
extra=jdk.crypto.ec,java.xml.crypto,java.smartcardio,jdk.security.jgss,jdk.crypto.cryptoki
if [ "$package" = hoop-broker ]; then
  extra=$extra,jdk.management
fi
sh "$here/jlink-runtime.sh" "$home/lib" "$home/runtime" "$extra"

for script in postinst prerm postrm; do
  if [ -f "$here/$package/$script" ]; then
    install -m 0755 "$here/$package/$script" "$root/DEBIAN/$script"
  fi
done
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
  "$here/$package/control" >"$root/DEBIAN/control"

# Reproducible: every file dated at the build's timestamp (SOURCE_DATE_EPOCH, if set).
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
fi
deb=$out/${package}_${version}_$arch.deb
rm -f "$out/${package}"_*.deb
# gzip: every dpkg reads it, and it costs seconds where xz costs a minute of the build's CPU.
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "build-deb: $deb ($(du -h "$deb" | cut -f1))"
