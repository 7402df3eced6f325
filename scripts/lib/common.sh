# Shared by scripts/serve and scripts/test: where builds go, and installing what is missing.
# Every ensure_* is idempotent and returns quickly when its tool is already present.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Builds and tools live outside the clone, so a fresh clone on the same machine builds incrementally.
CACHE="${EMMAUS_CACHE:-$HOME/.cache/emmaus}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
VENV="$CACHE/venv"
SCHEMATHESIS_VERSION="4.32.5"
# A real iCalendar parser for the planner's feed tests (scripts/lib/ics_expand.py).
ICALENDAR_VERSION="7.3.2"
RECURRING_ICAL_EVENTS_VERSION="3.8.2"
# Independent readers of the session exports (pdftotext from poppler-utils, python-docx), and the
# fonts the exports are set in: DejaVu Sans (Latin, Greek, Hebrew) and Nanum Gothic (Korean).
PYTHON_DOCX_VERSION="1.1.2"
PRINT_FONTS=(/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
  /usr/share/fonts/truetype/nanum/NanumGothic.ttf /usr/share/fonts/truetype/nanum/NanumGothicBold.ttf)

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

ensure_rust() {
  command -v rustup >/dev/null || die "rustup is required (https://rustup.rs); it installs the pinned toolchain"
  # Reads rust-toolchain.toml: the pinned compiler, rustfmt, clippy and the wasm32-wasip2 target.
  (cd "$ROOT" && rustup toolchain install >/dev/null)
}

APT_UPDATED=""
apt_install() {
  [ -n "$APT_UPDATED" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

# Installs the web app's packages from the lock file when they are missing or the lock changed.
ensure_site_packages() {
  ensure_node
  local site="$ROOT/static-site"
  if [ ! -f "$site/node_modules/.package-lock.json" ] || [ "$site/package-lock.json" -nt "$site/node_modules/.package-lock.json" ]; then
    say "installing the web app's npm packages"
    (cd "$site" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_schemathesis() {
  if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    say "installing schemathesis $SCHEMATHESIS_VERSION"
    python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$VENV"; }
    "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}

# icalendar and recurring_ical_events in the test venv, which the planner's feed tests read their
# feeds back with (EMMAUS_TEST_PYTHON).
ensure_ics_parser() {
  ensure_schemathesis
  if ! "$VENV/bin/python" -c "import icalendar, recurring_ical_events, sys; sys.exit(icalendar.__version__ != '$ICALENDAR_VERSION')" 2>/dev/null; then
    say "installing icalendar $ICALENDAR_VERSION and recurring-ical-events $RECURRING_ICAL_EVENTS_VERSION"
    "$VENV/bin/pip" install -q --disable-pip-version-check "icalendar==$ICALENDAR_VERSION" "recurring-ical-events==$RECURRING_ICAL_EVENTS_VERSION"
  fi
}

# The fonts printed sessions are set in (installed from Debian's packages; the data folder or the
# object store gets copies: see docs/operations.md).
ensure_print_fonts() {
  local font missing=()
  for font in "${PRINT_FONTS[@]}"; do [ -f "$font" ] || missing+=("$font"); done
  [ ${#missing[@]} = 0 ] || apt_install fonts-dejavu-core fonts-nanum
}

# What the export tests read PDFs and DOCX files back with.
ensure_print_readers() {
  ensure_schemathesis
  ensure_print_fonts
  command -v pdftotext >/dev/null || apt_install poppler-utils
  if ! "$VENV/bin/python" -c "import docx" 2>/dev/null; then
    say "installing python-docx $PYTHON_DOCX_VERSION"
    "$VENV/bin/pip" install -q --disable-pip-version-check "python-docx==$PYTHON_DOCX_VERSION"
  fi
}

build_site() {
  ensure_site_packages
  (cd "$ROOT/static-site" && npm run --silent build)
}
