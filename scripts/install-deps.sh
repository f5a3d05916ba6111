#!/usr/bin/env bash
# Installs the Debian packages OpenMCIM's build and tests need, only those missing (idempotent).
# Run as root (CI and the README's commands are). Packages for the NextEPC lab are installed by
# lab/lab.sh, which the lab tests call themselves.
set -euo pipefail

packages=(
  openjdk-17-jdk-headless   # Java 17 toolchain
  maven                     # build
  tshark                    # dissector checks of every PDU we emit (Diameter, S1AP, NAS); dumpcap
                            # (wireshark-common) records loopback during the icf-hss interop tests
  freediameter              # freeDiameterd: independent Diameter peer for the ICF interop tests
  freediameter-extensions   # dbg_msg_dumps.fdx: freeDiameter logs each CER/DWR/DPR it sends and receives
  openssl                   # throwaway TLS credentials freeDiameterd insists on even with No_TLS
  iproute2                  # ss: which process holds a Diameter connection (NextEPC interop test)
)

# python3 drives the lab's scripted S1AP peer; any python3 on PATH will do.
command -v python3 >/dev/null 2>&1 || packages+=(python3)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing packages ${missing[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; the answer does not matter for root.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
