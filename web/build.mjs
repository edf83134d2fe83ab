// Builds the site's styles and scripts into the web root with esbuild:
// one stylesheet (NL Design System: the Utrecht component library and its
// design tokens, then the site's own rules) and one script (uPlot and the
// site's enhancements), minified, with a hash of their content in their
// names so that browsers may keep them for a year. assets/manifest.json
// tells the server which file is which.
//
//   node build.mjs --out <web root>
import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

const at = process.argv.indexOf('--out');
if (at < 0 || !process.argv[at + 1]) {
  console.error('usage: node build.mjs --out <web root>');
  process.exit(2);
}
const outRoot = resolve(process.argv[at + 1]);
const assets = join(outRoot, 'assets');
rmSync(assets, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await build({
  entryPoints: { site: 'src/site.js', style: 'src/site.css' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outdir: assets,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const manifest = {};
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  const name = basename(file);
  if (name.endsWith('.css')) manifest['site.css'] = name;
  else if (name.endsWith('.js')) manifest['site.js'] = name;
  else manifest[name] = name;
  void output;
}
writeFileSync(join(assets, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const name of readdirSync(assets)) {
  console.log(`web: ${relative(process.cwd(), join(assets, name))}`);
}
