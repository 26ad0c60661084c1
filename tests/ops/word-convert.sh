#!/usr/bin/env bash
# Converts a Word plan and a Word session, made by the real binary from the
# bundled content, to PDF with LibreOffice, as a SENCO's copy of Word would
# open them; fails if a PDF is missing or has no pages. Needs soffice
# (libreoffice-writer-nogui) and pdfinfo (poppler-utils). The PDFs stay in
# $WORD_OUT (default: a temporary folder) for looking at.
set -euo pipefail
source "$(dirname "$0")/common.sh"

OUT="${WORD_OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
ITEMS="strategies/movement-breaks-for-attention,strategies/small-group-nurture-sessions,strategies/salt-programme-delivery-by-teaching-assistant,strategies/dyslexia-friendly-classroom-materials"

start_waymark "$OUT/waymark.log"
for view in plan session; do
  curl -fsS -o "$OUT/$view.docx" "http://$ADDR/plan.docx?items=$ITEMS&view=$view"
  # A profile of its own, so a desktop LibreOffice or another run never
  # holds the lock.
  soffice --headless "-env:UserInstallation=file://$OUT/lo-profile" \
    --convert-to pdf --outdir "$OUT" "$OUT/$view.docx" >/dev/null 2>&1 || true
  if [ ! -s "$OUT/$view.pdf" ]; then
    echo "word-convert: LibreOffice made no PDF of the Word $view" >&2
    exit 1
  fi
  pages="$(pdfinfo "$OUT/$view.pdf" | awk '/^Pages:/ {print $2}')"
  if [ -z "$pages" ] || [ "$pages" -lt 1 ]; then
    echo "word-convert: the Word $view converted to ${pages:-no} pages" >&2
    exit 1
  fi
  echo "word-convert: Word $view -> $OUT/$view.pdf, $pages pages"
done
