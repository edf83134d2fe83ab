// Starts the real smartercities executable on a fresh data directory for the
// browser tests: the demo sample loaded, a city editor added, the server on
// a free port. Stops it (SIGTERM) and removes the directory afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_PASSWORD = 'beheer-Kanaal-tulp-93';
export const EDITOR = { username: 'anna', password: 'Helmond-figures-2014!', city: 'GM0794' };
export const THEME_EDITOR = { username: 'kees', password: 'Kennis-deling-Utrecht-7', theme: 'kennisdeling' };
// For the join procedure of Bedrijvige Stad (led by Eindhoven and Helmond):
// Tilburg asks to join, Eindhoven responds.
export const TILBURG_EDITOR = { username: 'tess', password: 'Tilburg-joins-2013!', city: 'GM0855' };
export const EINDHOVEN_EDITOR = { username: 'erik', password: 'Eindhoven-leads-2013!', city: 'GM0772' };

function run(executable, args, env = {}) {
  const result = spawnSync(executable, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`${executable} ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

// A plugin directory of its own: the theme plugins of pluginDirs (with their
// sidecar manifests) copied in.
function collectPlugins(root, pluginDirs) {
  const target = join(root, 'plugins');
  mkdirSync(target);
  for (const dir of pluginDirs) {
    if (!existsSync(dir)) throw new Error(`no plugin directory ${dir}`);
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.so') || name.endsWith('.so.json')) copyFileSync(join(dir, name), join(target, name));
    }
  }
  return target;
}

export async function startServer({ executable, pluginDirs, webRoot }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-web-'));
  const pluginDir = collectPlugins(dataDir, pluginDirs);
  const common = ['--data-dir', join(dataDir, 'data'), '--plugin-dir', pluginDir];
  run(executable, ['demo', 'load', ...common]);
  run(executable, ['users', 'add', EDITOR.username, 'city-editor', EDITOR.city, '--data-dir', join(dataDir, 'data')],
    { SMARTERCITIES_NEW_PASSWORD: EDITOR.password, SMARTERCITIES_ADMIN_PASSWORD: ADMIN_PASSWORD });
  run(executable, ['users', 'add', THEME_EDITOR.username, 'theme-editor', THEME_EDITOR.theme,
    '--data-dir', join(dataDir, 'data')], { SMARTERCITIES_NEW_PASSWORD: THEME_EDITOR.password });
  for (const editor of [TILBURG_EDITOR, EINDHOVEN_EDITOR]) {
    run(executable, ['users', 'add', editor.username, 'city-editor', editor.city, '--data-dir', join(dataDir, 'data')],
      { SMARTERCITIES_NEW_PASSWORD: editor.password });
  }
  const args = ['serve', '--host', '127.0.0.1', '--port', '0', ...common];
  if (webRoot) args.push('--web-root', webRoot);
  const child = spawn(executable, args, {
    env: { ...process.env, SMARTERCITIES_ADMIN_PASSWORD: ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30000);
    const onData = (chunk) => {
      output += chunk;
      const match = /running at (http:\/\/[0-9.:]+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
  // Drain what it prints so it never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  return {
    url,
    dataDir,
    async stop() {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
