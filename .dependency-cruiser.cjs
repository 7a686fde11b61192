// The architecture's import rules, checked by test/architecture (part of npm test):
//   core ← engine ← connectors, store, install ← wiring ← use-cases, service ← protocol, cli
// Everything may import core; the engine imports only core; adapters import inward only; the use cases reach LDAP and
// Graph only through the connectors; nothing imports the CLI.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-nothing',
      comment: 'src/core is the bottom of the house: the error model and the reporter import nothing of the project.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'engine-imports-only-core',
      comment: 'The engine owns its vocabulary (operations, ports, the state-store port) and knows no adapter.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/(engine|core)/' },
    },
    {
      name: 'adapters-import-inward',
      comment: 'Connectors, stores and the installation layer never reach up into the wiring, the use cases or their renderers.',
      severity: 'error',
      from: { path: '^src/(connectors|store|install)/' },
      to: { path: '^src/(wiring|use-cases|service|cli|protocol)/' },
    },
    {
      name: 'wiring-serves-the-use-cases',
      comment: 'The wiring opens what the use cases need; it never calls back into them or their renderers.',
      severity: 'error',
      from: { path: '^src/wiring/' },
      to: { path: '^src/(use-cases|service|cli|protocol)/' },
    },
    {
      name: 'use-cases-speak-through-connectors',
      comment: 'Use cases and the wiring never use the LDAP or Graph libraries themselves: the connectors translate both.',
      severity: 'error',
      from: { path: '^src/(use-cases|wiring|service|cli|protocol)/' },
      to: { path: '(^|node_modules/)(ldapts|@microsoft/microsoft-graph-client)(/|$)' },
    },
    {
      name: 'readiness-and-reports-are-pure',
      comment: 'The readiness rules and the report pages work on the engine\'s vocabulary only: no LDAP, no Graph, no store, no files.',
      severity: 'error',
      from: { path: '^src/(readiness|report)/' },
      to: { path: '^src/', pathNot: '^src/(engine|core|readiness|report)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      comment: 'The command line is the outermost layer: only it imports itself.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    // TypeScript 7 has no compiler API yet for dependency-cruiser to use: swc parses the sources instead.
    parser: 'swc',
    enhancedResolveOptions: { extensions: ['.ts'] },
  },
};
