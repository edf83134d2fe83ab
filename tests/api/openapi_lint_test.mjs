// The OpenAPI document as a client sees it, linted from outside: the real
// server with the nine theme modules serves /api/v1/openapi.json, and
// Spectral (from web/'s lock file) checks it against its OpenAPI ruleset
// and the design rules of DESIGN.md (tests/api/spectral.yaml). Any error or
// warning fails. A second run on a copy broken on purpose shows that each
// design rule finds what it is for.
//
//   node --test-reporter=spec tests/api/openapi_lint_test.mjs \
//        --executable build/bin/smartercities --plugin-dir build/plugins
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiTestDir, runPackageBin, startWithDocument } from './live_document.mjs';

const ruleset = join(apiTestDir, 'spectral.yaml');
const SEVERITY = ['error', 'warning', 'info', 'hint'];

let server;
let document;
let workDir;

before(async () => {
  ({ server, document } = await startWithDocument());
  workDir = mkdtempSync(join(tmpdir(), 'sc-openapi-lint-'));
});

after(async () => {
  await server?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

// Spectral's findings on a document, as {code, severity, path, message}.
function lint(name, doc) {
  const file = join(workDir, name);
  writeFileSync(file, JSON.stringify(doc, null, 1));
  const result = runPackageBin('@stoplight/spectral-cli/dist/index.js',
    ['lint', file, '--ruleset', ruleset, '--format', 'json', '--quiet', '--fail-severity', 'hint']);
  let findings;
  try {
    findings = JSON.parse(result.stdout || '[]');
  } catch {
    assert.fail(`spectral did not answer in JSON (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  // Spectral also exits non-zero when the ruleset cannot be read.
  assert.ok(result.status === 0 || findings.length > 0,
    `spectral failed (exit ${result.status}):\n${result.stderr}`);
  return findings.map((finding) => ({
    code: finding.code,
    severity: SEVERITY[finding.severity] ?? String(finding.severity),
    path: finding.path.join('.'),
    message: finding.message,
  }));
}

function describeFindings(findings) {
  return findings.map((f) => `  ${f.severity} ${f.code} at ${f.path}: ${f.message}`).join('\n');
}

test('the served document passes Spectral\'s OpenAPI rules and the design rules', () => {
  const findings = lint('openapi.json', document).filter((f) => f.severity === 'error' || f.severity === 'warning');
  assert.equal(findings.length, 0,
    `${findings.length} finding(s) in /api/v1/openapi.json:\n${describeFindings(findings)}`);
});

test('each design rule finds a document that breaks it', () => {
  const broken = structuredClone(document);
  broken.info.version = '1.0';
  delete broken.info.contact.email;
  broken.servers = [{ url: '/api' }];
  const problem = { $ref: '#/components/schemas/Problem' };
  broken.paths['/Theme_Lists/{themeId}/'] = {
    get: {
      operationId: 'getThemeListBroken',
      summary: 'A path that breaks the path rules',
      description: 'Upper case, an underscore and a trailing slash',
      tags: ['core'],
      parameters: [
        { name: 'themeId', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'page_size', in: 'query', required: false, schema: { type: 'integer' } },
      ],
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/theme_list' } } } },
        404: { description: 'Not Found', content: { 'application/json': { schema: { type: 'object' } } } },
        500: { description: 'Failed', content: { 'application/problem+json': { schema: problem } } },
      },
    },
  };
  broken.paths['/city/{cityId}/overview'] = {
    get: {
      operationId: 'getCityOverviewBroken',
      description: 'A collection named in the singular, and no summary',
      tags: ['core'],
      parameters: [{ name: 'cityId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        200: {
          description: 'OK',
          headers: { 'API-Version': { $ref: '#/components/headers/API-Version' } },
          content: { 'application/json': { schema: { $ref: '#/components/schemas/theme_list' } } },
        },
        400: { description: 'Bad', content: { 'application/problem+json': { schema: problem } } },
        404: { description: 'Not Found', content: { 'application/problem+json': { schema: problem } } },
      },
    },
  };
  broken.components.schemas.theme_list = {
    type: 'object',
    properties: { items: { type: 'array', items: { type: 'string' } }, total: { type: 'integer' } },
  };
  const found = new Set(lint('broken.json', broken).map((f) => f.code));
  // Every rule of our own in the ruleset, so that a new rule comes with a
  // case here.
  const ownRules = [...readFileSync(ruleset, 'utf8').matchAll(/^ {2}(sc-[a-z0-9-]+):/gm)].map((m) => m[1]);
  assert.ok(ownRules.length >= 12, `the ruleset's own rules: ${ownRules.join(', ')}`);
  assert.deepEqual(ownRules.filter((rule) => !found.has(rule)), [],
    'design rules that did not find their break');
});
