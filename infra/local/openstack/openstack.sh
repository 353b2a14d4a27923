#!/usr/bin/env bash
# A real OpenStack control plane on this machine, from Debian 12's packages, for nfvi-doctor's
# integration tests and `npm start`: Keystone, Placement, Glance, a bare neutron-server and Nova
# with the fake virt driver and N fake compute hosts (fake-host-1..N). No systemd, no Docker:
# every daemon runs in its own session, its PID recorded under $RUN_DIR.
#
#   openstack.sh install            install packages, configs, databases, catalog (once; a marker
#                                   file makes it a no-op afterwards)
#   openstack.sh start [N]          install if needed, start what is not running, wait until
#                                   healthy, apply fixtures, write env.json (default N=3)
#   openstack.sh stop               stop everything this script started
#   openstack.sh stop-service NAME  stop one service (e.g. nova-api, nova-compute-fake-host-2)
#   openstack.sh start-service NAME start one service and wait until it answers
#   openstack.sh status             one line per service, and the compute states
#   openstack.sh env                print env.json (credentials, ids, compute hosts)
#
# See README.md beside this file.
set -euo pipefail

# pyenv's python3 would come first otherwise; the OpenStack tools need Debian's.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV PYENV_VERSION || true
export LANG=C.UTF-8 LC_ALL=C.UTF-8
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export DEBIAN_FRONTEND=noninteractive

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ETC_SRC="$HERE/etc"
OSAPI=(/usr/bin/python3 "$HERE/osapi.py")
STATE_DIR=/var/lib/nfvi-doctor-openstack
RUN_DIR="$STATE_DIR/run"
LOG_DIR=/var/log/nfvi-doctor-openstack
MARKER="$STATE_DIR/installed"
ENV_JSON="$STATE_DIR/env.json"
COMPUTES_FILE="$STATE_DIR/computes"
IMAGE_FILE="$STATE_DIR/fake-image.raw"
PASSWORD=secret
DB_URL_BASE="mysql+pymysql://os:${PASSWORD}@127.0.0.1"
# Bump when the install steps change; the hash of etc/ is added so that a changed config
# file makes `start` run the (idempotent) install steps again.
INSTALL_STEPS_VERSION=1

# python3-tackerclient: `openstack vnffm ...`, the client the SOL 003 VNF FM API tests drive.
PACKAGES=(
  mariadb-server rabbitmq-server python3-pymysql python3-openstackclient python3-glanceclient
  python3-tackerclient
  uwsgi-core uwsgi-plugin-python3
  keystone placement-api glance-api neutron-server
  nova-api nova-conductor nova-scheduler nova-compute nova-compute-ironic
)
DATABASES=(keystone placement glance neutron nova_api nova nova_cell0)
# Started in this order by `start`; computes come after.
CORE_SERVICES=(mariadb rabbitmq keystone placement glance-api neutron-server nova-api nova-conductor nova-scheduler)

log() { printf '[openstack] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

install_version() {
  local sum
  sum=$(cd "$ETC_SRC" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
  echo "nfvi-doctor-openstack steps=$INSTALL_STEPS_VERSION etc=$sum"
}

# One lock for every command that changes state, so that parallel callers queue up.
take_lock() {
  mkdir -p "$STATE_DIR" "$RUN_DIR" "$LOG_DIR"
  exec 9>"$STATE_DIR/.lock"
  if ! flock -n 9; then
    log "another openstack.sh is running; waiting for it"
    flock 9
  fi
}

# ---------------------------------------------------------------------------------------------
# Services: definition, process identity, start, stop, health
# ---------------------------------------------------------------------------------------------

compute_host_of() { # nova-compute-fake-host-2 | nova-compute-2 | fake-host-2 -> fake-host-2
  case $1 in
    nova-compute-fake-host-*) echo "${1#nova-compute-}" ;;
    nova-compute-[0-9]*) echo "fake-host-${1#nova-compute-}" ;;
    fake-host-[0-9]*) echo "$1" ;;
    *) return 1 ;;
  esac
}

canonical_name() {
  local host
  if host=$(compute_host_of "$1"); then echo "nova-compute-$host"; return; fi
  case $1 in
    glance) echo glance-api ;;
    neutron) echo neutron-server ;;
    mysql | mysqld) echo mariadb ;;
    rabbitmq-server) echo rabbitmq ;;
    *) echo "$1" ;;
  esac
}

