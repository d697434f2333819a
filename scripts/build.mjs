// Bundles the server into dist/ so that `npm start` runs plain JavaScript: it starts
// faster and lighter than compiling TypeScript on the fly. Skipped when dist/ is newer
// than every source file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const OUT = 'dist/cli.js';

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

// Packages stay in node_modules, loaded by Node, except these pure-ESM ones made of hundreds
// of small files: resolving and compiling each file apart took a fifth of every start.
const BUNDLED = ['typebox', 'kysely'];
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      BUNDLED.some((name) => path === name || path.startsWith(`${name}/`)) ? undefined : { path, external: true });
  },
};

const fresh = existsSync(OUT) && statSync(OUT).mtimeMs > Math.max(newest('src'), statSync('package-lock.json').mtimeMs);
if (!fresh || process.argv.includes('--force')) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: ['src/cli.ts'],
    // Modules imported on demand (the PDF renderer) become chunks of their own, loaded with
    // their packages when first used.
    outdir: 'dist',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [externalPackages],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: true,
    logLevel: 'warning',
  });
}
