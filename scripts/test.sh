#!/usr/bin/env bash
# The README's test command. Runs the whole vitest suite, on SQLite and, when PostgreSQL is
# installed (or GLASSBOX_TEST_PG_URL is set), on PostgreSQL too; then prints the plain
# "N passed, M failed" line that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${GLASSBOX_TEST_PG_URL:-}" ] && ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  if url=$(bash scripts/pg-start.sh); then export GLASSBOX_TEST_PG_URL="$url"; fi
fi
[ -n "${GLASSBOX_TEST_PG_URL:-}" ] && echo "PostgreSQL tests against $GLASSBOX_TEST_PG_URL" || echo "PostgreSQL not available: store tests run on SQLite only"
out=$(mktemp -d)
npx vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json" "$@"
code=$?
if [ -f "$out/vitest.json" ]; then
  node -e 'const r=require(process.argv[1]); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$out/vitest.json"
else
  echo "0 passed, 1 failed"; code=1
fi
exit $code
