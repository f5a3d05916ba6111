#!/usr/bin/env bash
# lab/nextepc-pools/build.sh OUT_DIR — rebuild NextEPC's libcore.so.1 and
# libgtp.so.1 from Debian's own source package with larger-pools.patch, into
# OUT_DIR/lib, for lab.sh to put before /usr/lib/nextepc (LD_LIBRARY_PATH wins
# over the binaries' RUNPATH). Why: see the patch's header.
#
# Idempotent: OUT_DIR/stamp records the source version and the patch's hash;
# when both match and the libraries are there, nothing is done. The source is
# fetched from the Debian archive (LAB_DEBIAN_MIRROR, default
# http://deb.debian.org/debian) and checked against the SHA-256 sums below
# before it is unpacked; it must be the version of the installed binaries.
#
# Environment: LAB_SKIP_INSTALL=1  do not apt-get the build dependencies.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:?usage: $0 OUT_DIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
MIRROR=${LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PATCH=$HERE/larger-pools.patch

# The source package of bookworm's nextepc binaries (0.3.10+nods-4.2+b1 is a
# binary-only rebuild of it). Sums from the .dsc, itself pinned here.
VERSION=0.3.10+nods-4.2
declare -A SHA256=(
    [nextepc_0.3.10+nods-4.2.dsc]=820862a7d0a3184774a3204473745a2e355910627571a793b81086634adf394a
    [nextepc_0.3.10+nods.orig.tar.gz]=6f1396419f260233ad0c860d4696decf3c6089b2fe31c8fa338ff0ecb3e95ab3
    [nextepc_0.3.10+nods-4.2.debian.tar.xz]=4ebc99b07d2185186dd5bbd5f0ab03a9adf8a990c1e8987dc19ac637f51e832c
)
# Debian's Build-Depends for what configure checks, minus debhelper/txt2man
# (no .deb and no man pages are made here), plus curl to fetch the source.
BUILD_DEPS=(build-essential dpkg-dev autoconf automake libtool pkg-config flex bison curl
    libsctp-dev libyaml-dev libmongoc-dev libbson-dev libgcrypt20-dev libgnutls28-dev
    libssl-dev libidn11-dev)

log() { printf 'nextepc-pools: %s\n' "$*" >&2; }

installed=$(dpkg-query -W -f='${Version}' nextepc-mme 2>/dev/null || true)
# Strip a binNMU suffix (+bN): same source, rebuilt by the archive.
if [ "${installed%+b[0-9]*}" != "$VERSION" ]; then
    log "installed nextepc-mme is '${installed:-absent}', this rebuild is for $VERSION: refusing to mix versions"
    exit 1
fi

want="$VERSION $(sha256sum "$PATCH" | cut -d' ' -f1)"
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$want" ] &&
   [ -f "$OUT/lib/libcore.so.1" ] && [ -f "$OUT/lib/libgtp.so.1" ]; then
    exit 0
fi

missing=()
for p in "${BUILD_DEPS[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "${LAB_SKIP_INSTALL:-0}" = 1 ]; then
        log "missing build dependencies and LAB_SKIP_INSTALL=1: ${missing[*]}"
        exit 1
    fi
    log "installing build dependencies: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 \
        --no-install-recommends "${missing[@]}" >&2
fi

mkdir -p "$OUT/download"
for f in "${!SHA256[@]}"; do
    if ! echo "${SHA256[$f]}  $OUT/download/$f" | sha256sum -c --status 2>/dev/null; then
        log "fetching $f"
        curl -sSf --retry 3 -o "$OUT/download/$f.part" "$MIRROR/pool/main/n/nextepc/$f"
        echo "${SHA256[$f]}  $OUT/download/$f.part" | sha256sum -c --status ||
            { log "$f: SHA-256 mismatch, not using it"; rm -f "$OUT/download/$f.part"; exit 1; }
        mv "$OUT/download/$f.part" "$OUT/download/$f"
    fi
done

src=$OUT/src
rm -rf "$src"
log "unpacking Debian's source (its patches applied) and applying $(basename "$PATCH")"
# --no-check: the .dsc's PGP signature would need debian-keyring; its SHA-256 is
# pinned above instead.
dpkg-source --no-check -x "$OUT/download/nextepc_$VERSION.dsc" "$src" >/dev/null
patch -s -p1 -d "$src" <"$PATCH"

log "configuring and building lib/core and lib/gtp (a minute or two)"
(
    cd "$src"
    # Debian's hardening and optimisation flags, as its package build uses.
    eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
    autoreconf -fi >"$OUT/build.log" 2>&1
    ./configure --prefix=/usr >>"$OUT/build.log" 2>&1
    make -j"$(nproc)" -C lib/core/src >>"$OUT/build.log" 2>&1
    make -j"$(nproc)" -C lib/gtp >>"$OUT/build.log" 2>&1
) || { log "build failed; see $OUT/build.log"; tail -n 20 "$OUT/build.log" >&2; exit 1; }

# The rebuilt libraries must export what Debian's do, or the binaries would
# not be running the code they were linked against.
for l in libcore libgtp; do
    built=$(find "$src/lib" -path "*/.libs/$l.so.1.0.0" | head -n 1)
    if ! diff -q <(nm -D --defined-only "/usr/lib/nextepc/$l.so.1" | awk '{print $3}' | sort) \
                 <(nm -D --defined-only "$built" | awk '{print $3}' | sort) >/dev/null; then
        log "$l: exported symbols differ from Debian's /usr/lib/nextepc/$l.so.1"
        exit 1
    fi
    mkdir -p "$OUT/lib"
    install -m 644 "$built" "$OUT/lib/$l.so.1.0.0"
    ln -sf "$l.so.1.0.0" "$OUT/lib/$l.so.1"
done
rm -rf "$src"
printf '%s\n' "$want" >"$OUT/stamp"
log "built $OUT/lib/libcore.so.1 and libgtp.so.1"
