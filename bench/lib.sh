# Shared by bench/tunnel-throughput and bench/tunnel-latency: sourced, not run.
# Starts the NetBench endpoints, a dev broker with `hoop connect`, and a throw-away OpenSSH server,
# all on 127.0.0.1 and in one temporary directory that the EXIT trap removes with every process.

BENCH_ROOT=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
HOOP_DIST=${HOOP_DIST:-$BENCH_ROOT/packaging/target/hoop}
BENCH_TMP=$(mktemp -d /tmp/hoop-bench.XXXXXX)
BENCH_PIDS=()

bench_cleanup() {
  local i pid
  # Newest first: clients go before the servers they talk to.
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${BENCH_PIDS[i]}
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [[ -z ${BENCH_KEEP_LOGS:-} ]] || cp -r "$BENCH_TMP/hoop" "$BENCH_KEEP_LOGS" 2>/dev/null || true
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "bench: $*" >&2
  exit 1
}

log() {
  echo "bench: $*" >&2
}

# Compiled once: source-launching every client would add a compile to each measurement's setup.
javac -d "$BENCH_TMP/classes" "$BENCH_ROOT/bench/src/NetBench.java"

netbench() {
  java -cp "$BENCH_TMP/classes" NetBench "$@"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_port() { # PORT SECONDS WHAT LOGFILE
  local deadline=$((SECONDS + $2))
  until port_open "$1"; do
    ((SECONDS < deadline)) || die "$3 did not open 127.0.0.1:$1 within $2 s; $4: $(tail -n 20 "$4" 2>/dev/null)"
    sleep 0.2
  done
}

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    port_open "$port" || { echo "$port"; return; }
  done
  die "no free port found on 127.0.0.1"
}

# Functions that start something set PORT instead of printing it: a $(...) subshell would lose
# the pids that the cleanup must kill.

# start_server MODE: starts NetBench sink or echo on a kernel-chosen port; sets PORT.
start_server() {
  local mode=$1 out=$BENCH_TMP/$1.out
  # java itself, not the netbench function: a backgrounded function is a subshell whose pid
  # the cleanup would kill, leaving java running.
  java -cp "$BENCH_TMP/classes" NetBench "$mode" --port 0 >"$out" 2>"$BENCH_TMP/$mode.err" &
  BENCH_PIDS+=($!)
  local deadline=$((SECONDS + 30))
  until grep -q '^listening port=' "$out" 2>/dev/null; do
    ((SECONDS < deadline)) || die "NetBench $mode did not start: $(cat "$BENCH_TMP/$mode.err")"
    sleep 0.1
  done
  PORT=$(sed -n 's/^listening port=//p' "$out")
}

json_field() { # FILE KEY: the string value of KEY in a flat JSON object
  sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" "$1" | head -n 1
}

# start_broker_login TARGET_PORT: dev broker with one tcp target "bench" pointing at TARGET_PORT,
# alice logged in through the dev IdP (HOOP_CONFIG_DIR exported). BROKER_EXTRA_YAML, when set, is
# appended to the broker's config (top-level keys); BENCH_TARGET_YAML to the target's (keys
# indented by four spaces, e.g. "    via: bench-agent").
start_broker_login() {
  local target_port=$1 dir=$BENCH_TMP/hoop
  [[ -x $HOOP_DIST/bin/hoop && -x $HOOP_DIST/bin/hoop-broker ]] ||
    die "no hoop distribution in $HOOP_DIST: build it with ./mvnw -B -q -DskipTests install (or set PATHS without hoop)"
  mkdir -p "$dir/data" "$dir/config"
  cat >"$dir/broker.yaml" <<YAML
listen: 127.0.0.1:0
devIdp:
  pollInterval: 1s
  users:
    - username: alice
      groups: [engineering]
targets:
  - name: bench
    type: tcp
    address: 127.0.0.1:$target_port
    maxDuration: 1h
${BENCH_TARGET_YAML:-}
entitlements:
  - group: engineering
    targets: [bench]
    maxDuration: 1h
${BROKER_EXTRA_YAML:-}
YAML
  "$HOOP_DIST/bin/hoop-broker" serve --dev --config "$dir/broker.yaml" --data-dir "$dir/data" \
    --ready-file "$dir/ready.json" >"$dir/broker.log" 2>&1 &
  BENCH_PIDS+=($!)
  local deadline=$((SECONDS + 60))
  until [[ -s $dir/ready.json ]] && [[ -n $(json_field "$dir/ready.json" fingerprint) ]]; do
    ((SECONDS < deadline)) || die "broker not ready within 60 s; log: $(tail -n 20 "$dir/broker.log")"
    kill -0 "${BENCH_PIDS[-1]}" 2>/dev/null || die "broker exited; log: $(tail -n 20 "$dir/broker.log")"
    sleep 0.2
  done
  local url fingerprint
  url=$(json_field "$dir/ready.json" url)
  fingerprint=$(json_field "$dir/ready.json" fingerprint)
  log "broker ready at $url"

  login_as alice "$url" "$fingerprint" "$dir"
}

