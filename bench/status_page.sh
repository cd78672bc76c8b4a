#!/bin/sh
# The status page's first render with 10,000 tests: generates a project of 200 files × 50 tests
# (1 in 100 failing, with an object diff), writes its static report with `--reporter html`, and
# opens it in headless Chromium three times; the page stamps `data-first-render-ms` on <body>
# (navigation start → first tree, events parsed and applied included). Then the live page's
# update cost: `proctor watch` on the same project, its page open in headless Chromium, three
# "Rerun all" while 10,000 results stream in, frames and long tasks recorded in the page
# (bench/status_page_live.mjs). Usage:
#   bench/status_page.sh [path/to/proctor]
set -eu
BENCH=$(cd "$(dirname "$0")" && pwd)
PROCTOR=${1:-$BENCH/../target/debug/proctor}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
for f in $(seq 1 200); do
  {
    echo 'import { describe, it, expect } from "proctor";'
    echo "describe(\"group $f\", () => {"
    for t in $(seq 1 50); do
      if [ $(( (f * 50 + t) % 100 )) -eq 0 ]; then
        echo "  it(\"test $t\", () => { expect({ a: 1, b: [1, 2] }).toEqual({ a: 2, b: [1, 2] }); });"
      else
        echo "  it(\"test $t\", () => { expect($t).toBe($t); });"
      fi
    done
    echo "});"
  } > "$DIR/f$f.test.js"
done
cd "$DIR"
start=$(date +%s%N)
"$PROCTOR" run --reporter dots,html --output-file report.html > /dev/null || true
echo "run with 10,000 tests and the html reporter: $(( ($(date +%s%N) - start) / 1000000 )) ms"
echo "report: $(wc -c < report.html) bytes"
for i in 1 2 3; do
  ms=$(chromium --headless --no-sandbox --disable-gpu --user-data-dir="$DIR/profile" --dump-dom "file://$DIR/report.html" 2>/dev/null \
    | grep -ao 'data-first-render-ms="[0-9]*"' | grep -o '[0-9]*')
  echo "first render #$i: ${ms} ms"
done
node --experimental-websocket "$BENCH/status_page_live.mjs" "$PROCTOR" "$DIR" 3
