#!/usr/bin/env bash
# Tests the two .debs without installing them (the build may not own the machine): their control
# data and file lists, then both unpacked with `dpkg -x` into a throw-away root, where
#  - the CLI's launcher starts on the package's own runtime (not the build's JDK), builds its
#    class-data sharing archive as postinst does, and maps it;
#  - every man page renders with `man -l`;
#  - the broker's shipped /etc/hoop/broker.yaml is valid;
#  - the unit's ExecStart line, its paths moved into the root, a temp config and data directory and
#    --dev added (an embedded IdP: no real one here), runs as an unprivileged user (nobody, when
#    run as root); alice logs in through the device flow with the unpacked CLI, lists the targets,
#    sends bytes through a tunnel to an echo service and back, and the unit's ExecReload (SIGHUP)
#    reloads the config.
# What it cannot do here: dpkg -i/-P (the maintainer scripts; done by hand, see README "Install"),
# systemd's sandboxing of the unit (no systemd in CI).
#
# usage: test-debs.sh CLI_DEB_DIR BROKER_DEB_DIR    Environment: JAVA_HOME (the build's JDK, only
# for the echo service and the dev IdP's form: the packages never use it).
set -euo pipefail

here=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
man=$repo/manpages/target/man/man1
cli_deb=$(ls "$1"/hoop_*.deb)
broker_deb=$(ls "$2"/hoop-broker_*.deb)
jdk_java=${JAVA_HOME:?}/bin/java

work=$(mktemp -d "${TMPDIR:-/tmp}/hoop-debtest.XXXXXX")
chmod 0755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
fail() {
  echo "test-debs: FAILED: $*" >&2
  echo "test-debs: $passed passed, 1 failed" >&2
  exit 1
}
ok() {
  passed=$((passed + 1))
  echo "test-debs: ok: $*"
}

# --- control data and file lists ---------------------------------------------------------------
arch=$(dpkg --print-architecture)
for deb in "$cli_deb" "$broker_deb"; do
  name=$(dpkg-deb --field "$deb" Package)
  [[ $(dpkg-deb --field "$deb" Architecture) == "$arch" ]] || fail "$deb: Architecture is not $arch"
  if dpkg-deb --field "$deb" Depends | grep -q 'java\|jdk\|jre'; then
    fail "$deb depends on a Java package"
  fi
  contents=$(dpkg-deb --contents "$deb")
  owners=$(awk '{print $2}' <<<"$contents" | sort -u)
  [[ $owners == root/root ]] || fail "$deb: files not all root/root: $owners"
  outside=$(awk '{print $6}' <<<"$contents" | grep -v -E '^\./$|^\./(usr|etc|lib)/$|^\./(usr/(bin|lib|share)|etc/hoop|lib/systemd)(/|$)' || true)
  [[ -z $outside ]] || fail "$deb: files outside /usr, /etc/hoop, /lib/systemd: $outside"
  grep -qE "^lrwxrwxrwx .* \./usr/bin/$name -> \.\./lib/$name/bin/$name\$" <<<"$contents" ||
    fail "$deb: no /usr/bin/$name link to the launcher"
  grep -qE "^-rwxr-xr-x .* \./usr/lib/$name/runtime/bin/java\$" <<<"$contents" ||
    fail "$deb: no executable runtime/bin/java"
  if grep -qE "\./usr/lib/$name/runtime/(include|jmods|man)/" <<<"$contents"; then
    fail "$deb: the runtime has headers, jmods or man pages (jlink options lost)"
  fi
  ok "$name: control data, ownership, layout, own runtime"
done
contents_cli=$(dpkg-deb --contents "$cli_deb")
contents_broker=$(dpkg-deb --contents "$broker_deb")
pages=0
for page in "$man"/*.1; do
  page=${page##*/}
  case $page in
    hoop-broker.1 | hoop-broker-*) contents=$contents_broker ;;
    *) contents=$contents_cli ;;
  esac
  grep -qE "^-rw-r--r-- .* \./usr/share/man/man1/$page\.gz\$" <<<"$contents" || fail "no man page $page.gz in its .deb"
  pages=$((pages + 1))