# login_as USER URL FINGERPRINT DIR: `hoop login` as USER through the dev IdP's device flow, the
# profile in DIR/config (HOOP_CONFIG_DIR exported); sets TOKEN_FILE to its credentials.json.
login_as() {
  local user=$1 url=$2 fingerprint=$3 dir=$4
  mkdir -p "$dir/config"
  export HOOP_CONFIG_DIR=$dir/config
  "$HOOP_DIST/bin/hoop" login --broker "$url" --fingerprint "$fingerprint" \
    </dev/null >"$dir/login.out" 2>"$dir/login.err" &
  local login_pid=$!
  BENCH_PIDS+=("$login_pid")
  local code=
  local deadline=$((SECONDS + 60))
  until [[ -n $code ]]; do
    ((SECONDS < deadline)) || die "hoop login printed no code within 60 s: $(cat "$dir/login.err")"
    kill -0 "$login_pid" 2>/dev/null || die "hoop login exited early: $(cat "$dir/login.err")"
    sleep 0.2
    code=$(sed -n 's/.*enter code \([A-Za-z0-9]\{1,\}-[A-Za-z0-9]\{1,\}\).*/\1/p' "$dir/login.err" | head -n 1)
  done
  # The dev IdP's verification form, as a browser would post it; -k: the broker's cert is
  # self-signed, and the CLI (which matters here) pins it by fingerprint.
  curl -sSfk -o /dev/null --data "user_code=$code&username=$user&action=approve" "$url/dev-idp/device" ||
    die "dev IdP refused to approve code $code"
  wait "$login_pid" || die "hoop login failed: $(cat "$dir/login.err")"
  TOKEN_FILE=$(find "$dir/config" -name credentials.json | head -n 1)
  [[ -n $TOKEN_FILE ]] || die "hoop login wrote no credentials.json under $dir/config"
}

# start_hoop TARGET_PORT: start_broker_login, then `hoop connect` listening; sets PORT to its
# local port.
start_hoop() {
  local dir=$BENCH_TMP/hoop
  start_broker_login "$1"
  local port
  port=$(free_port)
  "$HOOP_DIST/bin/hoop" connect bench --task BENCH-1 --port "$port" \
    </dev/null >"$dir/connect.out" 2>"$dir/connect.err" &
  BENCH_PIDS+=($!)
  wait_port "$port" 60 "hoop connect" "$dir/connect.err"
  PORT=$port
}

