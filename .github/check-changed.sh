#!/usr/bin/env bash
# Run `newsarchive check` on the archived files a pull request adds or changes since BASE.
# Checked: every changed .md/.html under content/, and any other changed .md/.html whose first line
# is a <!--…--> comment (an archived file put outside content/ is reported). tests/ is skipped: it
# holds broken files on purpose.   Usage: .github/check-changed.sh BASE_SHA
set -euo pipefail
base="$1"
newsarchive="${NEWSARCHIVE:-.venv/bin/newsarchive}"
files=()
while IFS= read -r -d '' file; do
  case "$file" in
    tests/*) ;;
    content/*.md | content/*.markdown | content/*.html | content/*.htm) files+=("$file") ;;
    *.md | *.markdown | *.html | *.htm)
      if head -n 1 -- "$file" | grep -q '<!--'; then files+=("$file"); fi ;;
  esac
done < <(git diff -z --name-only --diff-filter=ACMR "$base"...HEAD)
if [ "${#files[@]}" -eq 0 ]; then
  echo "No archived files changed."
  exit 0
fi
exec "$newsarchive" check "${files[@]}"
