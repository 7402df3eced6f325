# Sourced by scripts/test after common.sh: a real SMTP server (aiosmtpd, in the shared $VENV) that
# the SMTP adapter's tests send to, delivering into a Maildir they read back (scripts/smtp/server.py).

AIOSMTPD_VERSION="1.4.6"

ensure_smtp_server() {
  if ! "$VENV/bin/python" -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
    say "installing aiosmtpd $AIOSMTPD_VERSION"
    [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$VENV"; }
    "$VENV/bin/pip" install -q --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
  fi
}

SMTP_PID=""
SMTP_DIR=""
stop_smtp_server() {
  if [ -n "$SMTP_PID" ]; then kill "$SMTP_PID" 2>/dev/null || true; wait "$SMTP_PID" 2>/dev/null || true; SMTP_PID=""; fi
  if [ -n "$SMTP_DIR" ]; then rm -rf "$SMTP_DIR"; SMTP_DIR=""; fi
}

# Starts the server on a free loopback port (it picks one and prints it) and exports what the SMTP
# adapter's tests read; stopped, and its mail removed, when the shell exits.
start_smtp_server() {
  local port="" log started=$SECONDS previous
  # Required from here on: if the server fails to start, the SMTP tests fail rather than skip.
  export EMMAUS_REQUIRE_SMTP_TESTS=1
  SMTP_DIR="$(mktemp -d)"
  log="$SMTP_DIR/server.log"
  "$VENV/bin/python" "$ROOT/scripts/smtp/server.py" "$SMTP_DIR/Maildir" >"$log" 2>&1 &
  SMTP_PID=$!
  # Keep any exit trap set before (moto's), rather than replacing it.
  previous="$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT\$/\1/")"
  # shellcheck disable=SC2064
  trap "stop_smtp_server${previous:+; $previous}" EXIT
  for _ in $(seq 1 100); do
    port="$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$log")"
    if [ -n "$port" ]; then
      export EMMAUS_TEST_SMTP_URL="smtp+insecure://127.0.0.1:$port"
      export EMMAUS_TEST_SMTP_MAILDIR="$SMTP_DIR/Maildir"
      echo "aiosmtpd $AIOSMTPD_VERSION at $EMMAUS_TEST_SMTP_URL (started in $((SECONDS - started)) s)"
      return 0
    fi
    kill -0 "$SMTP_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the SMTP server did not start within 10 s:"; cat "$log"; stop_smtp_server
  return 1
}