done
((pages > 10)) || fail "only $pages man pages in $man"
ok "every man page is in its package ($pages pages)"
[[ $(dpkg-deb --ctrl-tarfile "$broker_deb" | tar -xO ./conffiles) == /etc/hoop/broker.yaml ]] ||
  fail "hoop-broker's conffiles is not exactly /etc/hoop/broker.yaml"
ok "hoop-broker: /etc/hoop/broker.yaml is a conffile"

# --- unpacked -------------------------------------------------------------------------------------
root=$work/root
dpkg -x "$cli_deb" "$root"
dpkg -x "$broker_deb" "$root"
unit=$root/lib/systemd/system/hoop-broker.service
for line in 'User=hoop' 'Group=hoop' 'StateDirectory=hoop' 'ReadWritePaths=/var/lib/hoop' \
  'ProtectSystem=strict' 'ProtectHome=true' 'PrivateTmp=true' 'NoNewPrivileges=true' \
  'CapabilityBoundingSet=' 'ExecReload=/bin/kill -HUP $MAINPID' \
  'ExecStart=/usr/bin/hoop-broker serve --config /etc/hoop/broker.yaml --data-dir /var/lib/hoop'; do
  grep -qxF -- "$line" "$unit" || fail "hoop-broker.service lacks the line '$line'"
done
ok "hoop-broker.service: user, state directory, hardening, reload"

# A clean environment: no JAVA_HOME, and PATH without the build's JDK directory.
run() { env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 "$@"; }
mkdir -p "$work/home"
version=$(run "$root/usr/bin/hoop" --version)
[[ $version == *"$(dpkg-deb --field "$cli_deb" Version | sed 's/~/-/')"* ]] || fail "hoop --version printed '$version'"
java_home=$(run HOOP_JAVA_OPTS=-XshowSettings:properties "$root/usr/bin/hoop" --version 2>&1 |
  sed -n 's/^ *java.home = //p')
[[ $java_home == "$root/usr/lib/hoop/runtime" ]] || fail "hoop runs on '$java_home', not its own runtime"
ok "hoop --version from the package on its own runtime: $version"

run "$root/usr/lib/hoop/lib/dump-cds-archive.sh" || fail "dump-cds-archive.sh (postinst) failed"
run HOOP_JAVA_OPTS="-Xshare:on -Xlog:class+load=info" "$root/usr/bin/hoop" --version >"$work/cds.log" 2>&1 ||
  fail "hoop does not start with its archive mapped: $(tail -n 5 "$work/cds.log")"
grep -q 'io.hoop.cli.Hoop source: shared objects file' "$work/cds.log" ||
  fail "hoop maps the archive but does not load io.hoop.cli.Hoop from it"
ok "the CLI's CDS archive, made as postinst does, is mapped"

for page in "$root"/usr/share/man/man1/*.1.gz; do
  out=$(MANWIDTH=100 man --warnings -l "$page" 2>"$work/man.err") || fail "man -l $page failed"
  [[ ! -s $work/man.err ]] || fail "man -l $page warned: $(head -n 3 "$work/man.err")"
  name=${page##*/}
  [[ $out == *"${name%.1.gz} -"* ]] || fail "man -l $page does not show its NAME"
done
ok "every packaged man page renders with man -l"

# --- the broker, as the unit runs it --------------------------------------------------------------
if [[ $(id -u) -eq 0 ]]; then
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --no-new-privs)
  user=nobody
else
  as_user=()
  user=$(id -un)
