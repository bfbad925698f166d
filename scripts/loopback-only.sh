#!/bin/sh
# Runs a command in a new network namespace whose only interface is loopback, the way CI runs
# `npm test` (.ci/run): WebRTC gathers candidates on every interface, so tests and benchmarks that
# open peer connections must never see a real network. As root it uses `unshare -n`; otherwise
# `unshare -rn` (a user namespace), where the system allows it.
#   scripts/loopback-only.sh npx vitest run packages/sdk/test/calls.browser.test.ts
#   scripts/loopback-only.sh npm run bench -- --only=p8
if [ "$(id -u)" = 0 ]; then
  exec unshare -n sh -c 'ip link set lo up && exec "$@"' _ "$@"
fi
exec unshare -rn sh -c 'ip link set lo up && exec "$@"' _ "$@"
