// Bundles the whole TypeScript core into one ESM file, dist/dirsync.mjs.
// Every dependency is inlined; only Node's built-ins stay external, so the file runs anywhere a
// supported Node runs (and is the input of the single-executable build in build.ps1).
// Then writes the PowerShell module's contract (exit codes, error codes, defaults, versions) from the same core.
import { build, type Plugin } from 'esbuild';
import { chmod, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { MODULE_CONTRACT_FILE, moduleContractFile } from '../src/protocol/module-contract.ts';

const outfile = 'dist/dirsync.mjs';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  plugins: [nodeBuiltinsExternal()],
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
await writeFile(MODULE_CONTRACT_FILE, moduleContractFile());
console.log(`wrote ${MODULE_CONTRACT_FILE}`);

/**
 * Leaves exactly what Node calls a built-in to Node, and bundles everything else.
 * esbuild's `external: ['process']` would also leave `process/` and `string_decoder/` (how readable-stream asks
 * for the npm packages of those names, not the built-ins) to be resolved at run time, which fails as soon as the
 * bundle is copied away from node_modules. Node's own isBuiltin() draws the line where Node draws it.
 */
function nodeBuiltinsExternal(): Plugin {
  return {
    name: 'node-builtins-external',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[a-z_:][a-z0-9_:/]*$/ }, (args) => (isBuiltin(args.path) ? { path: args.path, external: true } : undefined));
    },
  };
}