fi
mkdir -p "$work/data"
[[ $(id -u) -ne 0 ]] || chown nobody:nogroup "$work/data"
chmod 0700 "$work/data"
run "${as_user[@]}" "$root/usr/bin/hoop-broker" check-config "$root/etc/hoop/broker.yaml" >"$work/check.log" 2>&1 ||
  fail "the shipped /etc/hoop/broker.yaml is invalid: $(cat "$work/check.log")"
ok "the shipped /etc/hoop/broker.yaml is valid"

cat >"$work/Echo.java" <<'JAVA'
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

public class Echo {
  public static void main(String[] args) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path tmp = Path.of(args[0] + ".tmp");
      Files.writeString(tmp, Integer.toString(server.getLocalPort()));
      Files.move(tmp, Path.of(args[0]), StandardCopyOption.ATOMIC_MOVE);
      while (true) {
        Socket client = server.accept();
        new Thread(() -> {
          try (client) {
            client.getInputStream().transferTo(client.getOutputStream());
          } catch (IOException e) {
            // the client went away
          }
        }).start();
      }
    }
  }
}
JAVA
"$jdk_java" "$work/Echo.java" "$work/echo.port" >"$work/echo.log" 2>&1 &
pids+=($!)
wait_for() { # WHAT COMMAND...: polls for up to 90 s
  local what=$1 tries=0
  shift
  until "$@"; do
    tries=$((tries + 1))
    ((tries < 450)) || fail "$what: not within 90 s"
    sleep 0.2
  done
}
wait_for "echo service" test -s "$work/echo.port"

cat >"$work/broker.yaml" <<YAML
listen: 127.0.0.1:0
devIdp:
  pollInterval: 1s
  users:
    - username: alice
      groups: [engineering]
targets:
  - name: echo
    type: tcp
    address: 127.0.0.1:$(cat "$work/echo.port")
    maxDuration: 1h
entitlements:
  - group: engineering
    targets: [echo]
    maxDuration: 1h
YAML
chmod 0644 "$work/broker.yaml"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
read -r -a command <<<"$exec_start"
for i in "${!command[@]}"; do
  case ${command[$i]} in
    /usr/bin/hoop-broker) command[i]=$root/usr/bin/hoop-broker ;;
    /etc/hoop/broker.yaml) command[i]=$work/broker.yaml ;;
    /var/lib/hoop) command[i]=$work/data ;;
  esac
done
# Not through run(): a backgrounded function is a subshell, and $! must be the broker itself.
env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 "${as_user[@]}" "${command[@]}" --dev \
  --ready-file "$work/data/ready.json" >"$work/broker.log" 2>&1 &
