// Bundles the whole TypeScript core into one ESM file, dist/dirsync.mjs.
// Every dependency is inlined; only Node's built-ins stay external, so the file runs anywhere a
// supported Node runs (and is the input of the single-executable build in build.ps1).
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';
import { builtinModules } from 'node:module';

const outfile = 'dist/dirsync.mjs';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  external: [...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
  // Some dependencies are CommonJS and call require() for built-ins: give the ESM bundle a require.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __dirsyncCreateRequire } from 'node:module';",
      'const require = __dirsyncCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  legalComments: 'linked',
  sourcemap: 'linked',
  logLevel: 'warning',
});
await chmod(outfile, 0o755);
console.log(`built ${outfile}`);
