// A typed client generated from the served OpenAPI document: the real
// server with the nine theme modules serves /api/v1/openapi.json,
// openapi-typescript turns it into TypeScript types, tsc --strict checks
// tests/api/client.ts against them, and the compiled client then calls every
// public GET of the document on the live server (path parameters filled
// from list answers) and logs in with a typed body. Fails when a call does
// not answer 2xx, or when the document has a public GET the client does not
// call, so the client cannot fall behind the document.
//
//   node --test-reporter=spec tests/api/openapi_client_test.mjs \
//        --executable build/bin/smartercities --plugin-dir build/plugins
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ADMIN_PASSWORD, TILBURG_EDITOR } from '../web/server.mjs';
import { apiTestDir, operations, runPackageBin, startWithDocument, webDir } from './live_document.mjs';

let server;
let document;
let workDir;

before(async () => {
  ({ server, document } = await startWithDocument());
  workDir = mkdtempSync(join(tmpdir(), 'sc-openapi-client-'));
  // The generated types and the client sit side by side; the packages come
  // from web/'s lock file.
  symlinkSync(join(webDir, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  writeFileSync(join(workDir, 'openapi.json'), JSON.stringify(document));
  copyFileSync(join(apiTestDir, 'client.ts'), join(workDir, 'client.ts'));
  writeFileSync(join(workDir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(workDir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2022', 'DOM'],
      types: [],
      skipLibCheck: true,
      outDir: 'out',
    },
    files: ['client.ts'],
  }));
});

after(async () => {
  await server?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('openapi-typescript generates types from the served document', () => {
  const result = runPackageBin('openapi-typescript/bin/cli.js',
    [join(workDir, 'openapi.json'), '--output', join(workDir, 'openapi.d.ts')]);
  assert.equal(result.status, 0, `openapi-typescript failed:\n${result.stderr}${result.stdout}`);
});

test('the typed client compiles with tsc --strict', () => {
  const result = runPackageBin('typescript/bin/tsc', ['--project', join(workDir, 'tsconfig.json')]);
  assert.equal(result.status, 0, `tsc found errors:\n${result.stdout}${result.stderr}`);
});

// The public GETs whose JSON answer the document describes without any
// field (a plugin route whose manifest declares no responseSchema): the
// client calls them, but their bodies are typed as objects of unknown shape.
function untypedAnswers() {
  const out = [];
  for (const operation of operations(document, { method: 'get', publicOnly: true })) {
    const path = operation.slice('GET '.length);
    const ok = document.paths[path].get.responses['200'];
    let schema = ok?.content?.['application/json']?.schema;
    if (!schema) continue;
    if (schema.$ref) schema = document.components.schemas[schema.$ref.split('/').pop()];
    if (schema.type === 'object' && !schema.properties && !schema.additionalProperties) out.push(operation);
  }
  return out;
}

test('the client calls every public GET of the document, each answering 2xx', async (t) => {
  const untyped = untypedAnswers();
  if (untyped.length > 0) {
    t.diagnostic(`answers the document describes without fields (${untyped.length}): ${untyped.join(', ')}`);
  }
  const client = await import(pathToFileURL(join(workDir, 'out', 'client.js')).href);
  const calls = await client.callEveryPublicGet(server.url, {
    admin: { username: 'admin', password: ADMIN_PASSWORD },
    joiningEditor: TILBURG_EDITOR,
  });
  const failed = calls.filter((call) => call.status < 200 || call.status > 299);
  assert.deepEqual(failed, [], 'calls that did not answer 2xx');
  const called = new Set(calls.map((call) => `${call.method} ${call.path}`));
  const publicGets = operations(document, { method: 'get', publicOnly: true });
  assert.ok(publicGets.length > 40, `only ${publicGets.length} public GETs in the document`);
  assert.deepEqual(publicGets.filter((operation) => !called.has(operation)), [],
    'public GETs of the document that tests/api/client.ts does not call');
  const unknown = [...called].filter((operation) => !publicGets.includes(operation));
  assert.deepEqual(unknown, [], 'GETs the client calls that the document does not list as public');
});

test('the client logs in with a typed body and reads who it is', async () => {
  const client = await import(pathToFileURL(join(workDir, 'out', 'client.js')).href);
  const me = await client.logIn(server.url, 'admin', ADMIN_PASSWORD);
  assert.equal(me.session, true);
  assert.equal(me.user?.username, 'admin');
  assert.equal(me.role, 'admin');
});
