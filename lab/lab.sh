#!/usr/bin/env bash
# lab/lab.sh up|down|status — a NextEPC 0.3.10 EPC (MME, SGW, PGW) on loopback
# for OpenMCIM tests. The MME's S1AP runs over framed TCP through the
# sctp-over-tcp LD_PRELOAD shim, because the CI kernel has no SCTP.
#
#   up      install missing Debian packages, build the shim, write configs
#           from config/lab/nextepc/ and start SGW, PGW, MME (idempotent:
#           daemons already running from our pidfiles are left alone)
#   down    stop exactly the processes named in our pidfiles
#   status  show each daemon and its listening sockets (exit 3 if any is
#           not running)
#
# Environment (defaults in brackets):
#   LAB_WORK   work directory: configs, pidfiles, logs     [<repo>/.lab]
#   LAB_MME_ADDR  S1AP 36412/tcp, GTP-C, Diameter           [127.0.0.2]
#   LAB_SGW_ADDR  GTP-C 2123/udp, GTP-U 2152/udp             [127.0.0.6]
#   LAB_PGW_ADDR  GTP-C, GTP-U, Diameter 3868/tcp            [127.0.0.7]
#   LAB_HSS_ADDR  hss.localdomain (the RO, S6a)              [127.0.0.4]
#   LAB_PCRF_ADDR pcrf.localdomain (the RO, Gx)              [127.0.0.5]
#   LAB_MCC / LAB_MNC / LAB_TAC  served PLMN and TAC         [001 / 01 / 12345]
#   LAB_UE_POOL   PGW UE address pool                        [10.45.0.1/16]
#   LAB_TC_TIMER  freeDiameter reconnect timer, seconds      [3]
#   LAB_SKIP_INSTALL=1  do not call apt-get (packages must be present)
#   LAB_SHIM_DEBUG=1    the shim logs every emulated SCTP call to log/mme.out
#   LAB_NEXTEPC_POOLS   rebuilt: run Debian's daemons with libcore/libgtp
#                       rebuilt from Debian's source with larger packet-buffer
#                       and GTP transaction pools (nextepc-pools/, built once
#                       by `up`); debian: the packaged libraries as shipped
#                                                        [rebuilt]
#
# The .4/.5 addresses belong to the RO's Diameter peers; the EPC daemons use
# other loopback addresses so nothing here binds 3868 on them. All of
# 127.0.0.0/8 is routed to lo on Linux, so no `ip addr add` is needed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
WORK=${LAB_WORK:-$REPO/.lab}
MME_ADDR=${LAB_MME_ADDR:-127.0.0.2}
SGW_ADDR=${LAB_SGW_ADDR:-127.0.0.6}
PGW_ADDR=${LAB_PGW_ADDR:-127.0.0.7}
HSS_ADDR=${LAB_HSS_ADDR:-127.0.0.4}
PCRF_ADDR=${LAB_PCRF_ADDR:-127.0.0.5}
MCC=${LAB_MCC:-001}
MNC=${LAB_MNC:-01}
TAC=${LAB_TAC:-12345}
UE_POOL=${LAB_UE_POOL:-10.45.0.1/16}
TC_TIMER=${LAB_TC_TIMER:-3}

PACKAGES=(nextepc-mme nextepc-sgw nextepc-pgw gcc libc6-dev libsctp-dev iproute2 make)
# Start order matters little (GTP is connectionless), but SGW/PGW first means
# the MME finds them when the first eNB/UE shows up.
DAEMONS=(sgw pgw mme)
SHIM=$WORK/shim/libsctp_over_tcp.so
POOLS=${LAB_NEXTEPC_POOLS:-rebuilt}
POOLS_DIR=$WORK/nextepc-pools
case $POOLS in rebuilt|debian) ;; *) echo "lab: LAB_NEXTEPC_POOLS must be rebuilt or debian, not '$POOLS'" >&2; exit 2 ;; esac

