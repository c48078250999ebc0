#!/usr/bin/env node
// The installed CLI entry: runs the compiled CLI (built by `npm ci` / `npm run build`).
let cli;
try {
  cli = require('../dist/src/cli/main.js');
} catch (error) {
  // Only the CLI's own build missing means "not built"; another missing module is a real error.
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli/main')) {
    process.stderr.write('error: sm-rollout is not built; run `npm run build` (or `npm ci`) first\n');
    process.exit(5);
  }
  throw error;
}
cli.runProcess(process.argv.slice(2)).then((code) => process.exit(code));