uwsgi_cmd() { # port wsgi-file user
  SVC_CMD=(/usr/bin/uwsgi --plugin python3 --master --processes 1 --threads 8 --enable-threads
    --lazy-apps --die-on-term --need-app --buffer-size 65535 --add-header "Connection: close"
    --http-socket "127.0.0.1:$1" --wsgi-file "$2" --chdir "/var/lib/$3")
}

# Sets SVC_USER, SVC_HOME, SVC_CMD and SVC_NICE for a service name. Starting the whole cloud
# is CPU-bound (about 60 CPU-seconds on 2 cores): daemons start at nice 10, so that whatever
# else runs on the machine (a test run) keeps the CPU, and get nice 0 once they answer.
svc_define() {
  local name=$1 host
  SVC_USER=root SVC_HOME=/root SVC_NICE=${OPENSTACK_START_NICE:-10}
  case $name in
    mariadb) SVC_CMD=(/usr/sbin/mariadbd --user=mysql) ;;
    rabbitmq)
      SVC_USER=rabbitmq SVC_HOME=/var/lib/rabbitmq
      SVC_CMD=(/usr/lib/rabbitmq/bin/rabbitmq-server) ;;
    keystone) SVC_USER=keystone SVC_HOME=/var/lib/keystone; uwsgi_cmd 5000 /usr/bin/keystone-wsgi-public keystone ;;
    placement) SVC_USER=placement SVC_HOME=/var/lib/placement; uwsgi_cmd 8778 /usr/bin/placement-api placement ;;
    glance-api)
      SVC_USER=glance SVC_HOME=/var/lib/glance
      SVC_CMD=(/usr/bin/glance-api --config-file /etc/glance/glance-api.conf) ;;
    neutron-server)
      SVC_USER=neutron SVC_HOME=/var/lib/neutron
      SVC_CMD=(/usr/bin/neutron-server --config-file /etc/neutron/neutron.conf
        --config-file /etc/neutron/plugins/ml2/ml2_conf.ini) ;;
    nova-api | nova-conductor | nova-scheduler)
      SVC_USER=nova SVC_HOME=/var/lib/nova
      SVC_CMD=("/usr/bin/$name" --config-file /etc/nova/nova.conf) ;;
    nova-compute-fake-host-*)
      host=${name#nova-compute-}
      SVC_USER=nova SVC_HOME=/var/lib/nova
      SVC_CMD=(/usr/bin/nova-compute --config-file /etc/nova/nova-cpu.conf
        --config-file "/etc/nova/nova-compute-$host.conf") ;;
    *) die "unknown service: $name (known: ${CORE_SERVICES[*]} nova-compute-fake-host-K)" ;;
  esac
}

# Runs a command as a service user with a clean environment (no fork: setpriv and env exec).
as_user() {
  local user=$1 home
  shift
  home=$(getent passwd "$user" | cut -d: -f6)
  setpriv --reuid="$user" --regid="$user" --init-groups \
    env -i PATH="$PATH" HOME="${home:-/}" LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"
}

