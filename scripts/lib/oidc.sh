# Sourced after common.sh: a real OpenID Provider (oidc-provider on Node, scripts/oidc-provider)
# for the OIDC relying-party tests in shared/oidc. Its npm packages live beside it, from the lock.

OIDC_PROVIDER_DIR="$ROOT/scripts/oidc-provider"

# Installs the provider's npm packages when they are missing or the lock file changed.
ensure_oidc_provider() {
  ensure_node
  if [ ! -f "$OIDC_PROVIDER_DIR/node_modules/.package-lock.json" ] \
    || [ "$OIDC_PROVIDER_DIR/package-lock.json" -nt "$OIDC_PROVIDER_DIR/node_modules/.package-lock.json" ]; then
    say "installing the test OpenID Provider's npm packages"
    (cd "$OIDC_PROVIDER_DIR" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

OIDC_PROVIDER_PID=""
stop_oidc_provider() {
  if [ -n "$OIDC_PROVIDER_PID" ]; then
    kill "$OIDC_PROVIDER_PID" 2>/dev/null || true; wait "$OIDC_PROVIDER_PID" 2>/dev/null || true; OIDC_PROVIDER_PID=""
  fi
}

# Starts the provider on a free port and exports what the tests read; stopped when the shell exits.
# The EXIT trap keeps what was there (start_moto's), so start moto first when both are wanted:
# start_moto sets its trap without keeping others.
start_oidc_provider() {
  local dir log issuer="" previous started=$SECONDS
  # Required from here on: if the provider fails to start, the OIDC tests fail rather than skip.
  export EMMAUS_REQUIRE_OIDC_TESTS=1
  dir="$(mktemp -d)"; log="$dir/oidc-provider.log"
  # Port 0: the server picks a free port itself and names it in its one line of stdout.
  node "$OIDC_PROVIDER_DIR/server.mjs" 0 >"$dir/stdout" 2>"$log" &
  OIDC_PROVIDER_PID=$!
  previous="$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")"
  # shellcheck disable=SC2064 # expanded now on purpose: the earlier trap's command.
  trap "stop_oidc_provider${previous:+; $previous}" EXIT
  for _ in $(seq 1 300); do
    issuer="$(sed -n 's/^issuer=//p' "$dir/stdout" 2>/dev/null)"
    if [ -n "$issuer" ]; then
      export EMMAUS_TEST_OIDC_ISSUER="$issuer"
      echo "oidc-provider at $EMMAUS_TEST_OIDC_ISSUER (started in $((SECONDS - started)) s, log $log)"
      return 0
    fi
    kill -0 "$OIDC_PROVIDER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the OpenID Provider did not start within 30 s:"; cat "$log"; stop_oidc_provider
  return 1
}
