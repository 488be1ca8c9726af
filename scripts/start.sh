#!/usr/bin/env bash
# `npm start`: set up, build what serving needs (build.sh --serve: not the native tests, the type-check or the npm
# package; `npm test` and `npm run build` build those), then serve the site on http://127.0.0.1:${PORT:-8080}/ (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh --serve
exec node scripts/static-server.mjs dist --port "${PORT:-8080}"
