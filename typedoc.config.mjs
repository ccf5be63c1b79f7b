// The API reference in docs/api: markdown generated from the TSDoc of the public API (constructs/index.ts).
// `npm run docs` regenerates it; `npm run docs:check` (in CI) fails when the committed copy is stale or when
// TypeDoc warns about a doc comment (a broken {@link}, an unknown tag, a type referenced but not exported).

/** @type {Partial<import('typedoc').TypeDocOptions & import('typedoc-plugin-markdown').PluginOptions>} */
const config = {
  entryPoints: ['constructs/index.ts'],
  tsconfig: 'tsconfig.build.json',
  plugin: ['typedoc-plugin-markdown', './scripts/typedoc-defaults.mjs'],
  // `@default` is read as markdown; scripts/typedoc-defaults.mjs shows its value as code.
  jsDocCompatibility: { defaultTag: false },
  out: 'docs/api',
  name: 'twinstack',
  readme: 'none',
  excludeInternal: true,
  excludePrivate: true,
  // Protected members are the contract between the library's base classes (Workload, DataService) and
  // its own subclasses, whose constructors take library-internal arguments: nothing a consumer can use.
  excludeProtected: true,
  excludeExternals: true,
  // No source links: they name line numbers, so every edit to the library would make the reference stale.
  disableSources: true,
  hideGenerator: true,
  // typedoc-plugin-markdown: an index with each export's summary.
  indexFormat: 'table',
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: false },
  // Types the public API mentions without exporting them; the reference names them without a page.
  intentionallyNotExported: [
    // JobTask.host's type: the cloud layer's helper that wires a task's containers.
    'TaskHost',
    // ParityOptions.imageBuilds: how the cloud twin builds each image, read from the asset manifest.
    'CloudImageBuild',
    // JobRunner.run's task parameter.
    'RunnableJobTask',
  ],
};

export default config;
