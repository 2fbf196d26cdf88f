/** Layer rules (docs/architecture.md, "Layers"): dependencies point inward only. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports nothing outside itself: no NestJS, no I/O, no node built-ins.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'application-depends-on-domain-only',
      comment: 'Use cases see ports, never adapters, projections or interfaces.',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { path: '^src/(infrastructure|interfaces|projections)/' },
    },
    {
      name: 'projections-see-no-adapters',
      comment: 'Projections take ports; the composition root chooses the adapters they run on.',
      severity: 'error',
      from: { path: '^src/projections/' },
      to: { path: '^src/infrastructure/' },
    },
    {
      name: 'infrastructure-not-on-interfaces',
      severity: 'error',
      from: { path: '^src/(infrastructure|projections)/' },
      to: { path: '^src/interfaces/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
