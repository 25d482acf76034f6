// The esbuild options every bundle of the extension shares (the build and the real-editor tests' host).

// The SQL driver (snowflake-sdk) is its own chunk: the main bundle refers to it by file name and loads it on first use.
export const sqlDriverChunk = {
  name: 'sql-driver-chunk',
  setup(build) {
    build.onResolve({ filter: /\/sqlDriverEntry(\.js|\.ts)?$/ }, () => ({ path: './sqlDriver.js', external: true }));
  },
};

/** The SQL driver process's script: beside the extension, loading the driver chunk like the extension does. */
export const driverProcessEntry = { sqlDriverProcess: 'src/core/snowflake/driverProcess/driverProcessMain.ts' };

/** Node, CommonJS, vscode left to the host; minified and without source maps for production. */
export function bundleOptions({ production = false } = {}) {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    logOverride: { 'import-is-undefined': 'error' },
    external: ['vscode'],
  };
}

/** The results grid's script runs inside a webview: a browser bundle of its own (dist/grid.js). */
export function gridBundleOptions({ production = false, outdir }) {
  return {
    ...bundleOptions({ production }),
    entryPoints: { grid: 'src/webview/resultsGrid.ts' },
    outdir,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    external: [],
  };
}