broker=$!
pids+=("$broker")
json_field() { sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$1" 2>/dev/null | head -n 1; }
ready() {
  kill -0 "$broker" 2>/dev/null || fail "the broker exited: $(tail -n 20 "$work/broker.log")"
  [[ -n $(json_field "$work/data/ready.json" fingerprint) ]]
}
wait_for "the broker's ready file" ready
url=$(json_field "$work/data/ready.json" url)
fingerprint=$(json_field "$work/data/ready.json" fingerprint)
# setpriv and the launcher exec: the JVM is the process started here, as systemd's MAINPID would be.
broker_pid=$(sed -n 's/.*"pid"[[:space:]]*:[[:space:]]*\([0-9]*\).*/\1/p' "$work/data/ready.json")
[[ $broker_pid == "$broker" ]] || fail "the broker's pid is $broker_pid, not the started process $broker"
broker_java=$(ps -o user=,args= -p "$broker_pid")
[[ $broker_java == "$user "*"$root/usr/lib/hoop-broker/runtime/bin/java "* ]] ||
  fail "the broker does not run as $user on its own runtime: $broker_java"
ok "ExecStart runs the broker as $user on its own runtime ($url)"

export HOOP_CONFIG_DIR=$work/config
env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 HOOP_CONFIG_DIR="$HOOP_CONFIG_DIR" \
  "$root/usr/bin/hoop" login --broker "$url" --fingerprint "$fingerprint" \
  </dev/null >"$work/login.out" 2>"$work/login.err" &
login=$!
pids+=("$login")
code() { sed -n 's/.*enter code \([A-Za-z0-9]\{1,\}-[A-Za-z0-9]\{1,\}\).*/\1/p' "$work/login.err" | head -n 1; }
has_code() { [[ -n $(code) ]]; }
wait_for "hoop login printing its code" has_code
cat >"$work/Approve.java" <<'JAVA'
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

public class Approve {
  public static void main(String[] args) throws Exception {
    TrustManager any = new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] chain, String type) {}
      public void checkServerTrusted(X509Certificate[] chain, String type) {}
      public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    };
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {any}, null);
    HttpResponse<String> response = HttpClient.newBuilder().sslContext(tls).build().send(
        HttpRequest.newBuilder(URI.create(args[0] + "/dev-idp/device"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(
                "user_code=" + args[1] + "&username=alice&action=approve"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException("dev IdP answered " + response.statusCode());
    }
  }
}
JAVA
# The dev IdP's page, posted as a browser would (any certificate: a throw-away loopback broker).
"$jdk_java" -Djdk.internal.httpclient.disableHostnameVerification=true "$work/Approve.java" "$url" "$(code)" \
  >"$work/approve.log" 2>&1 || fail "approving the login failed: $(tail -n 5 "$work/approve.log")"
wait "$login" || fail "hoop login failed: $(tail -n 10 "$work/login.err")"
ok "alice logs in with the unpacked hoop"

targets=$(run HOOP_CONFIG_DIR="$HOOP_CONFIG_DIR" HOOP_JAVA_OPTS="-Xlog:class+load=info:file=$work/targets-classes.log" \
  "$root/usr/bin/hoop" targets 2>&1) || fail "hoop targets: $targets"
[[ $targets == *echo* ]] || fail "hoop targets does not list echo: $targets"
# A security provider java.security lists but the runtime lacks sends the JDK looking on the class
# path, where it instantiates BouncyCastle's provider: 600 classes on every call (build-deb.sh).
! grep -q 'org.bouncycastle.jce.provider.BouncyCastleProvider ' "$work/targets-classes.log" ||
  fail "hoop targets loads BouncyCastle's JCA provider: a provider module is missing from the runtime"
not_archived=$(grep -c 'org.bouncycastle.* source: file:' "$work/targets-classes.log" || true)
((not_archived == 0)) || fail "hoop targets loads $not_archived BouncyCastle classes from the jar, not the CDS archive (signed jar?)"
# Bytes through the tunnel and back, with bash's /dev/tcp (no nc here).
# shellcheck disable=SC2016 # expanded by the inner bash, with the variables hoop sets
probe='exec 3<>"/dev/tcp/$HOOP_HOST/$HOOP_PORT"; printf "through-the-deb\n" >&3; IFS= read -r line <&3; printf "%s\n" "$line"'
echoed=$(run HOOP_CONFIG_DIR="$HOOP_CONFIG_DIR" "$root/usr/bin/hoop" connect echo --task DEB-1 -- bash -c "$probe" 2>"$work/connect.err") ||
  fail "hoop connect echo failed: $(tail -n 10 "$work/connect.err")"
[[ $echoed == through-the-deb ]] || fail "the tunnel echoed '$echoed'"
ok "hoop targets (BouncyCastle from the CDS archive, no JCA provider walk) and a tunnel through the packaged broker"

kill -HUP "$broker_pid"
reloaded() { grep -q 'config reloaded trigger=SIGHUP' "$work/broker.log"; }
wait_for "the broker reloading on SIGHUP (ExecReload)" reloaded
kill -0 "$broker" || fail "the broker died on SIGHUP"
ok "ExecReload (SIGHUP) reloads the config"

echo "test-debs: $passed passed, 0 failed"
