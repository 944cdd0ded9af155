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
pids=
cleanup() {
  for pid in $pids; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "build-cds-archive: $*" >&2
  exit 1
}

# Training runs: the commands a user types most, each in its own JVM that lists the classes it
# loads. First offline (an empty config: "not logged in"), then logged in to a throw-away dev
# broker, so the HTTP client, TLS, JSON and DPoP classes of a broker call are archived too.
mkdir -p "$work/config"
n=0
train() {
  n=$((n + 1))
  HOOP_CONFIG_DIR=$work/config HOOP_JAVA_OPTS="-Xshare:off -XX:DumpLoadedClassList=$work/classes.$n" \
    "$hoop" "$@" </dev/null >"$work/train.$n.log" 2>&1 || true
  [ -s "$work/classes.$n" ] || fail "training run 'hoop $*' wrote no class list: $(cat "$work/train.$n.log")"
}
# The value of "KEY": "..." in a flat JSON file.
json_field() {
  sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$1" | head -n 1
}
wait_for() { # WHAT LOG COMMAND...: polls COMMAND for up to 60 s
  what=$1 log=$2
  shift 2
  tries=0
  until "$@"; do
    tries=$((tries + 1))
    [ "$tries" -lt 300 ] || fail "$what: not within 60 s: $(tail -n 20 "$log")"
    sleep 0.2
  done
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

mkdir -p "$work/broker"
cat >"$work/broker/broker.yaml" <<YAML
listen: 127.0.0.1:0
devIdp:
  pollInterval: 1s
  users:
    - username: alice
      groups: [engineering]
targets:
  - name: db
    type: tcp
    address: 127.0.0.1:9
    maxDuration: 1h
entitlements:
  - group: engineering
    targets: [db]
    maxDuration: 1h
YAML
"$home/bin/hoop-broker" serve --dev --config "$work/broker/broker.yaml" --data-dir "$work/broker" \
  --ready-file "$work/broker/ready.json" </dev/null >"$work/broker.log" 2>&1 &
pids="$pids $!"
ready() { [ -n "$(json_field "$work/broker/ready.json" fingerprint 2>/dev/null)" ]; }
wait_for "dev broker ready" "$work/broker.log" ready
url=$(json_field "$work/broker/ready.json" url)
fingerprint=$(json_field "$work/broker/ready.json" fingerprint)

n=$((n + 1))
# made before the background job opens it, so the first look for the code finds a file
: >"$work/login.err"
HOOP_CONFIG_DIR=$work/config HOOP_JAVA_OPTS="-Xshare:off -XX:DumpLoadedClassList=$work/classes.$n" \
  "$hoop" login --broker "$url" --fingerprint "$fingerprint" </dev/null >"$work/login.out" 2>"$work/login.err" &
login=$!
pids="$pids $login"
code() { sed -n 's/.*enter code \([A-Za-z0-9]\{1,\}-[A-Za-z0-9]\{1,\}\).*/\1/p' "$work/login.err" | head -n 1; }
has_code() { [ -n "$(code)" ]; }
wait_for "hoop login printing its code" "$work/login.err" has_code
# The dev IdP's form, posted as a browser would; the JDK is all there is to post it with. Trusting
# any certificate is fine here: a throw-away broker on 127.0.0.1, and nothing secret is sent.
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
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Djdk.internal.httpclient.disableHostnameVerification=true \
  "$work/Approve.java" "$url" "$(code)" >"$work/approve.log" 2>&1 ||
  fail "approving the dev login failed: $(tail -n 20 "$work/approve.log")"
wait "$login" || fail "hoop login failed: $(tail -n 20 "$work/login.err")"
[ -s "$work/classes.$n" ] || fail "training run 'hoop login' wrote no class list"

train whoami
train targets
train targets -o json
train requests
train sessions list

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