log() { printf 'lab: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- install --
missing_packages() {
    local p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
            || printf '%s\n' "$p"
    done
}

# Packaged units that must not run: they would use /etc/nextepc (SCTP S1AP,
# 127.0.0.x defaults) and burn CPU busy-polling next to ours.
stop_packaged_services() {
    local u
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
        for u in nextepc-mmed nextepc-sgwd nextepc-pgwd nextepc-mme nextepc-sgw nextepc-pgw; do
            if systemctl is-enabled --quiet "$u.service" 2>/dev/null ||
               systemctl is-active --quiet "$u.service" 2>/dev/null; then
                log "disabling packaged $u.service"
                systemctl disable --now "$u.service" >/dev/null 2>&1 || true
            fi
        done
    fi
    # Without systemd nothing starts them; with it, the above stopped them.
    # Report (do not kill) any other nextepc daemon: it is not ours to end.
    local others
    others=$(pgrep -a -f '^/usr/bin/nextepc-(mme|sgw|pgw)d -f /etc/nextepc/' || true)
    if [ -n "$others" ]; then
        log "WARNING: packaged NextEPC daemons are running (not started by lab.sh):"
        printf '%s\n' "$others" >&2
    fi
}

install_packages() {
    local missing
    missing=$(missing_packages)
    if [ -z "$missing" ]; then
        stop_packaged_services
        return 0
    fi
    if [ "${LAB_SKIP_INSTALL:-0}" = 1 ]; then
        log "missing packages and LAB_SKIP_INSTALL=1: $(echo $missing)"
        exit 1
    fi
    log "installing: $(echo $missing)"
    # policy-rc.d exit 101 keeps invoke-rc.d from starting the packaged
    # daemons during installation. Only add it (and later remove it) if the
    # machine has none of its own.
    local policy=/usr/sbin/policy-rc.d ours=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\n# lab.sh: do not start services during install\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        ours=1
    fi
    local rc=0
    # Lists are fetched only if the package is unknown (fresh machine).
    if ! apt-cache show nextepc-mme >/dev/null 2>&1; then
        apt-get update -q || rc=$?
    fi
    [ $rc -eq 0 ] && { DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o DPkg::Lock::Timeout=600 --no-install-recommends $missing || rc=$?; }
    [ $ours = 1 ] && rm -f "$policy"
    [ $rc -eq 0 ] || { log "apt-get failed ($rc)"; exit $rc; }
    stop_packaged_services
}

# ------------------------------------------------------------------ build --
build_shim() {
    mkdir -p "$WORK/shim"
    make -s -C "$HERE/sctp-over-tcp" OUT="$WORK/shim" all >&2
}

# Debian's NextEPC 0.3.10 serves about 48 distinct UEs per MME start and one attach per
# 1.5 s (compile-time pools; nextepc-pools/larger-pools.patch says which and
# why). The rebuilt libcore/libgtp lift both without touching the binaries.
build_pools() {
    [ "$POOLS" = rebuilt ] || return 0
    "$HERE/nextepc-pools/build.sh" "$POOLS_DIR"
}

# ---------------------------------------------------------------- configs --
render() { # template -> file
    sed -e "s|@WORK@|$WORK|g" -e "s|@MME_ADDR@|$MME_ADDR|g" -e "s|@SGW_ADDR@|$SGW_ADDR|g" \
        -e "s|@PGW_ADDR@|$PGW_ADDR|g" -e "s|@HSS_ADDR@|$HSS_ADDR|g" \
        -e "s|@PCRF_ADDR@|$PCRF_ADDR|g" -e "s|@MCC@|$MCC|g" -e "s|@MNC@|$MNC|g" \
        -e "s|@TAC@|$TAC|g" -e "s|@UE_POOL@|$UE_POOL|g" -e "s|@TC_TIMER@|$TC_TIMER|g" \
        "$1" >"$2.tmp"
    if grep -q '@[A-Z_]*@' "$2.tmp"; then
        log "unreplaced placeholder in $2"; exit 1
    fi
    mv "$2.tmp" "$2"
}

write_configs() {
    local t=$REPO/config/lab/nextepc
    mkdir -p "$WORK/etc/freeDiameter" "$WORK/log" "$WORK/run"
    for f in mme sgw pgw; do render "$t/$f.conf" "$WORK/etc/$f.conf"; done
    for f in mme pgw; do render "$t/freeDiameter/$f.conf" "$WORK/etc/freeDiameter/$f.conf"; done
}

# -------------------------------------------------------------- processes --
pidfile() { printf '%s/run/%s.pid' "$WORK" "$1"; }

# Prints the pid if the pidfile names a live nextepc-<d>d started with our
# config (guards against a recycled pid), else nothing.
live_pid() {
    local d=$1 pf pid
    pf=$(pidfile "$d")
    [ -f "$pf" ] || return 0
    pid=$(cat "$pf")
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    if [ -r "/proc/$pid/cmdline" ] &&
       tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "nextepc-${d}d -f $WORK/etc/$d.conf"; then
        printf '%s\n' "$pid"
    fi
}

start_daemon() {
    local d=$1 pid
    pid=$(live_pid "$d")
    if [ -n "$pid" ]; then
        log "$d already running (pid $pid)"
        return 0
    fi
    local -a env=()
    # All three load libcore/libgtp: the SGW's GTP pool is the one that limits.
    [ "$POOLS" = rebuilt ] && env=(LD_LIBRARY_PATH="$POOLS_DIR/lib")
    # Only the MME gets the shim: SGW/PGW use no SCTP at all.
    [ "$d" = mme ] && env+=(LD_PRELOAD="$SHIM")
    # LAB_SHIM_DEBUG=1: the shim logs each emulated SCTP call to mme.out.
    [ "$d" = mme ] && [ "${LAB_SHIM_DEBUG:-0}" = 1 ] && env+=(SCTP_OVER_TCP_DEBUG=1)
    : >"$WORK/log/$d.out"
    # setsid: own session, so the daemon outlives the calling shell and a
    # terminal hangup; the pid of the exec'd binary is $!.
    # -p: keep NextEPC's own pid file out of /var/run/nextepc-<d>d/ (shared).
    env "${env[@]}" setsid /usr/bin/nextepc-${d}d -f "$WORK/etc/$d.conf" -p "$WORK/run/$d.daemon.pid" \
        </dev/null >>"$WORK/log/$d.out" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$(pidfile "$d")"
    sleep 1
    if ! kill -0 "$pid" 2>/dev/null; then
        log "$d exited at once; its output:"
        tail -n 30 "$WORK/log/$d.out" >&2
        rm -f "$(pidfile "$d")"
        return 1
    fi
    log "$d started (pid $pid, log $WORK/log/$d.log)"
}

stop_daemon() {
    local d=$1 pid i
    pid=$(live_pid "$d")
    if [ -z "$pid" ]; then
        rm -f "$(pidfile "$d")"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$d (pid $pid) ignored SIGTERM for 5 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$(pidfile "$d")" "$WORK/run/$d.daemon.pid"
    log "$d stopped (pid $pid)"
}

listening() { # pid -> its listening sockets
    ss -H -lntup 2>/dev/null | grep "pid=$1," | awk '{print "    " $1, $5}' || true
}

status() {
    local d pid rc=0
    for d in "${DAEMONS[@]}"; do
        pid=$(live_pid "$d")
        if [ -n "$pid" ]; then
            printf '%-4s running  pid %-7s cpu %s%%  pools %s\n' "$d" "$pid" "$(ps -o %cpu= -p "$pid" | tr -d ' ')" \
                "$(grep -q "$POOLS_DIR/lib/libcore.so" "/proc/$pid/maps" 2>/dev/null && echo rebuilt || echo debian)"
            listening "$pid"
        else
            printf '%-4s stopped\n' "$d"
            rc=3
        fi
    done
    return $rc
}

up() {
    install_packages
    # The PGW needs it for pgwtun; without it it runs but cannot set up its path.
    [ -c /dev/net/tun ] || log "WARNING: no /dev/net/tun: the PGW will log \"Can't establish PGW path\""
    build_shim
    build_pools
    write_configs
    local d
    for d in "${DAEMONS[@]}"; do start_daemon "$d"; done
    status
}

down() {
    local i
    # Reverse order: the MME first, so it does not log lost S11 peers.
    for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do stop_daemon "${DAEMONS[$i]}"; done
}

case ${1:-} in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
