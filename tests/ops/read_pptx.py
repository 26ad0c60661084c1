"""Reads a Waymark PowerPoint with python-pptx, as another program would:
prints its slide count, how many slides carry speaker notes, and how many
have text; exits 1 if it cannot be read or a slide is empty."""
import sys

from pptx import Presentation

deck = Presentation(sys.argv[1])
slides = list(deck.slides)
notes = sum(
    1
    for s in slides
    if s.has_notes_slide and s.notes_slide.notes_text_frame.text.strip()
)
empty = [
    i + 1
    for i, s in enumerate(slides)
    if not any(sh.has_text_frame and sh.text_frame.text.strip() for sh in s.shapes)
]
print(len(slides), notes)
if empty:
    print(f"slides without text: {empty}", file=sys.stderr)
    sys.exit(1)
