#!/usr/bin/env bash
# Copies what the example note reads from a results folder (rethink reproduce --profile quick, after
# dotnet test recorded the theorem checks) into paper/results, the note's frozen inputs:
#   bash paper/refresh.sh [RESULTS]      (default: results)
# Kept: macros.tex and macros.json, Figure 1's PNGs, the kernel and theorem-check tables, the check
# records, and the result files behind the macros the note uses (so `rethink paper check paper` works); then
# paper/own-numbers.py records the note's own number and figure (RETHINK: the rethink command) and the folder is rendered.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "${1:-results}" && pwd)
out=$here/results
rm -rf "$out.new"; mkdir -p "$out.new/figures" "$out.new/tables" "$out.new/checks" "$out.new/data"
cp "$src/macros.tex" "$src/macros.json" "$out.new/"
cp "$src"/figures/fig1{a,b,c}.png "$out.new/figures/"
cp "$src"/tables/{kernel-table,theorem-checks}.tex "$out.new/tables/"
cp "$src"/checks/*.json "$out.new/checks/"
# the result files behind the macros the note uses
used=$(grep -o '\\rethink{[A-Za-z]*}' "$here/main.tex" | sed 's/\\rethink{\(.*\)}/\1/' | sort -u)
for name in $used; do
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["macros"].get(sys.argv[2]); print("\n".join(s for s in (m or {}).get("sources", []) if not s.startswith("checks/")))' "$src/macros.json" "$name"
done | sort -u | while read -r source; do
  [[ -n $source ]] && cp "$src/data/$source.json" "$out.new/data/"
done
rm -rf "$out"; mv "$out.new" "$out"
# The note's own number and figure (a user's program, recorded with `rethink record`), then macros.tex with them.
RETHINK=${RETHINK:-rethink} /usr/bin/python3 "$here/own-numbers.py" "$out"
# Panels drawn for about the width the note prints them at (two to a row: 0.46 of a 345-pt line, 2.2 in; drawn
# at 2.6 in so that the legends keep their room): text about 5-6 pt in print instead of 4.
${RETHINK:-rethink} render --out "$out" --figure-width 2.6 >/dev/null
# only what the note reads stays (the render also draws what the kept results allow)
keep=" fig1a.png fig1b.png fig1c.png $(cd "$out/user/figures" && ls *.json | sed 's/\.json$/.png/' | tr '\n' ' ')"
for f in "$out"/figures/*; do [[ $keep == *" $(basename "$f") "* ]] || rm -f "$f"; done
rm -f "$out/report.md" "$out"/tables/*.md "$out/tables/manifest.tex" "$out/tables/table2.tex"
echo "paper/results refreshed from $src: $(find "$out" -type f | wc -l) files, $(du -sh "$out" | cut -f1)"
