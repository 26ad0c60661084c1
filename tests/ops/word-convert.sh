#!/usr/bin/env bash
# Converts a Word plan (as a link gives it, and filled in as a SENCO posts
# it), and a Word session, made by the real binary from the bundled content,
# to PDF with LibreOffice, as a SENCO's copy of Word would open them; fails
# if a PDF is missing, has no pages, or lost what was written. Needs soffice
# (libreoffice-writer-nogui) and pdfinfo (poppler-utils). The session's
# PowerPoint is converted too (libreoffice-impress-nogui), and must give one
# PDF page for each slide of the presenter view. The PDFs stay in
# $WORD_OUT (default: a temporary folder) for looking at.
set -euo pipefail
source "$(dirname "$0")/common.sh"

OUT="${WORD_OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
ITEMS="strategies/movement-breaks-for-attention,strategies/small-group-nurture-sessions,strategies/salt-programme-delivery-by-teaching-assistant,strategies/dyslexia-friendly-classroom-materials"

start_waymark "$OUT/waymark.log"
# A filled plan, as the plan page posts it: made-up words, no real child.
cat > "$OUT/filled.json" <<JSON
{"items": ["${ITEMS//,/\",\"}"],
 "needs": ["adhd", "specific-learning-difficulties"],
 "child": {"name": "Example Pupil", "year_group": "Year 4",
           "strengths": "Draws detailed maps.\nKind to younger pupils.",
           "interests": "Trains", "helps": "A visual timetable",
           "hinders": "A noisy hall", "views": "I like knowing what comes next."},
 "family_views": "Happier when the day is predictable.",
 "date": "6 December 2026", "people": "Pupil, parent, class teacher, SENCO",
 "outcomes": [{"outcome": "Stays with a task for 10 minutes with one prompt",
               "measure": "Weekly on-task check", "by": "February half term"}],
 "steps": {"strategies/small-group-nurture-sessions": [1, 2, 4]},
 "delivery": {"strategies/small-group-nurture-sessions": {"who": "Teaching assistant", "where": "Nurture room"}},
 "review": {"date": "10 February 2027", "attendees": "Pupil, parent, SENCO",
            "child_part": "Shows the work that helped"},
 "rates": {"teaching-assistant": 14.5}}
JSON
curl -fsS -o "$OUT/plan.docx" "http://$ADDR/plan.docx?items=$ITEMS"
curl -fsS -o "$OUT/session.docx" "http://$ADDR/plan.docx?items=$ITEMS&view=session"
curl -fsS -o "$OUT/filled.docx" -H 'Content-Type: application/json' \
  --data-binary "@$OUT/filled.json" "http://$ADDR/plan.docx"
for doc in plan filled session; do
  # A profile of its own, so a desktop LibreOffice or another run never
  # holds the lock.
  soffice --headless "-env:UserInstallation=file://$OUT/lo-profile" \
    --convert-to pdf --outdir "$OUT" "$OUT/$doc.docx" >/dev/null 2>&1 || true
  if [ ! -s "$OUT/$doc.pdf" ]; then
    echo "word-convert: LibreOffice made no PDF of the Word $doc" >&2
    exit 1
  fi
  pages="$(pdfinfo "$OUT/$doc.pdf" | awk '/^Pages:/ {print $2}')"
  if [ -z "$pages" ] || [ "$pages" -lt 1 ]; then
    echo "word-convert: the Word $doc converted to ${pages:-no} pages" >&2
    exit 1
  fi
  echo "word-convert: Word $doc -> $OUT/$doc.pdf, $pages pages"
done
# What was written reaches the page a SENCO prints.
text="$(pdftotext "$OUT/filled.pdf" - | tr -s ' \n' ' ')"
for words in "Example Pupil" "Draws detailed maps" "Happier when the day is predictable" \
  "Stays with a task for 10 minutes" "Shows the work that helped" "Nurture room"; do
  if ! grep -qF "$words" <<<"$text"; then
    echo "word-convert: the filled plan's PDF lacks \"$words\"" >&2
    exit 1
  fi
done
echo "word-convert: the filled plan's PDF holds what was written"
# The session's slides: one PDF page a slide of the web presenter view.
curl -fsS -o "$OUT/slides.pptx" "http://$ADDR/plan.pptx?items=$ITEMS&view=session"
web_slides="$(curl -fsS "http://$ADDR/plan?items=$ITEMS&view=present" | grep -o '<section class="slide ' | wc -l)"
soffice --headless "-env:UserInstallation=file://$OUT/lo-profile" \
  --convert-to pdf --outdir "$OUT" "$OUT/slides.pptx" >/dev/null 2>&1 || true
if [ ! -s "$OUT/slides.pdf" ]; then
  echo "word-convert: LibreOffice made no PDF of the session's PowerPoint" >&2
  exit 1
fi
slides="$(pdfinfo "$OUT/slides.pdf" | awk '/^Pages:/ {print $2}')"
if [ "$slides" != "$web_slides" ]; then
  echo "word-convert: the PowerPoint converted to ${slides:-no} slides; the web view has $web_slides" >&2
  exit 1
fi
if ! pdftotext "$OUT/slides.pdf" - | grep -qF "Slide $slides of $slides"; then
  echo "word-convert: the last slide does not say \"Slide $slides of $slides\"" >&2
  exit 1
fi
echo "word-convert: PowerPoint session -> $OUT/slides.pdf, $slides slides as on the web"
# python-pptx, from PyPI into a virtual environment of its own, reads the
# deck too: the same slide count, and speaker notes on the section slides.
python3 -m venv "$OUT/pptx-venv"
"$OUT/pptx-venv/bin/pip" install --quiet --disable-pip-version-check python-pptx
read -r read_slides read_notes < <("$OUT/pptx-venv/bin/python" "$(dirname "$0")/read_pptx.py" "$OUT/slides.pptx")
if [ "$read_slides" != "$web_slides" ] || [ "$read_notes" -lt 1 ]; then
  echo "word-convert: python-pptx read $read_slides slides ($read_notes with notes); the web view has $web_slides" >&2
  exit 1
fi
echo "word-convert: python-pptx reads $read_slides slides, $read_notes with speaker notes"
# The documents and PDFs stay for looking at; the tools' folders (60 MB of
# Python packages and LibreOffice's profile) do not.
rm -rf "$OUT/pptx-venv" "$OUT/lo-profile"
