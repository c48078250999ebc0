#!/usr/bin/env node
// The installed CLI entry: runs the compiled CLI (built by `npm ci` / `npm run build`).
require('../dist/src/cli/main.js')
  .runProcess(process.argv.slice(2))
  .then((code) => process.exit(code));
