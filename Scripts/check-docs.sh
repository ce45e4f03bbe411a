#!/usr/bin/env bash
# Checks the documentation: every relative link resolves (Scripts/check-links.py), and every DocC catalog
# builds without a warning (an unresolved symbol or article link, an ambiguous link, an undocumented
# parameter, ...). Every library product must have a catalog, Sources/<Target>/Documentation.docc.
#
#   Scripts/check-docs.sh            # every library product's catalog, and the CLI's doc comments
#   Scripts/check-docs.sh TARGET...  # only these targets (the link check always runs)
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
products=$(swift package dump-package | python3 -c '
import json, sys
package = json.load(sys.stdin)
for product in package["products"]:
    kind = "library" if "library" in product["type"] else "executable" if "executable" in product["type"] else None
    if kind:
        for target in product["targets"]:
            print(kind, target)
' | sort -u)
mapfile -t library_targets < <(awk '$1 == "library" { print $2 }' <<<"$products")
mapfile -t executable_targets < <(awk '$1 == "executable" { print $2 }' <<<"$products")
for target in "${library_targets[@]}"; do
    if [ ! -d "Sources/$target/Documentation.docc" ]; then
        echo "check-docs: the library target $target has no catalog Sources/$target/Documentation.docc" >&2
        status=1
    fi
done

# Without arguments: every library product's target and the executable's (which has no catalog: its doc
# comments alone). The plain command without --target would also document the dependencies' products,
# whose own DocC warnings are not this package's to fix.
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=("${library_targets[@]}" "${executable_targets[@]}")
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
built=$(sed -nE "s/^Finished building documentation for '([^']+)'.*/\1/p" "$log" | sort | tr '\n' ' ')
for target in "${targets[@]}"; do
    case " $built" in
        *" $target "*) ;;
        *) echo "check-docs: no documentation was built for $target" >&2; status=1 ;;
    esac
done
echo "check-docs: built ${built% }, in $(( SECONDS - started )) s"
[ "$status" -eq 0 ] && echo "check-docs: no dead link, no DocC warning"
exit "$status"
