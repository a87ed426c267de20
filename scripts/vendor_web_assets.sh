#!/usr/bin/env bash
# Re-vendor the dashboard's and the API docs' front-end assets from the npm registry into the
# package (src/paas/web/static/vendor/). Nothing is fetched at run time: the server only ever
# serves these files. Bump a version here, run this, and update VENDORED.md's table (sha256 too).
set -euo pipefail
HTMX=2.0.11 UPLOT=1.6.32 SWAGGER=5.35.0 REDOC=2.5.4
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/src/paas/web/static/vendor"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work" && npm init -y >/dev/null
npm install --silent --no-audit --no-fund "htmx.org@$HTMX" "uplot@$UPLOT" "swagger-ui-dist@$SWAGGER" "redoc@$REDOC"
m=node_modules
rm -rf "$dest/htmx" "$dest/uplot" "$dest/swagger-ui" "$dest/redoc"
mkdir -p "$dest/htmx" "$dest/uplot" "$dest/swagger-ui" "$dest/redoc"
cp $m/htmx.org/dist/htmx.min.js $m/htmx.org/LICENSE "$dest/htmx/"
cp $m/uplot/dist/uPlot.iife.min.js $m/uplot/dist/uPlot.min.css $m/uplot/LICENSE "$dest/uplot/"
cp $m/swagger-ui-dist/swagger-ui-bundle.js $m/swagger-ui-dist/swagger-ui.css $m/swagger-ui-dist/LICENSE \
   $m/swagger-ui-dist/NOTICE $m/swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt "$dest/swagger-ui/"
cp $m/redoc/bundles/redoc.standalone.js $m/redoc/bundles/redoc.standalone.js.LICENSE.txt $m/redoc/LICENSE "$dest/redoc/"
# No source maps: the bundles' trailing sourceMappingURL comments would make devtools ask for them.
sed -i '/^\/\/# sourceMappingURL=/d' "$dest"/*/*.js
(cd "$dest" && sha256sum */*.js */*.css)
