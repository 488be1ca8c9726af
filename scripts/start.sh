#!/usr/bin/env bash
# `npm start`: set up, build, then serve the site on http://127.0.0.1:${PORT:-8080}/ (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec node scripts/static-server.mjs dist --port "${PORT:-8080}"
