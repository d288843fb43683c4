#!/usr/bin/env bash
# The package as a user gets it: npm pack, install the tarball in an empty project, compile a TypeScript consumer
# (module nodenext, strict, skipLibCheck false), run it as ESM, and require() it from CommonJS on Node 22 and 24.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
mkdir "$work/consumer"
cp .ci/consumer/consumer.ts .ci/consumer/consumer.cjs .ci/consumer/tsconfig.json "$work/consumer/"
cd "$work/consumer"
echo '{ "name": "consumer", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --loglevel=error "$work/$tarball" fastify typescript@~5.9 @types/node@^20.19
npx tsc -p tsconfig.json
node dist/consumer.js
for version in 22 24; do
  npx -y -p "node@$version" node consumer.cjs
done
