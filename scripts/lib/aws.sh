# Sourced by scripts/test after common.sh: moto, the AWS protocol server the DynamoDB and S3
# adapters are tested against, and cfn-lint for template.yaml. Both live in the shared $VENV.

MOTO_VERSION="5.2.5"
CFN_LINT_VERSION="1.58.0"

ensure_venv() {
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$VENV"; }
}

ensure_moto() {
  if ! "$VENV/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
    say "installing moto $MOTO_VERSION"
    ensure_venv
    "$VENV/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  fi
}

ensure_cfn_lint() {
  if ! "$VENV/bin/cfn-lint" --version 2>/dev/null | grep -q "$CFN_LINT_VERSION"; then
    say "installing cfn-lint $CFN_LINT_VERSION"
    ensure_venv
    "$VENV/bin/pip" install -q --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
  fi
}

MOTO_PID=""
stop_moto() {
  if [ -n "$MOTO_PID" ]; then kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; MOTO_PID=""; fi
}

# Starts moto on a free port and exports what the adapters' tests read; stopped when the shell exits.
start_moto() {
  local port log started=$SECONDS
  # Required from here on: if moto fails to start, the AWS tests fail rather than skip.
  export EMMAUS_REQUIRE_AWS_TESTS=1
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  log="$(mktemp -d)/moto.log"
  # One request at a time, so DynamoDB's conditional writes are atomic as they are in AWS.
  "$VENV/bin/python" "$ROOT/scripts/lib/moto_serialised.py" 127.0.0.1 "$port" >"$log" 2>&1 &
  MOTO_PID=$!
  trap stop_moto EXIT
  for _ in $(seq 1 300); do
    if "$VENV/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
      "http://127.0.0.1:$port/moto-api/" 2>/dev/null; then
      export EMMAUS_TEST_AWS_ENDPOINT="http://127.0.0.1:$port"
      # Dummy credentials: moto accepts any, and nothing here may reach a real account.
      export AWS_ACCESS_KEY_ID="test" AWS_SECRET_ACCESS_KEY="test" AWS_REGION="us-east-1"
      echo "moto $MOTO_VERSION at $EMMAUS_TEST_AWS_ENDPOINT (started in $((SECONDS - started)) s)"
      return 0
    fi
    kill -0 "$MOTO_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "moto did not start within 30 s:"; cat "$log"; stop_moto
  return 1
}