# start_ssh_forward TARGET_PORT: throw-away sshd plus `ssh -L`; sets PORT to its local port.
start_ssh_forward() {
  local target_port=$1 dir=$BENCH_TMP/ssh user
  user=$(id -un)
  [[ -x /usr/sbin/sshd ]] || die "/usr/sbin/sshd missing: apt-get install openssh-server"
  mkdir -p "$dir"
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
  ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
  cp "$dir/client_key.pub" "$dir/authorized_keys"
  local sshd_port
  sshd_port=$(free_port)
  local root_login=no
  if [[ $(id -u) -eq 0 ]]; then
    root_login=yes
    mkdir -p /run/sshd # privilege separation directory, which sshd refuses to run without
  fi
  # StrictModes off: the keys live under /tmp, which is world-writable.
  cat >"$dir/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $sshd_port
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid
PermitRootLogin $root_login
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
LogLevel ERROR
CONF
  /usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>"$dir/sshd.log" &
  BENCH_PIDS+=($!)
  wait_port "$sshd_port" 30 sshd "$dir/sshd.log"

  local port
  port=$(free_port)
  # shellcheck disable=SC2086 # SSH_OPTS is a list of options, e.g. "-c aes128-gcm@openssh.com".
  ssh -N -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
    -o ExitOnForwardFailure=yes -o LogLevel=ERROR ${SSH_OPTS:-} -i "$dir/client_key" -p "$sshd_port" \
    -L "$port:127.0.0.1:$target_port" "$user@127.0.0.1" </dev/null 2>"$dir/ssh.log" &
  BENCH_PIDS+=($!)
  wait_port "$port" 30 "ssh -L" "$dir/ssh.log"
  PORT=$port
}

# start_path NAME TARGET_PORT: sets PORT to the port through which NAME reaches TARGET_PORT.
start_path() {
  case $1 in
    direct) PORT=$2 ;;
    hoop) start_hoop "$2" ;;
    ssh) start_ssh_forward "$2" ;;
    *) die "unknown path '$1' in PATHS (expected direct, hoop, ssh)" ;;
  esac
}

path_label() {
  case $1 in
    ssh) echo "ssh -L" ;;
    hoop) echo "hoop connect" ;;
    *) echo "$1" ;;
  esac
}

field() { # LINE KEY: the value of KEY=... in a NetBench result line
  sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"
}

print_environment() {
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cpus, $(java -version 2>&1 | head -n 1), $(ssh -V 2>&1)"
}

# start_postgres: initdb + pg_ctl in a temporary directory (as the postgres user when root, since
# the server refuses to run as root), SCRAM logins over TCP, role and database "hoop"; sets
# PG_PORT and writes the password to $BENCH_TMP/pg-password (0600).
# The caller sets PG_DIR= and PG_AS=() first and stops the server in its EXIT trap.
start_postgres() {
  command -v initdb >/dev/null && command -v pg_ctl >/dev/null ||
    die "initdb/pg_ctl not on PATH: apt-get install postgresql (or add its bin directory)"
  PG_DIR=$(mktemp -d /tmp/hoop-bench-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  PG_PORT=$(free_port)
  "${PG_AS[@]}" initdb -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C --auth-local=trust \
    --auth-host=scram-sha-256 >"$BENCH_TMP/initdb.log" 2>&1 || die "initdb failed: $(tail -n 20 "$BENCH_TMP/initdb.log")"
  # synchronous_commit=off: commits return before the WAL is flushed to disk, as the embedded H2
  # store's do (its audit log writes the file before answering, without fsync), so both stores are
  # measured with the same durability: a killed broker loses nothing, a crashed machine may lose
  # the last commits.
  "${PG_AS[@]}" pg_ctl -w -t 60 -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c synchronous_commit=off" start \
    >/dev/null || die "PostgreSQL did not start: $(tail -n 20 "$PG_DIR/postgres.log")"
  head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$BENCH_TMP/pg-password"
  chmod 600 "$BENCH_TMP/pg-password"
  # The password travels on stdin, never on a command line.
  { printf "CREATE ROLE hoop LOGIN PASSWORD '%s';\n" "$(cat "$BENCH_TMP/pg-password")"
    echo "CREATE DATABASE hoop OWNER hoop;"; } |
    "${PG_AS[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -f - ||
    die "cannot create the hoop role and database"
  log "PostgreSQL $(pg_ctl --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}
