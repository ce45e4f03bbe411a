#!/usr/bin/env bash
# Checks the documentation: every relative link resolves (Scripts/check-links.py), and every DocC catalog
# builds without a warning (an unresolved symbol or article link, an ambiguous link, an undocumented
# parameter, ...). Every library product must have a catalog, Sources/<Target>/Documentation.docc.
#
#   Scripts/check-docs.sh            # all catalogs
#   Scripts/check-docs.sh TARGET...  # only these targets' catalogs (the link check always runs)
#
# The archives land in .build/plugins/Swift-DocC/outputs/<Target>.doccarchive. To browse one:
#   swift package --disable-sandbox preview-documentation --target IntrospectionJWT
# Exit status 0 when everything is clean, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
status=0
python3 Scripts/check-links.py || status=1

# Every library product's target has a catalog.
mapfile -t library_targets < <(swift package dump-package | python3 -c '
import json, sys
package = json.load(sys.stdin)
for product in package["products"]:
    if "library" in product["type"]:
        print("\n".join(product["targets"]))
' | sort -u)
for target in "${library_targets[@]}"; do
    if [ ! -d "Sources/$target/Documentation.docc" ]; then
        echo "check-docs: the library target $target has no catalog Sources/$target/Documentation.docc" >&2
        status=1
    fi
done

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for catalog in Sources/*/Documentation.docc; do
        targets+=("$(basename "$(dirname "$catalog")")")
    done
fi
arguments=()
for target in "${targets[@]}"; do arguments+=(--target "$target"); done

# DocC's diagnostics are a "warning:" (or "error:") line followed by a " --> file:line" line; package
# resolution warnings of dependencies have no such line and are not counted.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
swift package generate-documentation "${arguments[@]}" --warnings-as-errors >"$log" 2>&1
generated=$?
set -e
diagnostics=$(awk '/^(warning|error): / { held = $0; next } held != "" && /^ *--> / { print held " " $0 } { held = "" }' "$log")
if [ -n "$diagnostics" ]; then
    echo "check-docs: DocC reported:" >&2
    echo "$diagnostics" >&2
    status=1
fi
if [ "$generated" -ne 0 ]; then
    echo "check-docs: swift package generate-documentation exited with $generated; its output:" >&2
    grep -vE '^\[[0-9]+/[0-9]+\] ' "$log" >&2 || true
    status=1
fi
count=$(grep -c '^Finished building documentation for' "$log" || true)
echo "check-docs: ${#targets[@]} catalogs (${targets[*]}), $count built, $(( SECONDS - started )) s"
if [ "$status" -eq 0 ] && [ "$count" -ne "${#targets[@]}" ]; then
    echo "check-docs: expected ${#targets[@]} archives, DocC finished $count" >&2
    status=1
fi
[ "$status" -eq 0 ] && echo "check-docs: no dead link, no DocC warning"
exit "$status"