proc_starttime() { # pid -> start time in clock ticks since boot (empty if gone or a zombie)
  local stat rest
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  rest=${stat##*) }
  set -- $rest
  [[ $1 == Z || $1 == X ]] && return 1
  echo "${20}"
}

# PID of a running service, from its pid file "PID STARTTIME"; fails if not running.
svc_pid() {
  local file="$RUN_DIR/$1.pid" pid st current
  [[ -s $file ]] || return 1
  read -r pid st <"$file" || true
  [[ -n ${pid:-} ]] || return 1
  current=$(proc_starttime "$pid") || return 1
  [[ $current == "${st:-}" ]] || return 1
  echo "$pid"
}

is_running() { svc_pid "$1" >/dev/null; }

rotate_log() {
  local file=$1
  if [[ -f $file ]] && (($(stat -c %s "$file") > 50 * 1024 * 1024)); then
    mv -f "$file" "$file.1"
  fi
}

launch() {
  local name=$1 pid logf
  svc_define "$name"
  logf="$LOG_DIR/$name.log"
  rotate_log "$logf"
  printf '==== %s openstack.sh: starting %s\n' "$(date -Is)" "$name" >>"$logf"
  stat -c %s "$logf" >"$RUN_DIR/$name.logoffset"
  local pre=()
  if [[ $SVC_USER != root ]]; then
    pre=(setpriv --reuid="$SVC_USER" --regid="$SVC_USER" --init-groups)
  fi
  (
    # The daemon keeps no descriptor of ours or of our caller (fd 9 is the lock; a caller's pipe
    # held open would keep the caller waiting for EOF).
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    # With autogroup scheduling (kernel.sched_autogroup_enabled=1) each session shares the CPU
    # as one unit whatever its processes' nice: the new session's own autogroup gets the nice.
    exec setsid /bin/sh -c 'echo "$1" >/proc/self/autogroup 2>/dev/null; shift; exec "$@"' sh "$SVC_NICE" \
      nice -n "$SVC_NICE" "${pre[@]}" \
      env -i PATH="$PATH" HOME="$SVC_HOME" LANG=C.UTF-8 LC_ALL=C.UTF-8 "${SVC_CMD[@]}"
  ) </dev/null >>"$logf" 2>&1 &
  pid=$!
  echo "$pid $(proc_starttime "$pid")" >"$RUN_DIR/$name.pid"
  date +%s >"$RUN_DIR/$name.started"
  STARTED_NOW+=("$name")
  log "started $name (pid $pid, log $logf)"
}

# Back to normal priority (every process of each running service's group, workers included;
# also those a failed earlier start left at nice 10).
renice_started() {
  local f pid
  for f in "$RUN_DIR"/*.pid; do
    [[ -e $f ]] || continue
    pid=$(svc_pid "$(basename "$f" .pid)") || continue
    renice -n 0 -g "$pid" >/dev/null 2>&1 || true
    echo 0 >"/proc/$pid/autogroup" 2>/dev/null || true
  done
}

# Starts a service unless it runs already.
ensure_svc() {
  local name
  for name in "$@"; do
    if is_running "$name"; then
      continue
    fi
    launch "$name"
  done
}

# Did the service write a line matching this regex since its last start?
logged_since_start() { # name regex
  local off=0
  [[ -s $RUN_DIR/$1.logoffset ]] && off=$(cat "$RUN_DIR/$1.logoffset")
  tail -c +"$((off + 1))" "$LOG_DIR/$1.log" 2>/dev/null | grep -qE "$2"
}

# nova-compute pings the conductor at start and, if the conductor's queue does not exist yet,
# loses 10 s to a timeout: start computes once the conductor is serving (its RPC server starts
# right after it logs "Starting conductor node").
wait_conductor_serving() { # timeout
  local deadline=$((SECONDS + $1))
  until logged_since_start nova-conductor 'Starting conductor node'; do
    is_running nova-conductor || { tail -n 40 "$LOG_DIR/nova-conductor.log" >&2; die "nova-conductor died"; }
    ((SECONDS < deadline)) || die "nova-conductor did not start within $1 s (log: $LOG_DIR/nova-conductor.log)"
    sleep 0.3
  done
}

# The PID, its session members and all their descendants.
tree_pids() {
  ps -eo pid=,ppid=,sid= | awk -v root="$1" '
    { pid[NR] = $1; ppid[NR] = $2; sid[NR] = $3 }
    END {
      set[root] = 1
      for (i = 1; i <= NR; i++) if (sid[i] == root) set[pid[i]] = 1
      do {
        changed = 0
        for (i = 1; i <= NR; i++) if (!(pid[i] in set) && (ppid[i] in set)) { set[pid[i]] = 1; changed = 1 }
      } while (changed)
      for (p in set) print p
    }'
}

live_rabbitmq_pids() { # processes of the rabbitmq user (epmd, beam, ...), zombies left out
  local p
  for p in $(pgrep -u rabbitmq || true); do
    proc_starttime "$p" >/dev/null && echo "$p"
  done
  return 0
}

alive() { # any of these PIDs still alive (zombies count as gone)?
  local p
  for p in "$@"; do
    proc_starttime "$p" >/dev/null && return 0
  done
  return 1
}

# Stops the given services: TERM to each tree, wait, KILL what is left after the timeout.
stop_services() {
  local timeout=$1 name pid p
  shift
  local pids=()
  for name in "$@"; do
    if pid=$(svc_pid "$name"); then
      log "stopping $name (pid $pid)"
      mapfile -t -O "${#pids[@]}" pids < <(tree_pids "$pid")
      if [[ $name == rabbitmq ]]; then
        # epmd daemonizes out of the tree; erl_child_setup/inet_gethost open sessions of their own.
        mapfile -t -O "${#pids[@]}" pids < <(live_rabbitmq_pids)
      fi
    fi
    rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.started"
  done
  ((${#pids[@]})) || return 0
  local deadline=$((SECONDS + timeout))
  if [[ " $* " == *" rabbitmq "* ]]; then
    # A clean broker shutdown first: TERM to the Erlang VM alone (TERM to its port helpers and
    # epmd at the same time crashes it on the way down, and the next boot is slower).
    local beam=()
    mapfile -t beam < <(pgrep -u rabbitmq -x beam.smp || true)
    if ((${#beam[@]})); then
      kill -TERM "${beam[@]}" 2>/dev/null || true
      while alive "${beam[@]}" && ((SECONDS < deadline)); do sleep 0.2; done
    fi
  fi
  kill -TERM "${pids[@]}" 2>/dev/null || true
  while alive "${pids[@]}" && ((SECONDS < deadline)); do sleep 0.2; done
  if alive "${pids[@]}"; then
    log "still running after ${timeout}s; sending KILL"
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    while alive "${pids[@]}"; do sleep 0.2; done
  fi
}

http_code() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Does the service answer? (daemons without an API: does the process run?)
svc_healthy() {
  case $1 in
    mariadb) mysqladmin --connect-timeout=2 ping >/dev/null 2>&1 ;;
    rabbitmq) port_open 5672 ;;
    keystone) [[ $(http_code http://127.0.0.1:5000/v3) == 200 ]] ;;
    placement) [[ $(http_code http://127.0.0.1:8778/) == 200 ]] ;;
    glance-api) [[ $(http_code http://127.0.0.1:9292/versions) == 200 ]] ;;
    neutron-server) [[ $(http_code http://127.0.0.1:9696/) == 200 ]] ;;
    nova-api) [[ $(http_code http://127.0.0.1:8774/) == 200 ]] ;;
    *) is_running "$1" ;;
  esac
}

wait_healthy() { # timeout name...
  local timeout=$1 name t0
  shift
  for name in "$@"; do
    t0=$(now)
    until svc_healthy "$name"; do
      if ! is_running "$name"; then
        log "$name is not running; last lines of $LOG_DIR/$name.log:"
        tail -n 40 "$LOG_DIR/$name.log" >&2 || true
        return 1
      fi
      if (($(date +%s) - ${t0%.*} > timeout)); then
        log "$name did not answer within ${timeout}s; last lines of $LOG_DIR/$name.log:"
        tail -n 40 "$LOG_DIR/$name.log" >&2 || true
        return 1
      fi
      sleep 0.3
    done
  done
}

prepare_runtime_dirs() {
  install -d -o mysql -g mysql /run/mysqld
  install -d -o nova -g nova /var/lib/nova /var/lib/nova/tmp /var/lib/nova/instances
  install -d -o neutron -g neutron /var/lib/neutron /var/lib/neutron/tmp
  install -d -o glance -g glance /var/lib/glance /var/lib/glance/images /var/lock/glance
  install -d -o keystone -g keystone /var/lib/keystone
  install -d -o placement -g placement /var/lib/placement
  install -d -o rabbitmq -g rabbitmq /var/lib/rabbitmq
}

write_compute_configs() { # N
  local k
  for ((k = 1; k <= $1; k++)); do
    sed "s/@HOST@/fake-host-$k/" "$ETC_SRC/nova/nova-compute-host.conf.in" >"$RUN_DIR/compute.tmp"
    if ! cmp -s "$RUN_DIR/compute.tmp" "/etc/nova/nova-compute-fake-host-$k.conf"; then
      install -m 0640 -o root -g nova "$RUN_DIR/compute.tmp" "/etc/nova/nova-compute-fake-host-$k.conf"
    fi
  done
  rm -f "$RUN_DIR/compute.tmp"
}

# ---------------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------------

packages_installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null) || return 1
  [[ $(grep -cvx installed <<<"$status") == 0 ]]
}

install_packages() {
  if packages_installed; then
    log "packages already installed"
    return
  fi
  local t0 created_policy=0
  t0=$(now)
  # Keep the packages' postinst from starting daemons (there is no systemd; invoke-rc.d would run
  # the init scripts): policy-rc.d exit 101 denies it.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  log "apt-get update"
  apt-get update -qq
  debconf-set-selections "$ETC_SRC/debconf-preseed.txt"
  log "apt-get install ${#PACKAGES[@]} packages and their dependencies (about 2 minutes)"
  if ! apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${PACKAGES[@]}" >"$LOG_DIR/apt-install.log" 2>&1; then
    tail -n 40 "$LOG_DIR/apt-install.log" >&2
    ((created_policy)) && rm -f /usr/sbin/policy-rc.d
    die "apt-get install failed (log: $LOG_DIR/apt-install.log)"
  fi
  ((created_policy)) && rm -f /usr/sbin/policy-rc.d
  log "packages installed in $(elapsed "$t0") s"
}

put_conf() { # source (relative to etc/) destination group [mode]
  install -m "${4:-0640}" -o root -g "$3" "$ETC_SRC/$1" "$2"
}

install_configs() {
  put_conf keystone/keystone.conf /etc/keystone/keystone.conf keystone
  put_conf placement/placement.conf /etc/placement/placement.conf placement
  put_conf glance/glance-api.conf /etc/glance/glance-api.conf glance
  put_conf neutron/neutron.conf /etc/neutron/neutron.conf neutron
  install -d /etc/neutron/plugins/ml2
  put_conf neutron/plugins/ml2/ml2_conf.ini /etc/neutron/plugins/ml2/ml2_conf.ini neutron
  put_conf nova/nova.conf /etc/nova/nova.conf nova
  # nova-compute must not see the database sections (the devstack way: nova-cpu.conf).
  awk '/^\[/ { skip = ($0 == "[database]" || $0 == "[api_database]") } !skip' "$ETC_SRC/nova/nova.conf" \
    >"$RUN_DIR/nova-cpu.conf"
  install -m 0640 -o root -g nova "$RUN_DIR/nova-cpu.conf" /etc/nova/nova-cpu.conf
  rm -f "$RUN_DIR/nova-cpu.conf"
  put_conf rabbitmq/rabbitmq.conf /etc/rabbitmq/rabbitmq.conf rabbitmq 0644
  put_conf rabbitmq/rabbitmq-env.conf /etc/rabbitmq/rabbitmq-env.conf rabbitmq 0644
  put_conf mysql/mariadb.conf.d/99-nfvi-doctor.cnf /etc/mysql/mariadb.conf.d/99-nfvi-doctor.cnf root 0644
  log "config files copied to /etc"
}

manage() { # log-name user command...
  local name=$1 user=$2 t0
  shift 2
  t0=$(now)
  if ! as_user "$user" "$@" >>"$LOG_DIR/install-$name.log" 2>&1; then
    tail -n 30 "$LOG_DIR/install-$name.log" >&2
    die "$name failed: $* (log: $LOG_DIR/install-$name.log)"
  fi
  log "$name done in $(elapsed "$t0") s"
}

setup_databases() {
  local sql="" db
  for db in "${DATABASES[@]}"; do
    sql+="CREATE DATABASE IF NOT EXISTS $db;"
  done
  sql+="CREATE USER IF NOT EXISTS 'os'@'127.0.0.1' IDENTIFIED BY '$PASSWORD';"
  sql+="CREATE USER IF NOT EXISTS 'os'@'localhost' IDENTIFIED BY '$PASSWORD';"
  for db in "${DATABASES[@]}"; do
    sql+="GRANT ALL PRIVILEGES ON $db.* TO 'os'@'127.0.0.1'; GRANT ALL PRIVILEGES ON $db.* TO 'os'@'localhost';"
  done
  mysql -e "$sql FLUSH PRIVILEGES;"
  log "databases and the 'os' user in place"
}

setup_rabbitmq() {
  rabbitmqctl -q await_startup >/dev/null
  if ! rabbitmqctl -q list_users 2>/dev/null | awk '{print $1}' | grep -qx nova; then
    rabbitmqctl -q add_user nova "$PASSWORD" >/dev/null
  fi
  rabbitmqctl -q set_permissions -p / nova '.*' '.*' '.*' >/dev/null
  # Nobody may consume the notifications queue: keep it bounded.
  rabbitmqctl -q set_policy --apply-to queues notifications-cap '^versioned_notifications\.' \
    '{"max-length": 10000}' >/dev/null
  log "rabbitmq user nova in place"
}

setup_keystone() {
  manage keystone-db-sync keystone keystone-manage --config-file /etc/keystone/keystone.conf db_sync
  if [[ ! -s /etc/keystone/fernet-keys/0 ]]; then
    keystone-manage --config-file /etc/keystone/keystone.conf fernet_setup \
      --keystone-user keystone --keystone-group keystone >>"$LOG_DIR/install-keystone.log" 2>&1
  fi
  if [[ ! -s /etc/keystone/credential-keys/0 ]]; then
    keystone-manage --config-file /etc/keystone/keystone.conf credential_setup \
      --keystone-user keystone --keystone-group keystone >>"$LOG_DIR/install-keystone.log" 2>&1
  fi
  manage keystone-bootstrap keystone keystone-manage --config-file /etc/keystone/keystone.conf bootstrap \
    --bootstrap-password "$PASSWORD" --bootstrap-region-id RegionOne \
    --bootstrap-admin-url http://127.0.0.1:5000/v3/ --bootstrap-internal-url http://127.0.0.1:5000/v3/ \
    --bootstrap-public-url http://127.0.0.1:5000/v3/
}

setup_nova_cells() {
  manage nova-api-db-sync nova nova-manage --config-file /etc/nova/nova.conf api_db sync
  if [[ -z $(mysql -N -e "SELECT id FROM nova_api.cell_mappings WHERE uuid='00000000-0000-0000-0000-000000000000'") ]]; then
    manage nova-map-cell0 nova nova-manage --config-file /etc/nova/nova.conf cell_v2 map_cell0 \
      --database_connection "$DB_URL_BASE/nova_cell0"
  fi
  if [[ -z $(mysql -N -e "SELECT id FROM nova_api.cell_mappings WHERE name='cell1'") ]]; then
    manage nova-create-cell1 nova nova-manage --config-file /etc/nova/nova.conf cell_v2 create_cell \
      --name=cell1 --verbose
  fi
  manage nova-db-sync nova nova-manage --config-file /etc/nova/nova.conf db sync
}

schema_syncs() {
  # Three independent chains in parallel (each is mostly Python start-up time).
  local pids=() rc=0 p
  (manage placement-db-sync placement placement-manage --config-file /etc/placement/placement.conf db sync
    manage glance-db-sync glance glance-manage --config-file /etc/glance/glance-api.conf db_sync) 9>&- &
  pids+=($!)
  (manage neutron-db-upgrade neutron neutron-db-manage --config-file /etc/neutron/neutron.conf \
    --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade heads) 9>&- &
  pids+=($!)
  (setup_nova_cells) 9>&- &
  pids+=($!)
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  ((rc == 0)) || die "a schema sync failed (logs: $LOG_DIR/install-*.log)"
}

do_install() {
  local t0 version
  t0=$(now)
  version=$(install_version)
  if [[ -f $MARKER && $(cat "$MARKER") == "$version" ]]; then
    # A package added to PACKAGES since this machine's install (no daemon of it to restart).
    install_packages
    log "already installed ($version)"
    return 0
  fi
  if [[ -f $MARKER ]]; then
    log "install steps or config files changed since the last install ($(cat "$MARKER"))"
    # Daemons running with the old configuration are restarted (by `start`) afterwards.
    stop_all
  fi
  log "installing ($version)"
  rm -f "$MARKER"
  install_packages
  install_configs
  prepare_runtime_dirs
  dd if=/dev/zero of="$IMAGE_FILE" bs=1024 count=1 status=none

  ensure_svc mariadb rabbitmq
  wait_healthy 60 mariadb
  setup_databases
  setup_keystone
  ensure_svc keystone
  wait_healthy 120 rabbitmq
  setup_rabbitmq
  wait_healthy 120 keystone
  "${OSAPI[@]}" catalog
  schema_syncs
  echo "$version" >"$MARKER"
  renice_started
  log "install done in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------

STARTED_NOW=()

cmd_install() {
  take_lock
  do_install
  # A bare `install` leaves nothing running that it started itself.
  if ((${#STARTED_NOW[@]})); then
    log "stopping what install started: ${STARTED_NOW[*]}"
    local name apis=() infra=()
    for name in "${STARTED_NOW[@]}"; do
      case $name in rabbitmq | mariadb) infra+=("$name") ;; *) apis+=("$name") ;; esac
    done
    ((${#apis[@]} == 0)) || stop_services 30 "${apis[@]}"
    ((${#infra[@]} == 0)) || stop_services 60 "${infra[@]}"
  fi
}

compute_names() { # N -> nova-compute-fake-host-1..N
  local k
  for ((k = 1; k <= $1; k++)); do echo "nova-compute-fake-host-$k"; done
}

known_computes() { # computes with a pid file or up to the last N
  local n=0 f
  [[ -s $COMPUTES_FILE ]] && n=$(cat "$COMPUTES_FILE")
  {
    compute_names "$n"
    for f in "$RUN_DIR"/nova-compute-fake-host-*.pid; do
      [[ -e $f ]] && basename "$f" .pid
    done
  } | sort -t- -k5,5n -u
}

since_of() { # name -> epoch of its start in this run, 0 otherwise
  local s
  for s in "${STARTED_NOW[@]}"; do
    if [[ $s == "$1" ]]; then cat "$RUN_DIR/$1.started"; return; fi
  done
  echo 0
}

# Waits for Nova's conductor, scheduler and the given computes, then maps new hosts to cell1.
wait_nova_services() { # compute-names...
  local specs=() name host
  specs+=("nova-conductor@$(hostname)=$(since_of nova-conductor)")
  specs+=("nova-scheduler@$(hostname)=$(since_of nova-scheduler)")
  for name in "$@"; do
    host=${name#nova-compute-}
    specs+=("nova-compute@$host=$(since_of "$name")")
  done
  "${OSAPI[@]}" wait-services --neutron-warmup --timeout 240 "${specs[@]}" \
    || die "Nova services did not come up (logs: $LOG_DIR)"
  local mapped missing=0
  mapped=$(mysql -N -e "SELECT host FROM nova_api.host_mappings")
  for name in "$@"; do
    grep -qx "${name#nova-compute-}" <<<"$mapped" || missing=1
  done
  if ((missing)); then
    local t0
    t0=$(now)
    as_user nova nova-manage --config-file /etc/nova/nova.conf cell_v2 discover_hosts --verbose \
      >>"$LOG_DIR/discover-hosts.log" 2>&1 || die "discover_hosts failed (log: $LOG_DIR/discover-hosts.log)"
    log "new compute hosts mapped to cell1 (discover_hosts, $(elapsed "$t0") s)"
  fi
}

cmd_start() {
  local n=${1:-3} t0 name
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "start: N must be a positive number, got '$n'"
  t0=$(now)
  take_lock
  do_install
  prepare_runtime_dirs
  write_compute_configs "$n"

  local computes=() extra=()
  mapfile -t computes < <(compute_names "$n")
  for name in $(known_computes); do
    [[ " ${computes[*]} " == *" $name "* ]] || extra+=("$name")
  done

  ensure_svc mariadb rabbitmq
  wait_healthy 60 mariadb
  # Everything else needs only the database to start; the RPC users retry until RabbitMQ listens.
  ensure_svc keystone placement glance-api neutron-server nova-api nova-conductor nova-scheduler
  wait_healthy 120 rabbitmq
  if [[ " ${STARTED_NOW[*]} " == *" nova-conductor "* ]]; then wait_conductor_serving 180; fi
  ensure_svc "${computes[@]}"
  wait_healthy 180 keystone placement glance-api neutron-server nova-api nova-conductor nova-scheduler "${computes[@]}"
  if ((${#STARTED_NOW[@]})); then log "APIs answer after $(elapsed "$t0") s"; fi

  if ((${#extra[@]})); then
    stop_services 30 "${extra[@]}"
    for name in "${extra[@]}"; do rm -f "/etc/nova/$name.conf"; done
  fi
  wait_nova_services "${computes[@]}"
  # Service records of fake hosts beyond N (left by an earlier `start` with a larger N).
  local stale
  stale=$(mysql -N -e "SELECT host FROM nova.services WHERE \`binary\`='nova-compute' AND deleted=0
    AND host LIKE 'fake-host-%'" | awk -v n="$n" -F- '$3 + 0 > n')
  if [[ -n $stale ]]; then
    "${OSAPI[@]}" drop-computes --keep "$(IFS=,; echo "${computes[*]#nova-compute-}")" || true
  fi
  echo "$n" >"$COMPUTES_FILE"
  [[ -s $IMAGE_FILE ]] || dd if=/dev/zero of="$IMAGE_FILE" bs=1024 count=1 status=none
  "${OSAPI[@]}" fixtures --hosts "$(IFS=,; echo "${computes[*]#nova-compute-}")" \
    --image-file "$IMAGE_FILE" --out "$ENV_JSON" || die "fixtures failed"
  renice_started
  if ((${#extra[@]})); then log "stopped the computes beyond $n: ${extra[*]}"; fi
  if ((${#STARTED_NOW[@]})); then
    log "started: ${STARTED_NOW[*]}"
  else
    log "everything was already running"
  fi
  log "OpenStack ready with $n fake compute hosts in $(elapsed "$t0") s (env: $ENV_JSON)"
}

cmd_stop() {
  take_lock
  stop_all
}

stop_all() {
  local t0 name running=0
  t0=$(now)
  local openstack=(nova-api nova-conductor nova-scheduler neutron-server glance-api placement keystone)
  mapfile -t -O ${#openstack[@]} openstack < <(known_computes)
  for name in "${openstack[@]}" rabbitmq mariadb; do is_running "$name" && running=1; done
  # epmd may outlive a rabbitmq that died on its own.
  if ((running == 0)) && [[ -z $(live_rabbitmq_pids) ]]; then
    log "nothing is running"
    return 0
  fi
  stop_services 30 "${openstack[@]}"
  stop_services 60 rabbitmq mariadb
  local left
  mapfile -t left < <(live_rabbitmq_pids)
  if ((${#left[@]})); then
    log "stopping the rabbitmq user's processes left over: ${left[*]}"
    kill -TERM "${left[@]}" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while alive "${left[@]}" && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "${left[@]}" 2>/dev/null || true
  fi
  log "stopped in $(elapsed "$t0") s"
}

cmd_stop_service() {
  local name
  name=$(canonical_name "${1:?stop-service needs a service name}")
  svc_define "$name"
  take_lock
  if ! is_running "$name"; then
    log "$name is not running"
    return 0
  fi
  stop_services 60 "$name"
  log "$name stopped"
}

cmd_start_service() {
  local name t0
  name=$(canonical_name "${1:?start-service needs a service name}")
  svc_define "$name"
  t0=$(now)
  take_lock
  [[ -f $MARKER ]] || die "not installed: run '$0 start' first"
  prepare_runtime_dirs
  if [[ $name == nova-compute-fake-host-* ]]; then
    [[ -f /etc/nova/$name.conf ]] || sed "s/@HOST@/${name#nova-compute-}/" \
      "$ETC_SRC/nova/nova-compute-host.conf.in" >"/etc/nova/$name.conf"
  fi
  if is_running "$name"; then
    log "$name is already running (pid $(svc_pid "$name"))"
  else
    launch "$name"
  fi
  wait_healthy 180 "$name"
  renice_started
  case $name in
    neutron-server) "${OSAPI[@]}" neutron-warmup ;;
    nova-compute-* | nova-conductor | nova-scheduler)
      if svc_healthy nova-api && svc_healthy keystone; then
        local host=${name#nova-compute-} spec
        if [[ $name == nova-compute-* ]]; then spec="nova-compute@$host"; else spec="$name@$(hostname)"; fi
        "${OSAPI[@]}" wait-services --timeout 180 "$spec=$(since_of "$name")"
      fi ;;
  esac
  log "$name answers ($(elapsed "$t0") s)"
}

cmd_status() {
  local name pid state
  for name in "${CORE_SERVICES[@]}" $(known_computes); do
    if pid=$(svc_pid "$name"); then
      if svc_healthy "$name"; then state="running (pid $pid)"; else state="running (pid $pid), not answering"; fi
    else
      state=stopped
    fi
    printf '%-28s %s\n' "$name" "$state"
  done
  if svc_healthy keystone && svc_healthy nova-api; then
    "${OSAPI[@]}" computes || true
  else
    echo "  computes: unknown (keystone or nova-api not answering)"
  fi
}

cmd_env() {
  [[ -s $ENV_JSON ]] || die "no $ENV_JSON yet: run '$0 start' first"
  cat "$ENV_JSON"
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit "${1:-0}"
}

[[ $(id -u) == 0 ]] || die "run as root"
case ${1:-} in
  install) cmd_install ;;
  start) cmd_start "${2:-3}" ;;
  stop) cmd_stop ;;
  stop-service) cmd_stop_service "${2:-}" ;;
  start-service) cmd_start_service "${2:-}" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h | --help | help) usage 0 ;;
  *) usage 2 >&2 ;;
esac
