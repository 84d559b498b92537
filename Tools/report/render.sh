#!/usr/bin/env bash
# Renders a job's reports to PNG for a look on screen: every chart (rsvg-convert, from
# librsvg2-bin) and, with headless Chromium, summary.html (table + charts) and highlight.html.
# Usage: Tools/report/render.sh OUTPUT_DIR [PNG_DIR]   (PNG_DIR defaults to OUTPUT_DIR/reports/png)
set -euo pipefail
out=${1:?usage: render.sh OUTPUT_DIR [PNG_DIR]}
reports="$(cd "$out/reports" && pwd)"
png=${2:-$reports/png}
mkdir -p "$png"
command -v rsvg-convert >/dev/null || { echo "rsvg-convert missing: apt-get install -y librsvg2-bin" >&2; exit 1; }
for svg in "$reports"/*.svg; do
    rsvg-convert "$svg" -o "$png/$(basename "${svg%.svg}").png"
done
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "no Chromium: summary.html and highlight.html not rendered" >&2
else
    for page in summary highlight; do
        height=$([ "$page" = summary ] && echo 1250 || echo 1400)
        "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1500,$height \
            --screenshot="$png/$page.png" "file://$reports/$page.html" >/dev/null 2>&1
    done
fi
ls "$png"
