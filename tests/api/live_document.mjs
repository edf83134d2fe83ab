// Starts the real smartercities executable with the nine theme plugins on a
// fresh data directory (tests/web/server.mjs: the demo sample loaded) and
// fetches its OpenAPI document, for the openapi_lint and openapi_client
// tests. Options come from the command line (--executable, --plugin-dir)
// or from SC_EXECUTABLE and SC_PLUGIN_DIR.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../web/server.mjs';

export const webDir = resolve(fileURLToPath(import.meta.url), '../../../web');
export const apiTestDir = resolve(fileURLToPath(import.meta.url), '..');

export const THEMES = [
  'bedrijvige-stad', 'zorgende-stad', 'lerende-stad', 'groene-stad', 'onze-stad',
  'veilige-stad', 'regelluwe-stad', 'kennisdeling', 'open-networks',
];

export const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

export function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at >= 0 && process.argv[at + 1]) return process.argv[at + 1];
  return process.env[`SC_${name.toUpperCase().replace(/-/g, '_')}`] || fallback;
}

// The server and the document it serves, with every theme module enabled.
export async function startWithDocument() {
  const executable = resolve(option('executable', 'build/bin/smartercities'));
  const pluginDir = resolve(option('plugin-dir', 'build/plugins'));
  const server = await startServer({ executable, pluginDirs: [pluginDir] });
  try {
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    assert.equal(response.status, 200, 'GET /api/v1/openapi.json');
    const document = await response.json();
    const tags = new Set();
    for (const item of Object.values(document.paths)) {
      for (const method of METHODS) for (const tag of item[method]?.tags ?? []) tags.add(tag);
    }
    const missing = THEMES.filter((theme) => !tags.has(theme));
    assert.deepEqual(missing, [], 'theme modules whose routes the document lacks');
    return { server, document };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

// The operations of the document as "GET /themes/{theme}", those that need
// no login (no security requirement) only when publicOnly.
export function operations(document, { method, publicOnly } = {}) {
  const out = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const verb of METHODS) {
      const operation = item[verb];
      if (!operation || (method && verb !== method)) continue;
      const security = operation.security ?? document.security ?? [];
      if (publicOnly && security.length > 0) continue;
      out.push(`${verb.toUpperCase()} ${path}`);
    }
  }
  return out.sort();
}

// Runs node on a package's command line script from web/node_modules.
export function runPackageBin(script, args, { cwd } = {}) {
  const result = spawnSync(process.execPath, [join(webDir, 'node_modules', script), ...args], {
    cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return result;
}
