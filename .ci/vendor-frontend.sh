#!/usr/bin/env bash
# Vendor Drachma's front end: GOV.UK Frontend, MOJ Frontend, accessible-autocomplete, axe-core and
# Cytoscape.js, at the versions .ci/frontend/package-lock.json pins, and compile Drachma's stylesheet.
#
#   bash .ci/vendor-frontend.sh        (or: make vendor)
#
# Run it by hand after changing a version in .ci/frontend/package.json (then
# `npm install --package-lock-only` there to re-pin the lock file). It needs Node and npm; its
# results are committed, so `make run` and the tests need neither.
#
# What it does, always the same way for the same lock file:
#   1. `npm ci` the lock file into a temporary folder (hashes checked, no install scripts run);
#   2. copies what Drachma serves into src/drachma/static/vendor/<package>-<version>/, each with
#      its licence (the package's own file, or .ci/frontend/licences/ when the npm tarball has
#      none), and writes src/drachma/static/vendor/frontend.json naming the versions;
#   3. compiles src/drachma/static/scss/drachma.scss (GOV.UK Frontend and MOJ Frontend Sass with
#      a system font stack, no GDS Transport, plus Drachma's additions) with the pinned `sass`
#      into src/drachma/static/compiled/drachma.min.css.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FRONTEND="$ROOT/.ci/frontend"
STATIC="$ROOT/src/drachma/static"
VENDOR="$STATIC/vendor"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cp "$FRONTEND/package.json" "$FRONTEND/package-lock.json" "$WORK/"
(cd "$WORK" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
MODULES="$WORK/node_modules"

version() { node -p "require('$MODULES/$1/package.json').version"; }
declared_licence() { node -p "require('$MODULES/$1/package.json').license"; }

# package -> the licence we have checked it is published under.
declare -A LICENCES=(
  [govuk-frontend]="MIT"
  [@ministryofjustice/frontend]="MIT"
  [accessible-autocomplete]="MIT"
  [axe-core]="MPL-2.0"
  [cytoscape]="MIT"
)

# vendor <package> <folder name> "<file in the package>=><file in the folder>"...: copy the
# files into static/vendor/<folder name>-<version>/, with the package's licence.
vendor() {
  local package=$1 name=$2
  shift 2
  local ver dest licence_files
  ver=$(version "$package")
  dest="$VENDOR/$name-$ver"
  if [[ "$(declared_licence "$package")" != "${LICENCES[$package]}" ]]; then
    echo "$package now declares licence $(declared_licence "$package"), not ${LICENCES[$package]}: review it" >&2
    exit 1
  fi
  mkdir -p "$dest"
  for spec in "$@"; do
    local src=${spec%%=>*} target=${spec##*=>}
    mkdir -p "$(dirname "$dest/$target")"
    cp "$MODULES/$package/$src" "$dest/$target"
  done
  licence_files=$(cd "$MODULES/$package" && ls -1 | grep -iE '^(licen[cs]e|copying)' || true)
  if [[ -n "$licence_files" ]]; then
    for f in $licence_files; do cp "$MODULES/$package/$f" "$dest/$f"; done
  elif [[ -f "$FRONTEND/licences/${package//\//__}.txt" ]]; then
    cp "$FRONTEND/licences/${package//\//__}.txt" "$dest/LICENCE.txt"
  else
    echo "$package ships no licence file and .ci/frontend/licences/ has none for it" >&2
    exit 1
  fi
}

# Earlier vendored copies of these packages go; other vendored files (htmx) stay.
rm -rf "$VENDOR"/govuk-frontend-* "$VENDOR"/moj-frontend-* \
  "$VENDOR"/accessible-autocomplete-* "$VENDOR"/axe-core-* "$VENDOR"/cytoscape-*

# GOV.UK Frontend: its ES module bundle. Its images (crown, GOV.UK crest) and GDS Transport
# fonts are for services on GOV.UK only, and its CSS is compiled below.
vendor govuk-frontend govuk-frontend \
  "dist/govuk/govuk-frontend.min.js=>govuk-frontend.min.js" \
  "dist/govuk/govuk-frontend.min.js.map=>govuk-frontend.min.js.map"

# MOJ Frontend: its ES module bundle and the icons its CSS draws (filter tags, close buttons);
# not its crest or crown images.
moj_icons=()
for icon in "$MODULES/@ministryofjustice/frontend/moj/assets/images/"icon-*.svg; do
  moj_icons+=("moj/assets/images/$(basename "$icon")=>assets/images/$(basename "$icon")")
done
vendor @ministryofjustice/frontend moj-frontend \
  "moj/moj-frontend.min.js=>moj-frontend.min.js" \
  "moj/moj-frontend.min.js.map=>moj-frontend.min.js.map" \
  "${moj_icons[@]}"

# accessible-autocomplete: the script (its CSS is compiled into Drachma's stylesheet).
vendor accessible-autocomplete accessible-autocomplete \
  "dist/accessible-autocomplete.min.js=>accessible-autocomplete.min.js" \
  "dist/accessible-autocomplete.min.js.map=>accessible-autocomplete.min.js.map"

# axe-core: injected into pages by the browser tests (tests/browser/axe.py).
vendor axe-core axe-core "axe.min.js=>axe.min.js"

# Cytoscape.js: draws the link chart (the links app); its minified UMD build, no dependencies.
vendor cytoscape cytoscape "dist/cytoscape.min.js=>cytoscape.min.js"

GOVUK_VERSION=$(version govuk-frontend)
MOJ_VERSION=$(version @ministryofjustice/frontend)
AUTOCOMPLETE_VERSION=$(version accessible-autocomplete)
AXE_VERSION=$(version axe-core)
CYTOSCAPE_VERSION=$(version cytoscape)
SASS_VERSION=$(version sass)

cat >"$VENDOR/frontend.json" <<JSON
{
  "accessible-autocomplete": "$AUTOCOMPLETE_VERSION",
  "axe-core": "$AXE_VERSION",
  "cytoscape": "$CYTOSCAPE_VERSION",
  "govuk-frontend": "$GOVUK_VERSION",
  "moj-frontend": "$MOJ_VERSION",
  "sass": "$SASS_VERSION"
}
JSON

# The paths the compiled CSS reaches the vendored assets by (relative to compiled/).
cat >"$WORK/_vendored.scss" <<SCSS
\$moj-assets-path: "../vendor/moj-frontend-$MOJ_VERSION/assets/";
SCSS

mkdir -p "$STATIC/compiled"
(cd "$WORK" && node_modules/.bin/sass \
  --load-path="$WORK" \
  --style=compressed --no-source-map --quiet-deps --silence-deprecation=import \
  "$STATIC/scss/drachma.scss" "$STATIC/compiled/drachma.min.css")

# The guidance for services not on GOV.UK: not its typeface.
if grep -q -e "GDS Transport" -e "@font-face" "$STATIC/compiled/drachma.min.css"; then
  echo "the compiled CSS uses GDS Transport or declares a font face: check scss/_settings.scss" >&2
  exit 1
fi

echo "Vendored govuk-frontend $GOVUK_VERSION, @ministryofjustice/frontend $MOJ_VERSION," \
  "accessible-autocomplete $AUTOCOMPLETE_VERSION, axe-core $AXE_VERSION, cytoscape $CYTOSCAPE_VERSION;" \
  "compiled compiled/drachma.min.css with sass $SASS_VERSION."
