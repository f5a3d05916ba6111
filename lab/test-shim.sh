#!/usr/bin/env bash
# lab/test-shim.sh — end-to-end check of the SCTP-over-TCP shim with the real
# NextEPC 0.3.10 MME (CI-runnable; needs root for apt-get on a fresh machine).
#
#  1. shim self-test: libsctp API against a framed-TCP peer, no NextEPC
#  2. lab.sh up: SGW, PGW, and the MME under LD_PRELOAD
#  3. an "eNB" (lab/s1ap_client.py) sends a framed S1 Setup Request over TCP
#     and must get a framed S1 Setup Response
#  4. it closes; the MME must log that it released the eNB, which it does
#     only on an SCTP_ASSOC_CHANGE/SCTP_SHUTDOWN_COMP notification
#  5. the lab is stopped again if this script started it (busy-polling
#     daemons cost ~0.5 core)
# Ends with "N passed, N failed"; exit status 0 only if all passed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
export LAB_WORK=${LAB_WORK:-$REPO/.lab}
MME_ADDR=${LAB_MME_ADDR:-127.0.0.2}
MCC=${LAB_MCC:-001}
MNC=${LAB_MNC:-01}
TAC=${LAB_TAC:-12345}
ENB_ID=0x1A
PY=$(command -v python3)

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }

started_lab=0
cleanup() {
    if [ $started_lab = 1 ]; then "$HERE/lab.sh" down || true; fi
}
trap cleanup EXIT

# 1. The shim on its own (also builds it; lab.sh up would too).
if "$HERE/lab.sh" status >/dev/null 2>&1; then
    echo "lab already running; it will be left running"
else
    started_lab=1
fi
if ! "$HERE/lab.sh" up >/dev/null; then
    fail "lab.sh up (see $LAB_WORK/log/*.out)"
    echo "test-shim: $passed passed, $failed failed"
    exit 1
fi
if make -s -C "$HERE/sctp-over-tcp" OUT="$LAB_WORK/shim" check; then
    ok "shim self-test"
else
    fail "shim self-test"
fi

# 2. MME up and listening on S1AP over TCP.
mme_pid=$(cat "$LAB_WORK/run/mme.pid")
if ss -H -lnt "sport = :36412" | grep -q "$MME_ADDR:36412"; then
    ok "MME (pid $mme_pid) listens on $MME_ADDR:36412/tcp"
else
    fail "MME not listening on $MME_ADDR:36412/tcp"; ss -lntp >&2
fi
if tr '\0' '\n' <"/proc/$mme_pid/environ" | grep -q '^LD_PRELOAD=.*libsctp_over_tcp.so'; then
    ok "MME runs with the shim preloaded"
else
    fail "MME has no LD_PRELOAD of the shim"
fi

# 3. S1 Setup over framed TCP.
log=$LAB_WORK/log/mme.log
lines_before=$(wc -l <"$log")
out=$LAB_WORK/log/s1setup.txt
set +e
"$PY" "$HERE/s1ap_client.py" "$MME_ADDR" 36412 "$MCC" "$MNC" "$TAC" "$ENB_ID" \
    --hex-out "$LAB_WORK/log/s1setup.hex" >"$out" 2>&1
rc=$?
set -e
cat "$out"
case $rc in
    0) ok "S1 Setup Response received" ;;
    1) fail "S1 Setup Failure received (PLMN/TAC mismatch?)" ;;
    *) fail "no S1 Setup reply (client rc $rc)" ;;
esac

# Optional: let tshark decode both PDUs (wrapped in fake SCTP with PPID 18).
if command -v tshark >/dev/null && command -v text2pcap >/dev/null && [ $rc -le 1 ]; then
    hexdump=$LAB_WORK/log/s1setup.od
    : >"$hexdump"
    grep -v '^#' "$LAB_WORK/log/s1setup.hex" | while read -r h; do
        printf '%s\n' "$h" | sed 's/../& /g' | fold -w 48 |
            awk '{printf "%06x %s\n", (NR-1)*16, $0}' >>"$hexdump"
    done
    if text2pcap -q -S 36412,36412,18 "$hexdump" "$LAB_WORK/log/s1setup.pcap" >/dev/null 2>&1; then
        tshark -r "$LAB_WORK/log/s1setup.pcap" -Y s1ap 2>/dev/null | sed 's/^/    tshark: /' || true
    fi
fi

# 4. The eNB closed: the MME must release it via the notification path.
released=0
for _ in $(seq 50); do
    if tail -n +"$((lines_before + 1))" "$log" | grep -q "eNB-S1\[1a\] connection refused"; then
        released=1; break
    fi
    sleep 0.1
done
tail -n +"$((lines_before + 1))" "$log" | sed 's/^/    mme.log: /'
if [ $released = 1 ]; then
    ok "MME released the eNB after the TCP close (SCTP_SHUTDOWN_COMP path)"
else
    fail "MME did not log the eNB release"
fi
if kill -0 "$mme_pid" 2>/dev/null; then
    ok "MME still running after the eNB left"
else
    fail "MME died"; tail -n 20 "$LAB_WORK/log/mme.out" >&2 || true
fi

echo "test-shim: $passed passed, $failed failed"
[ $failed = 0 ]
