#!/usr/bin/env bash
# Regenerates src/test/resources/captures/freediameter-*.txt: two freeDiameterd peers exchange
# CER/CEA, DWR/DWA and DPR/DPA over TCP on 127.0.0.1 (ports 3868/3869, no TLS) while dumpcap
# records loopback; tshark then reads each Diameter frame back and writes it as hex with the
# fields the tests compare against. Usage: capture-freediameter.sh [output-dir]. Needs: apt-get install freediameterd freediameter-extensions tshark openssl (root for
# dumpcap on lo). Traffic stays on 127.0.0.1.
set -euo pipefail
out="${1:-$(cd "$(dirname "$0")/.." && pwd)/src/test/resources/captures}"
work="$(mktemp -d)"
trap 'kill "${cap_pid:-}" "${a_pid:-}" "${b_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
for n in a b; do
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$n.key" -out "$n.crt" -days 2 \
    -subj "/CN=$n.openmcim.test" 2>/dev/null
  if [ "$n" = a ]; then port=3868; other=b; oport=3869; else port=3869; other=a; oport=3868; fi
  cat > "$n.conf" <<CONF
Identity = "$n.openmcim.test";
Realm = "openmcim.test";
Port = $port;
SecPort = 0;
No_SCTP;
No_IPv6;
ListenOn = "127.0.0.1";
TwTimer = 6;
TcTimer = 5;
TLS_Cred = "$work/$n.crt", "$work/$n.key";
TLS_CA = "$work/$n.crt";
LoadExtension = "/usr/lib/freeDiameter/dict_nasreq.fdx";
LoadExtension = "/usr/lib/freeDiameter/dict_dcca.fdx";
LoadExtension = "/usr/lib/freeDiameter/dict_dcca_3gpp.fdx";
ConnectPeer = "$other.openmcim.test" { ConnectTo = "127.0.0.1"; No_TLS; Port = $oport; };
CONF
done
dumpcap -q -i lo -f "tcp port 3868 or tcp port 3869" -w cap.pcapng 2>dumpcap.log & cap_pid=$!
sleep 2
freeDiameterd -c a.conf >a.log 2>&1 & a_pid=$!
sleep 1
freeDiameterd -c b.conf >b.log 2>&1 & b_pid=$!
sleep 16                       # CER/CEA, then two DWR/DWA rounds (Tw = 6 s)
kill -TERM "$b_pid"; sleep 4   # b sends DPR, a answers DPA
kill -TERM "$a_pid"; sleep 2
kill -TERM "$cap_pid"; sleep 1
tshark -r cap.pcapng -Y diameter -T fields -E separator=';' -e frame.number -e diameter.cmd.code \
  -e diameter.flags -e diameter.applicationId -e diameter.avp.code -e diameter.Origin-Host -e tcp.payload \
  2>/dev/null > frames.txt
declare -A seen=()
while IFS=';' read -r fn cmd flags app avps oh payload; do
  case "$cmd/$flags" in
    257/0x80) n=cer ;; 257/0x00) n=cea ;; 280/0x80) n=dwr ;; 280/0x00) n=dwa ;;
    282/0x80) n=dpr ;; 282/0x00) n=dpa ;; *) continue ;;
  esac
  if [ "$n" = dwr ] || [ "$n" = dwa ]; then seen[$n]=$(( ${seen[$n]:-0} + 1 )); n="$n-${seen[$n]}"; fi
  {
    echo "# Real Diameter frame captured on 127.0.0.1 (TCP, no TLS) between two freeDiameterd $(dpkg-query -W -f='${Version}' freediameterd)"
    echo "# instances, a.openmcim.test:3868 and b.openmcim.test:3869, with dumpcap; fields below were"
    echo "# read back by tshark $(dpkg-query -W -f='${Version}' tshark) (frame $fn), not by OpenMCIM. Regenerate: tools/capture-freediameter.sh"
    echo "command-code: $cmd"
    echo "flags: $flags"
    echo "application-id: $app"
    echo "origin-host: $oh"
    echo "avp-codes: $avps"
    echo "hex:"
    echo "$payload" | fold -w 64
  } > "$out/freediameter-$n.txt"
done < frames.txt
ls -l "$out"
