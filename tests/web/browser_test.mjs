// The web site in a real browser: Debian's Chromium driven by playwright-core
// against the real smartercities executable, with JavaScript on and off,
// checked with axe-core at WCAG 2.1 AA in both languages, walked with the
// keyboard alone. Screenshots of the main pages are saved.
//
//   node browser_test.mjs --executable build/bin/smartercities \
//        --plugin-dir build/plugins [--extra-plugin-dir DIR] \
//        [--web-root build/web] \
//        [--screenshots DIR] [--chromium /usr/bin/chromium]
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ADMIN_PASSWORD, EDITOR, EINDHOVEN_EDITOR, THEME_EDITOR, TILBURG_EDITOR, startServer,
} from './server.mjs';

// The packages come from web/'s committed lock file (npm ci in web/).
const webDir = resolve(fileURLToPath(import.meta.url), '../../../web');
const require = createRequire(join(webDir, 'package.json'));
const { chromium } = require('playwright-core');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at >= 0 && process.argv[at + 1]) return process.argv[at + 1];
  return process.env[`SC_${name.toUpperCase().replace(/-/g, '_')}`] || fallback;
}

const executable = resolve(option('executable', 'build/bin/smartercities'));
const pluginDir = resolve(option('plugin-dir', 'build/plugins'));
// An out-of-tree theme (the SDK template, built against the installed SDK
// by the sdk_package_builds_the_template test) whose panel must render.
const extraPluginDir = option('extra-plugin-dir', '') && resolve(option('extra-plugin-dir', ''));
const webRoot = option('web-root', '') && resolve(option('web-root', ''));
const screenshots = resolve(option('screenshots', 'build/web-screenshots'));
const chromiumPath = option('chromium', '/usr/bin/chromium');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const THEMES = [
  'bedrijvige-stad', 'zorgende-stad', 'lerende-stad', 'groene-stad', 'onze-stad',
  'veilige-stad', 'regelluwe-stad', 'kennisdeling', 'open-networks',
];
const NUM_THEMES = THEMES.length + (extraPluginDir ? 1 : 0);

let server;
let browser;

before(async () => {
  server = await startServer({
    executable, webRoot, pluginDirs: [pluginDir, ...(extraPluginDir ? [extraPluginDir] : [])],
  });
  mkdirSync(screenshots, { recursive: true });
  // playwright-core starts Chromium with a new, empty profile directory of
  // its own (--user-data-dir) and removes it when the browser closes.
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// A page whose Content-Security-Policy violations and script errors fail
// the test that opened it.
async function open(context, path) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(message.text());
  });
  page.on('pageerror', (error) => page.problems.push(error.message));
  const response = await page.goto(server.url + path);
  assert.equal(response.status(), 200, `${path} answered ${response.status()}`);
  return page;
}

function noProblems(page) {
  assert.deepEqual(page.problems, [], `errors on ${page.url()}`);
}

async function axe(page) {
  const results = await page.evaluate(`${axeSource}
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) })))`);
  assert.deepEqual(results, [], `axe violations on ${page.url()}:\n${JSON.stringify(results, null, 2)}`);
}

async function firstIndicator(context) {
  const page = await open(context, '/themas/regelluwe-stad');
  const href = await page.locator('section[aria-labelledby=indicatoren] a').first().getAttribute('href');
  await page.close();
  return href;
}

async function login(context, username, password) {
  const page = await open(context, '/inloggen');
  await page.fill('#veld-username', username);
  await page.fill('#veld-password', password);
  await Promise.all([page.waitForURL(/\/account/), page.click('form.sc-form button[type=submit]')]);
  return page;
}

describe('public pages', () => {
  test('the dashboard lists the nine themes', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/');
    const cards = page.locator('[data-testid=themes] > li');
    assert.equal(await cards.count(), NUM_THEMES);
    for (const id of THEMES) {
      assert.equal(await page.locator(`[data-testid=themes] a[href="/themas/${id}"]`).count(), 1, id);
    }
    assert.match(await page.locator('#termijnen').locator('..').innerText(), /\d{4}/);
    assert.ok(await page.locator('#laatste-cijfers ~ ul li').count() > 0, 'latest figures');
    await page.screenshot({ path: join(screenshots, 'dashboard.png'), fullPage: true });
    // A first load's styles and scripts stay within 100 KB compressed, and
    // their hashed names may be kept for a year.
    let bytes = 0;
    for (const url of await page.evaluate(() => [
      ...[...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.href),
      ...[...document.querySelectorAll('script[src]')].map((s) => s.src)])) {
      const asset = await context.request.get(url);
      assert.equal(asset.status(), 200, url);
      assert.match(asset.headers()['cache-control'], /max-age=31536000, immutable/);
      bytes += gzipSync(await asset.body(), { level: 6 }).length;
    }
    assert.ok(bytes > 10000, 'the styles and scripts are there');
    assert.ok(bytes <= 100 * 1024, `${bytes} bytes of CSS and JS, compressed`);
    noProblems(page);
    await context.close();
  });

  test('theme, agreement, indicator and city follow from each other', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/');
    await Promise.all([page.waitForURL(/\/themas\/regelluwe-stad$/), page.click('a[href="/themas/regelluwe-stad"]')]);
    assert.match(await page.locator('h1').innerText(), /Regelluwe/);
    assert.ok(await page.locator('.sc-agreement').count() >= 10);
    // The theme's own panels show the module's data.
    assert.ok(await page.locator('section[data-panel-endpoint] table tbody tr').count() > 0);
    await page.screenshot({ path: join(screenshots, 'theme.png'), fullPage: true });
    await Promise.all([page.waitForURL(/afspraken\/e$/), page.click('a[href="/themas/regelluwe-stad/afspraken/e"]')]);
    assert.match(await page.locator('blockquote').innerText(), /facturen elektronisch/);
    assert.equal(await page.locator('blockquote').getAttribute('lang'), 'nl');
    await page.screenshot({ path: join(screenshots, 'agreement.png'), fullPage: true });
    const indicatorLink = page.locator('.sc-facts a[href^="/indicatoren/"]').first();
    await Promise.all([page.waitForURL(/\/indicatoren\//), indicatorLink.click()]);
    // The chart is drawn over the table, which stays.
    await page.locator('figure.sc-chart canvas').first().waitFor();
    assert.ok(await page.locator('#cijfertabel tbody tr').count() > 0);
    await page.screenshot({ path: join(screenshots, 'indicator.png'), fullPage: true });
    const csv = await context.request.get(server.url + await page.locator('a[download]').getAttribute('href'));
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'], /text\/csv/);
    assert.match(await csv.text(), /^indicator,cbs_code,city,period,value/);
    await Promise.all([page.waitForURL(/\/steden\/GM\d{4}$/), page.locator('#cijfertabel tbody a').first().click()]);
    assert.ok(await page.locator('#stadscijfers ~ div table').count() > 0, 'figures per indicator');
    await page.screenshot({ path: join(screenshots, 'city.png'), fullPage: true });
    await page.goBack();
    assert.match(page.url(), /\/indicatoren\//);
    noProblems(page);
    await context.close();
  });

  test('one search box finds themes, agreements, indicators and cities by Dutch words', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/');
    await Promise.all([page.waitForURL(/\/zoeken$/), page.click('nav a[href="/zoeken"]')]);
    await page.fill('#zoekterm', 'facturen');
    await Promise.all([page.waitForURL(/\/zoeken\?q=facturen$/), page.keyboard.press('Enter')]);
    assert.ok(await page.locator('[data-results=resultaten-agreements] li').count() > 0);
    // Each result is a link that says what it leads to.
    assert.match(await page.locator('[data-results=resultaten-agreements] li a').first().innerText(), /^Afspraak \S+\/[a-z]+$/);
    assert.ok(await page.locator('[data-results=resultaten-indicators] li').count() > 0);
    await page.fill('#zoekterm', 'helmond');
    await Promise.all([page.waitForURL(/q=helmond$/), page.keyboard.press('Enter')]);
    await Promise.all([page.waitForURL(/\/steden\/GM0794$/),
      page.click('[data-results=resultaten-cities] a[href="/steden/GM0794"]')]);
    await page.goto(`${server.url}/zoeken?q=zzzzonzin`);
    assert.match(await page.locator('#zoekresultaten').innerText(), /Niets gevonden/);
    noProblems(page);
    await context.close();
  });

  test('an out-of-tree theme\'s panel renders without any change to the front end', { skip: !extraPluginDir }, async () => {
    const context = await browser.newContext();
    const page = await open(context, '/themas/mijn-thema');
    const panel = page.locator('section[data-panel-endpoint="/api/v1/themes/mijn-thema/greeting"]');
    assert.match(await panel.locator('.sc-figures').innerText(), /41/);
    assert.match(await panel.locator('h3').innerText(), /Groet/);
    await page.screenshot({ path: join(screenshots, 'plugin-panel.png'), fullPage: true });
    noProblems(page);
    await context.close();
  });

  test('a chart panel is drawn over the table of its data', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/themas/groene-stad');
    const panel = page.locator('section[data-panel-view=chart]').first();
    await panel.locator('canvas').first().waitFor();
    assert.ok(await panel.locator('table tbody tr').count() > 0);
    noProblems(page);
    await context.close();
  });

  test('English and back', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/themas/groene-stad');
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    await Promise.all([page.waitForURL(/\/en\/themas\/groene-stad$/), page.click('a[hreflang=en]')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.locator('h1').innerText(), /Green City/);
    // Links stay in English; the covenant's texts stay Dutch and say so.
    assert.equal(await page.locator('.sc-agreement p[lang=nl]').first().count(), 1);
    await Promise.all([page.waitForURL(/\/en\/themas\/groene-stad\/afspraken\/a$/), page.click('a[href="/en/themas/groene-stad/afspraken/a"]')]);
    assert.match(await page.locator('h1').innerText(), /Agreement a/);
    await Promise.all([page.waitForURL(/\/themas\/groene-stad\/afspraken\/a$/), page.click('a[hreflang=nl]')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    assert.match(await page.locator('h1').innerText(), /Afspraak a/);
    noProblems(page);
    await context.close();
  });

  test('every page shows its content with JavaScript switched off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const indicator = await firstIndicator(context);
    const expectations = [
      ['/', /Bedrijvige Stad/],
      ['/themas/onze-stad', /Afspraken/],
      ['/themas/open-networks', /Decentrale bijeenkomsten/],
      ['/themas/regelluwe-stad/afspraken/e', /facturen elektronisch/],
      [indicator, /Cijfers per stad en periode/],
      ['/steden/GM0794', /Helmond/],
      ['/zoeken?q=glasvezel', /resultaten voor/],
      ['/en', /Business City|Themes/],
      ['/inloggen', /Gebruikersnaam/],
      ['/publicaties', /Publicaties van het convenant/],
      ['/overleggen', /ambtelijk overleg|Ambtelijk overleg/],
      ['/financiering', /Maximale bijdrage van EZ/],
      ['/themas/bedrijvige-stad/projecten', /Archief/],
    ];
    for (const [path, pattern] of expectations) {
      const page = await open(context, path);
      assert.match(await page.locator('main').innerText(), pattern, path);
      await page.close();
    }
    const page = await open(context, indicator);
    assert.ok(await page.locator('#cijfertabel tbody tr').count() > 0);
    assert.equal(await page.locator('figure.sc-chart').isHidden(), true);
    await page.close();
    await context.close();
  });
});

describe('editors and administrators', () => {
  test('a city editor enters a figure; a wrong value is told next to its field', async () => {
    const context = await browser.newContext();
    const page = await login(context, EDITOR.username, EDITOR.password);
    const entry = page.locator('section[aria-labelledby=invoeren] a[href="/invoer/regelluwe-stad-e-invoices"]').first();
    await Promise.all([page.waitForURL(/\/invoer\//), entry.click()]);
    // Helmond is the only city this account reports for.
    assert.match(await page.locator('#veld-city').innerText(), /Helmond/);
    await page.fill('#veld-period', '2014-10');
    await page.fill('#veld-value', '150');
    await Promise.all([page.waitForLoadState('load'), page.click('form.sc-form button[type=submit]')]);
    const message = page.locator('#veld-value-fout');
    assert.match(await message.innerText(), /tussen 0 en 100/);
    assert.match(await page.getAttribute('#veld-value', 'aria-describedby'), /veld-value-fout/);
    assert.equal(await page.locator('.sc-error-summary a[href="#veld-value"]').count(), 1);
    await page.screenshot({ path: join(screenshots, 'entry-error.png'), fullPage: true });
    await axe(page);
    // The browser reports the 422 of the refused figure; it was meant.
    page.problems = page.problems.filter((text) => !/status of 422/.test(text));
    await page.fill('#veld-value', '73,5');
    await Promise.all([page.waitForURL(/\/indicatoren\/regelluwe-stad-e/), page.click('form.sc-form button[type=submit]')]);
    const row = page.locator('#stad-GM0794');
    assert.match(await row.innerText(), /73,5%/);
    noProblems(page);
    await context.close();
  });

  test('a city editor adds a record to a theme register; the module\'s message stands next to its field', async () => {
    const context = await browser.newContext();
    const page = await login(context, EDITOR.username, EDITOR.password);
    await Promise.all([page.waitForURL(/business-parks$/),
      page.click('section[aria-labelledby=registers] a[href="/invoer/themas/bedrijvige-stad/business-parks"]')]);
    // Only Helmond's records, and only Helmond to choose.
    assert.deepEqual(await page.locator('#veld-city option[value^=GM]').evaluateAll((o) => o.map((x) => x.value)), ['GM0794']);
    await page.selectOption('#veld-city', 'GM0794');
    await page.fill('#veld-name', 'Automotive Campus');
    await page.fill('#veld-hectares', '-5');
    await page.selectOption('#veld-hasFibre', 'true');
    await Promise.all([page.waitForLoadState('load'), page.click('form.sc-form button[type=submit]')]);
    assert.match(await page.locator('#veld-hectares-fout').innerText(), /0/);
    assert.match(await page.getAttribute('#veld-hectares', 'aria-describedby'), /veld-hectares-fout/);
    assert.equal(await page.inputValue('#veld-name'), 'Automotive Campus', 'what was typed stays');
    page.problems = page.problems.filter((text) => !/status of 422/.test(text));
    await page.fill('#veld-hectares', '12,5');
    await Promise.all([page.waitForURL(/opgeslagen=1$/), page.click('form.sc-form button[type=submit]')]);
    assert.match(await page.locator('table').innerText(), /Automotive Campus/);
    await page.screenshot({ path: join(screenshots, 'register.png'), fullPage: true });
    await page.goto(`${server.url}/steden/GM0794`);
    assert.match(await page.locator('table[data-register=business-parks]').innerText(), /Automotive Campus/);
    noProblems(page);
    await context.close();
  });

  test('a theme editor changes a record of the theme\'s register, and may not change another theme\'s', async () => {
    const context = await browser.newContext();
    const page = await login(context, THEME_EDITOR.username, THEME_EDITOR.password);
    // Only the theme's own registers are offered.
    const offered = await page.locator('section[aria-labelledby=registers] a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.ok(offered.length > 0);
    assert.ok(offered.every((href) => href.startsWith('/invoer/themas/kennisdeling/')), offered.join(' '));
    await page.goto(`${server.url}/invoer/themas/kennisdeling/events`);
    await Promise.all([page.waitForURL(/events\/\d+$/), page.locator('table tbody tr a').first().click()]);
    await page.fill('#veld-place', 'Amersfoort, Eemhuis');
    await Promise.all([page.waitForURL(/opgeslagen=1$/), page.click('form.sc-form button[type=submit]')]);
    assert.match(await page.locator('table').innerText(), /Amersfoort, Eemhuis/);
    // Another theme's register: the module refuses, the page says so.
    await page.goto(`${server.url}/invoer/themas/bedrijvige-stad/business-parks`);
    await page.selectOption('#veld-city', 'GM0794');
    await page.fill('#veld-name', 'Niet van mij');
    await Promise.all([page.waitForLoadState('load'), page.click('form.sc-form button[type=submit]')]);
    assert.match(await page.locator('[data-problem]').innerText(), /bedrijvige-stad|theme|thema/);
    await context.close();
  });

  test('an administrator switches a module off and on again', async () => {
    const context = await browser.newContext();
    const page = await login(context, 'admin', ADMIN_PASSWORD);
    await page.goto(`${server.url}/beheer/modules`);
    const row = page.locator('tr[data-module="kennisdeling"]');
    await Promise.all([page.waitForLoadState('load'), row.locator('button').click()]);
    assert.match(await page.locator('[role=status]').innerText(), /Uitgeschakeld/);
    await page.screenshot({ path: join(screenshots, 'admin-modules.png'), fullPage: true });
    await page.goto(server.url + '/');
    assert.equal(await page.locator('[data-testid=themes] > li').count(), NUM_THEMES - 1);
    assert.equal(await page.locator('a[href="/themas/kennisdeling"]').count(), 0);
    const gone = await page.goto(server.url + '/themas/kennisdeling');
    assert.equal(gone.status(), 404);
    await page.goto(`${server.url}/beheer/modules`);
    await Promise.all([page.waitForLoadState('load'), page.locator('tr[data-module="kennisdeling"] button').click()]);
    await page.goto(server.url + '/');
    assert.equal(await page.locator('[data-testid=themes] > li').count(), NUM_THEMES);
    await context.close();
  });

  test('an administrator adds an account and a token, each secret shown once, revokes the token and reads the audit trail', async () => {
    const context = await browser.newContext();
    const page = await login(context, 'admin', ADMIN_PASSWORD);
    await page.goto(`${server.url}/beheer/gebruikers`);
    // A city editor needs a city: the message stands next to the field.
    await page.fill('#veld-username', 'piet');
    await page.selectOption('#veld-role', 'city-editor');
    await Promise.all([page.waitForLoadState('load'), page.click('form.sc-form button[type=submit]')]);
    assert.ok((await page.locator('#veld-scope-fout').innerText()).length > 0);
    assert.match(await page.getAttribute('#veld-scope', 'aria-describedby'), /veld-scope-fout/);
    page.problems = page.problems.filter((text) => !/status of 400/.test(text));
    await page.fill('#veld-scope', 'GM0855');
    await Promise.all([page.waitForLoadState('load'), page.click('form.sc-form button[type=submit]')]);
    const password = await page.locator('[data-secret]').innerText();
    assert.ok(password.length >= 12, 'the new password is shown');
    assert.equal(await page.locator('tr[data-user="piet"]').count(), 1);
    await page.goto(`${server.url}/beheer/gebruikers`);
    assert.equal(await page.locator('[data-secret]').count(), 0, 'and only once');
    await page.screenshot({ path: join(screenshots, 'admin-users.png'), fullPage: true });

    await page.goto(`${server.url}/beheer/tokens`);
    await page.fill('#veld-name', 'tilburg-export');
    await page.selectOption('#veld-role', 'city-editor');
    await page.fill('#veld-scope', 'GM0855');
    await Promise.all([page.waitForLoadState('load'), page.click('form.sc-form button[type=submit]')]);
    const token = await page.locator('[data-secret]').innerText();
    const me = await context.request.get(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(me.status(), 200);
    await Promise.all([page.waitForLoadState('load'), page.locator('tr[data-token="tilburg-export"] button').click()]);
    const after = await context.request.get(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(after.status(), 401, 'a revoked token is refused');

    await page.goto(`${server.url}/beheer/audit?actor=user:admin&object=api_tokens/`);
    assert.ok(await page.locator('.sc-audit tbody tr').count() >= 2, 'creating and revoking the token');
    await page.goto(`${server.url}/beheer/audit?van=gisteren`);
    assert.ok((await page.locator('#veld-van-fout').innerText()).length > 0);
    page.problems = page.problems.filter((text) => !/status of 400/.test(text));
    await page.click('a[href="/beheer/audit/verificatie"]');
    await page.locator('[data-verification]').waitFor();
    assert.equal(await page.getAttribute('[data-verification]', 'data-verification'), 'intact');
    await page.screenshot({ path: join(screenshots, 'admin-audit.png'), fullPage: true });
    noProblems(page);
    await context.close();
  });

  test('a page for editors shows a visitor the login form, and itself after logging in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${server.url}/beheer/modules`);
    assert.equal(response.status(), 401);
    await page.fill('#veld-username', 'admin');
    await page.fill('#veld-password', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/\/beheer\/modules$/), page.click('form.sc-form button[type=submit]')]);
    assert.ok(await page.locator('tr[data-module]').count() >= 9);
    await context.close();
  });
});

// Submits the form that holds selector and waits for the page it leads to.
// (The page it leads to may have the same URL: a refused form is shown again
// at the address it was sent to.)
async function submit(page, selector) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await page.locator(selector).locator('button[type=submit]').click();
  await navigated;
  await page.waitForLoadState('load');
}

describe('the covenant\'s procedures', () => {
  test('a city joins a theme through the site: asked, put to the involved cities, answered, accepted and published', async () => {
    // Tilburg asks to join Bedrijvige Stad, which Eindhoven and Helmond lead.
    const tilburg = await browser.newContext();
    const asker = await login(tilburg, TILBURG_EDITOR.username, TILBURG_EDITOR.password);
    await asker.goto(`${server.url}/themas/bedrijvige-stad`);
    await Promise.all([asker.waitForURL(/\/toetredingen\/nieuw$/), asker.click('[data-testid=ask-to-join]')]);
    await axe(asker);
    // Without a motivation the API refuses; its message stands next to the field.
    await submit(asker, 'form.sc-form');
    assert.match(await asker.locator('#veld-motivation-fout').innerText(), /empty/);
    assert.match(await asker.getAttribute('#veld-motivation', 'aria-describedby'), /veld-motivation-fout/);
    assert.equal(await asker.locator('.sc-error-summary a[href="#veld-motivation"]').count(), 1);
    asker.problems = asker.problems.filter((text) => !/status of 422/.test(text));
    await asker.fill('#veld-motivation', 'Tilburg bouwt glasvezel op zijn bedrijventerreinen en deelt wat het leert.');
    await Promise.all([asker.waitForURL(/\/toetredingen\/\d+\?stap=gevraagd$/), asker.click('form.sc-form button[type=submit]')]);
    const requestPath = new URL(asker.url()).pathname;
    assert.equal(await asker.getAttribute('[data-testid=join-state]', 'data-state'), 'requested');
    // The city asking takes no further step.
    assert.equal(await asker.locator('form[data-testid]').count(), 0);
    await asker.screenshot({ path: join(screenshots, 'join-requested.png'), fullPage: true });
    noProblems(asker);

    // Helmond, a leading city, puts it to the involved cities.
    const helmond = await browser.newContext();
    const leader = await login(helmond, EDITOR.username, EDITOR.password);
    await leader.goto(server.url + requestPath);
    assert.equal(await leader.locator('[data-testid=decide-form]').count(), 0, 'no decision before the consultation');
    await submit(leader, '[data-testid=consult-form]');
    assert.equal(await leader.getAttribute('[data-testid=join-state]', 'data-state'), 'in-consultation');
    assert.match(await leader.locator('[data-testid=consultation]').innerText(), /Helmond/);
    // A decision needs a reason: the API's message stands next to the field.
    await leader.check('#veld-outcome');
    await submit(leader, '[data-testid=decide-form]');
    assert.match(await leader.locator('#veld-reason-fout').innerText(), /empty/);
    assert.equal(await leader.getAttribute('[data-testid=join-state]', 'data-state'), 'in-consultation');
    leader.problems = leader.problems.filter((text) => !/status of 422/.test(text));
    await axe(leader);

    // Eindhoven, the other leading city, responds.
    const eindhoven = await browser.newContext();
    const involved = await login(eindhoven, EINDHOVEN_EDITOR.username, EINDHOVEN_EDITOR.password);
    await involved.goto(server.url + requestPath);
    assert.equal(await involved.locator('[data-testid=respond-form]').count(), 1);
    await involved.check('#veld-position');
    await involved.fill('#veld-comment', 'Welkom; Tilburg past bij de bedrijventerreinen.');
    await submit(involved, '[data-testid=respond-form]');
    assert.match(await involved.locator('[data-testid=responses]').innerText(), /Eindhoven: akkoord/);
    assert.equal(await involved.locator('[data-testid=respond-form]').count(), 0, 'a city responds once');
    noProblems(involved);

    // Helmond accepts with a reason.
    await leader.goto(server.url + requestPath);
    await leader.check('#veld-outcome');
    await leader.fill('#veld-reason', 'De betrokken steden stemmen in; Tilburg brengt zijn glasvezelaanpak in.');
    await submit(leader, '[data-testid=decide-form]');
    assert.equal(await leader.getAttribute('[data-testid=join-state]', 'data-state'), 'accepted');
    assert.match(await leader.locator('[data-testid=decision]').innerText(), /aanvaard/);
    assert.equal(await leader.locator('form[data-testid]').count(), 0, 'nothing left to do');
    await leader.screenshot({ path: join(screenshots, 'join-accepted.png'), fullPage: true });
    await axe(leader);
    noProblems(leader);

    // The theme lists Tilburg as involved city, the request as accepted.
    const visitor = await browser.newContext();
    const theme = await open(visitor, '/themas/bedrijvige-stad');
    assert.match(await theme.locator('[data-testid=theme-participants]').innerText(), /Tilburg: betrokken/);
    assert.match(await theme.locator('[data-testid=theme-joins] [data-join-state=accepted]').innerText(), /Tilburg/);
    // And the publications page shows the join, with the Atom feed beside it.
    const publications = await open(visitor, '/publicaties');
    assert.equal(await publications.locator('head link[rel=alternate][type="application/atom+xml"]').getAttribute('href'),
      '/api/v1/publications.atom');
    const entry = publications.locator('[data-testid=publications] li[data-kind=join]').first();
    assert.match(await entry.innerText(), /Tilburg treedt toe tot De Bedrijvige Stad/);
    await Promise.all([publications.waitForURL((url) => url.pathname === requestPath), entry.locator('a').click()]);
    await publications.goto(`${server.url}/en/publicaties`);
    assert.match(await publications.locator('[data-testid=publications]').innerText(), /Tilburg joins/);
    await axe(publications);
    noProblems(publications);
    for (const context of [tilburg, helmond, eindhoven, visitor]) await context.close();
  });

  test('an agreement is amended through the site: proposed, agreed by every involved party, reported, put into effect and published', async () => {
    // Helmond, a leading city of Bedrijvige Stad, proposes a change to
    // agreement c, with JavaScript off.
    const helmond = await browser.newContext();
    const proposer = await login(helmond, EDITOR.username, EDITOR.password);
    await proposer.goto(`${server.url}/themas/bedrijvige-stad/afspraken/c`);
    await Promise.all([proposer.waitForURL(/\/wijzigingen\/nieuw\?/), proposer.click('[data-testid=propose-amendment]')]);
    await axe(proposer);
    // The form starts from the agreement's current text.
    const oldText = await proposer.inputValue('#veld-text');
    assert.ok(oldText.length > 20, oldText);
    const newText = `${oldText} Helmond en Eindhoven delen hun aanpak met de G32.`;
    await proposer.fill('#veld-text', newText);
    // Without a reason the API refuses; its message stands next to the field.
    await submit(proposer, '[data-testid=propose-form]');
    assert.match(await proposer.locator('#veld-reason-fout').innerText(), /empty/);
    assert.equal(await proposer.locator('.sc-error-summary a[href="#veld-reason"]').count(), 1);
    assert.equal(await proposer.inputValue('#veld-text'), newText);
    proposer.problems = proposer.problems.filter((text) => !/status of 422/.test(text));
    await axe(proposer);
    await proposer.fill('#veld-reason', 'De aanpak is klaar om met de andere steden te delen.');
    await Promise.all([proposer.waitForURL(/\/wijzigingen\/\d+\?stap=voorgesteld$/),
      proposer.click('[data-testid=propose-form] button[type=submit]')]);
    const amendmentPath = new URL(proposer.url()).pathname;
    assert.equal(await proposer.getAttribute('[data-testid=amendment-state]', 'data-state'), 'proposed');
    assert.match((await proposer.locator('[data-diff] ins').allInnerTexts()).join(' '), /G32/);
    // The proposer's step is to withdraw, not to respond.
    assert.equal(await proposer.locator('[data-testid=respond-form]').count(), 0);
    assert.equal(await proposer.locator('[data-testid=withdraw-form]').count(), 1);
    await axe(proposer);
    noProblems(proposer);

    // Every party still awaited agrees: cities through their editors, EZ
    // (an involved party of Bedrijvige Stad) by an administrator for it.
    const id = amendmentPath.split('/').pop();
    const { awaiting } = await (await fetch(`${server.url}/api/v1/amendments/${id}`)).json();
    assert.ok(awaiting.includes('GM0772') && awaiting.includes('ez'), awaiting.join(' '));
    const editors = { GM0772: EINDHOVEN_EDITOR, GM0855: TILBURG_EDITOR };
    const contexts = [helmond];
    for (const party of awaiting) {
      const context = await browser.newContext();
      contexts.push(context);
      const account = party.startsWith('GM') ? editors[party] : { username: 'admin', password: ADMIN_PASSWORD };
      assert.ok(account, `an editor for ${party}`);
      const page = await login(context, account.username, account.password);
      await page.goto(server.url + amendmentPath);
      if (!party.startsWith('GM')) await page.selectOption('#veld-party', party);
      await page.check('#veld-position');
      await page.fill('#veld-comment', `${party} stemt in.`);
      await submit(page, '[data-testid=respond-form]');
      assert.match(await page.locator('[data-testid=responses]').innerText(), new RegExp(`${party} stemt in`));
      noProblems(page);
    }

    // Helmond reports the agreement to Stedenlink.
    await proposer.goto(server.url + amendmentPath);
    assert.equal(await proposer.getAttribute('[data-testid=amendment-state]', 'data-state'), 'agreed');
    await proposer.fill('#veld-note', 'Alle betrokken partijen stemmen in.');
    await submit(proposer, '[data-testid=report-form]');
    assert.equal(await proposer.getAttribute('[data-testid=amendment-state]', 'data-state'), 'reported');
    assert.match(await proposer.locator('[data-testid=report]').innerText(), /Helmond/);

    // An administrator, for Stedenlink, puts it into effect.
    const stedenlink = await browser.newContext();
    contexts.push(stedenlink);
    const admin = await login(stedenlink, 'admin', ADMIN_PASSWORD);
    await admin.goto(server.url + amendmentPath);
    await submit(admin, '[data-testid=effect-form]');
    assert.equal(await admin.getAttribute('[data-testid=amendment-state]', 'data-state'), 'in-effect');
    assert.equal(await admin.locator('form[data-testid]').count(), 0, 'nothing left to do');
    await admin.screenshot({ path: join(screenshots, 'amendment-in-effect.png'), fullPage: true });
    await axe(admin);
    noProblems(admin);

    // The agreement's page shows the new text and the word diff.
    const visitor = await browser.newContext();
    contexts.push(visitor);
    const agreement = await open(visitor, '/themas/bedrijvige-stad/afspraken/c');
    assert.match(await agreement.locator('blockquote.sc-quote').first().innerText(), /delen hun aanpak met de G32/);
    assert.match((await agreement.locator('[data-diff] ins').allInnerTexts()).join(' '), /G32/);
    assert.equal(await agreement.locator('[data-testid=open-amendments]').count(), 0);
    await axe(agreement);
    // /publicaties shows the amendment and links to its page.
    const publications = await open(visitor, '/publicaties');
    const entry = publications.locator('[data-testid=publications] li[data-kind=amendment]').first();
    assert.equal(await entry.count(), 1);
    await Promise.all([publications.waitForURL((url) => url.pathname === amendmentPath), entry.locator('a').click()]);
    const list = await open(visitor, '/wijzigingen?thema=bedrijvige-stad');
    assert.equal(await list.locator(`[data-amendment="${id}"]`).getAttribute('data-state'), 'in-effect');
    await axe(list);
    for (const context of contexts) await context.close();
  });

  test('projects, meetings and funding through the site, with the API\'s refusals next to their fields', async () => {
    const context = await browser.newContext();
    const page = await login(context, 'admin', ADMIN_PASSWORD);
    // A project on the agenda of Groene Stad, started, then completed.
    await page.goto(`${server.url}/themas/groene-stad/projecten`);
    await Promise.all([page.waitForURL(/\/projecten\/nieuw$/), page.click('[data-testid=new-project]')]);
    await axe(page);
    await page.fill('#veld-title', 'Slimme meters in Amersfoort');
    await page.fill('#veld-aim', 'Inzicht in het energiegebruik van huishoudens');
    await page.selectOption('#veld-lead', 'GM0307');
    await page.check('#veld-agreements-0');
    await page.fill('#veld-partnerCities', 'GM0344');
    await page.fill('#veld-organisations', 'Universiteit Utrecht');
    await Promise.all([page.waitForURL(/\/projecten\/\d+$/), page.click('form.sc-form button[type=submit]')]);
    const first = new URL(page.url()).pathname;
    assert.match(await page.locator('[data-testid=project-facts]').innerText(), /Amersfoort[\s\S]*Utrecht[\s\S]*Universiteit Utrecht/);
    await axe(page);
    await Promise.all([page.waitForURL(/\/wijzigen$/), page.click('[data-testid=edit-project]')]);
    await page.selectOption('#veld-status', 'running');
    await Promise.all([page.waitForURL(/\/projecten\/\d+$/), page.click('form.sc-form button[type=submit]')]);
    await page.click('[data-testid=edit-project]');
    await page.waitForURL(/\/wijzigen$/);
    // Completing needs results (art. 5a): the API names the field.
    await page.selectOption('#veld-status', 'completed');
    await submit(page, 'form.sc-form');
    assert.match(await page.locator('#veld-results-fout').innerText(), /\S/);
    assert.match(await page.getAttribute('#veld-results', 'aria-describedby'), /veld-results-fout/);
    page.problems = page.problems.filter((text) => !/status of 422/.test(text));
    await page.fill('#veld-results', '1.200 huishoudens met een slimme meter');
    await page.fill('#veld-standards', 'Open koppelvlak voor meterdata');
    await submit(page, 'form.sc-form');
    assert.equal(new URL(page.url()).pathname, first);
    assert.equal(await page.getAttribute('[data-testid=project-facts] [data-status]', 'data-status'), 'completed');
    // A new project takes its place (5d); the archive shows what replaced it.
    await page.goto(`${server.url}/themas/groene-stad/projecten/nieuw`);
    await page.fill('#veld-title', 'Slimme meters in de regio');
    await page.fill('#veld-aim', 'Opschalen naar de regio');
    await page.selectOption('#veld-lead', 'GM0307');
    await page.selectOption('#veld-replaces', { label: 'Slimme meters in Amersfoort' });
    await Promise.all([page.waitForURL(/\/projecten\/\d+$/), page.click('form.sc-form button[type=submit]')]);
    await page.goto(`${server.url}/themas/groene-stad/projecten`);
    assert.match(await page.locator('[data-testid=active-projects]').innerText(), /Slimme meters in de regio/);
    const archived = page.locator(`[data-testid=archived-projects] a[href="${first}"]`).locator('xpath=ancestor::tr');
    assert.match(await archived.innerText(), /Slimme meters in de regio/);
    await axe(page);

    // A meeting of 2013: one official meeting is short of the four of 6a.
    await page.goto(`${server.url}/overleggen`);
    await Promise.all([page.waitForURL(/\/overleggen\/nieuw$/), page.click('main a[href="/overleggen/nieuw"]')]);
    await axe(page);
    await page.selectOption('#veld-kind', 'official');
    await page.fill('#veld-date', '2013-13-01');
    await submit(page, 'form.sc-form');
    assert.match(await page.locator('#veld-date-fout').innerText(), /\S/);
    page.problems = page.problems.filter((text) => !/status of 422/.test(text));
    await page.fill('#veld-date', '2013-04-10');
    await page.check('#veld-parties-ez');
    await page.fill('#veld-cities', 'GM0794, GM0307');
    await page.fill('#veld-decisions', 'De agenda voor 2013 is vastgesteld.');
    await submit(page, 'form.sc-form');
    assert.match(page.url(), /\/overleggen#jaar-2013$/);
    const year = page.locator('[data-testid=jaar-2013]');
    assert.match(await year.locator('table').innerText(), /De agenda voor 2013 is vastgesteld/);
    assert.equal(await page.getAttribute('[data-testid=rhythm-2013]', 'data-kept'), 'false');
    assert.match(await page.locator('[data-testid=rhythm-2013]').innerText(), /1 \/ 4/);
    assert.match(await page.locator('[data-testid=evaluation]').innerText(), /30 juni 2015/);
    await axe(page);

    // Funding: a cost, then a contribution above half of it needs a justification.
    await page.goto(`${server.url}/financiering/invoer`);
    await axe(page);
    await page.selectOption('#veld-kind', 'cost');
    await page.fill('#veld-date', '2013-06-30');
    await page.fill('#veld-amount', '10.000,00');
    await page.fill('#veld-description', 'Secretariaat eerste halfjaar');
    await page.fill('#veld-documentReference', 'F-2013-01');
    await Promise.all([page.waitForURL(/\/financiering$/), page.click('form.sc-form button[type=submit]')]);
    await page.goto(`${server.url}/financiering/invoer`);
    await page.selectOption('#veld-kind', 'contribution');
    await page.fill('#veld-date', '2013-07-15');
    await page.fill('#veld-amount', '6.000');
    await page.fill('#veld-description', 'Bijdrage EZ');
    await page.fill('#veld-documentReference', 'EZ-2013-7');
    await submit(page, 'form.sc-form');
    assert.match(await page.locator('[data-problem]').innerText(), /50/);
    page.problems = page.problems.filter((text) => !/status of 422/.test(text));
    await page.fill('#veld-justification', 'Opstartkosten; EZ draagt dit halfjaar meer bij.');
    await submit(page, 'form.sc-form');
    assert.equal(await page.locator('[data-testid=funding-totals]').count(), 1);
    assert.match(await page.locator('[data-testid=share]').innerText(), /60%/);
    assert.match(await page.locator('[data-testid=remaining]').innerText(), /994\.000,00/);
    assert.match(await page.locator('[data-testid=funding-contributions]').innerText(), /Boven 50%/);
    await axe(page);
    noProblems(page);
    await context.close();

    // A theme editor of another theme is told who writes a theme's projects.
    const other = await browser.newContext();
    const editor = await login(other, THEME_EDITOR.username, THEME_EDITOR.password);
    await editor.goto(`${server.url}/themas/groene-stad/projecten/nieuw`);
    assert.match(await editor.locator('[data-testid=cannot-write]').innerText(), /Amersfoort/);
    assert.equal(await editor.locator('form.sc-form').count(), 0);
    await other.close();
  });
});

describe('monitoring', () => {
  test('a status badge opens the inputs it was computed from, on every page that shows progress', async () => {
    const context = await browser.newContext();
    for (const path of ['/', '/themas/regelluwe-stad', '/themas/regelluwe-stad/afspraken/e', '/steden/GM0794']) {
      const page = await open(context, path);
      const badge = page.locator('.sc-progress').first();
      assert.ok(await badge.count() > 0, `a progress badge on ${path}`);
      assert.match(await badge.locator('.sc-status').innerText(), /\S/);
      // The inputs are folded away until the reader asks.
      const inputs = badge.locator('details.sc-how dl');
      assert.equal(await inputs.isVisible(), false);
      await badge.locator('details.sc-how summary').click();
      assert.equal(await inputs.isVisible(), true);
      assert.match(await inputs.innerText(), /Regel die gold/);
      noProblems(page);
      await page.close();
    }
    // The indicator page compares the cities, with the network's median.
    const page = await open(context, '/indicatoren/regelluwe-stad-e-invoices');
    const comparison = page.locator('[data-testid=comparison]');
    assert.ok(await comparison.locator('tbody tr').count() > 1, 'the cities ranked');
    assert.match(await comparison.locator('[data-testid=median]').innerText(), /\d/);
    const progress = page.locator('[data-testid=indicator-progress]');
    await progress.locator('details.sc-how summary').first().click();
    assert.match(await progress.innerText(), /Regel die gold/);
    await page.screenshot({ path: join(screenshots, 'indicator-progress.png'), fullPage: true });
    await axe(page);
    noProblems(page);
    await context.close();
  });

  test('a city editor uploads a CSV: a bad file shows every bad row and stores nothing, a good one is stored', async () => {
    const context = await browser.newContext();
    const page = await login(context, EDITOR.username, EDITOR.password);
    await Promise.all([page.waitForURL(/\/invoer\/cijfers/), page.click('[data-testid=upload-link]')]);
    const bad = [
      'indicator;city;period;value',
      'regelluwe-stad-e-invoices;GM0794;2014-02;41,5',
      'regelluwe-stad-e-invoices;GM0363;2014-02;40',
      'regelluwe-stad-e-invoices;GM0794;2014-13;40',
      'regelluwe-stad-e-invoices;GM0794;2014-02;42',
    ].join('\n');
    await page.setInputFiles('#veld-file', { name: 'cijfers.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await Promise.all([page.waitForLoadState('load'), page.click('form.sc-form button[type=submit]')]);
    const rows = page.locator('[data-testid=upload-problems] tbody tr');
    assert.equal(await rows.count(), 3);
    const lines = await rows.locator('td:first-child').allInnerTexts();
    assert.deepEqual(lines, ['3', '4', '5']);
    assert.match(await rows.nth(0).innerText(), /GM0363/);
    assert.equal(await page.locator('.sc-error-summary a[href="#veld-file"]').count(), 1);
    assert.match(await page.getAttribute('#veld-file', 'aria-describedby'), /veld-file-fout/);
    await page.screenshot({ path: join(screenshots, 'upload-errors.png'), fullPage: true });
    await axe(page);
    page.problems = page.problems.filter((text) => !/status of 422/.test(text));
    const before = await context.request.get(`${server.url}/api/v1/measurements?city=GM0794&period=2014-02`);
    assert.equal((await before.json()).items.length, 0, 'nothing of the bad file was stored');

    const good = 'indicator,city,period,value\nregelluwe-stad-e-invoices,GM0794,2014-02,41.5\n';
    await page.setInputFiles('#veld-file', { name: 'cijfers.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await Promise.all([page.waitForLoadState('load'), page.click('form.sc-form button[type=submit]')]);
    assert.match(await page.locator('[data-testid=upload-result]').innerText(), /opgeslagen/);
    const after = await context.request.get(`${server.url}/api/v1/measurements?city=GM0794&period=2014-02`);
    assert.equal((await after.json()).items.length, 1);
    noProblems(page);
    await context.close();
  });

  test('a city editor uploads a plain-text plan and finds it by an inflected Dutch word', async () => {
    const context = await browser.newContext();
    const page = await login(context, EDITOR.username, EDITOR.password);
    await page.goto(`${server.url}/themas/bedrijvige-stad`);
    await Promise.all([page.waitForURL(/\/documenten$/), page.click('[data-testid=documents-link]')]);
    await Promise.all([page.waitForURL(/\/documenten\/nieuw$/), page.click('[data-testid=new-document]')]);
    await axe(page);
    // A file without its text type is refused next to its field.
    await page.fill('#veld-title', 'Plan slimme kruispunten Helmond');
    await page.selectOption('#veld-kind', 'project-plan');
    await page.fill('#veld-date', '2014-03-01');
    await page.setInputFiles('#veld-file', { name: 'plan.txt', mimeType: 'text/plain', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]) });
    await Promise.all([page.waitForLoadState('load'), page.click('form.sc-form button[type=submit]')]);
    assert.equal(await page.locator('.sc-error-summary a[href="#veld-file"]').count(), 1);
    assert.match(await page.locator('#veld-file-fout').innerText(), /PDF/);
    await axe(page);
    page.problems = page.problems.filter((text) => !/status of 422/.test(text));
    // The plan itself: stored, listed, and found by another form of a word.
    await page.fill('#veld-title', 'Plan slimme kruispunten Helmond');
    await page.fill('#veld-date', '2014-03-01');
    const plan = 'Helmond vervangt in 2014 alle verkeerslichten op de ring door slimme regelaars die fietsers eerder groen geven.';
    await page.setInputFiles('#veld-file', { name: 'plan.txt', mimeType: 'text/plain', buffer: Buffer.from(plan) });
    await Promise.all([page.waitForURL(/\/themas\/bedrijvige-stad\/documenten$/), page.click('form.sc-form button[type=submit]')]);
    const row = page.locator('[data-testid=documents] tbody tr', { hasText: 'Plan slimme kruispunten Helmond' });
    assert.equal(await row.count(), 1);
    assert.match(await row.innerText(), /GM0794/);
    await axe(page);
    noProblems(page);

    // Found by the singular of a word it has in the plural, with JavaScript
    // off as well; the word is marked in the snippet as it was written.
    for (const javaScriptEnabled of [true, false]) {
      const reader = await browser.newContext({ javaScriptEnabled });
      const search = await open(reader, '/zoeken?q=verkeerslicht');
      const group = search.locator('[data-results=resultaten-documenten]');
      assert.equal(await group.locator('a', { hasText: 'Plan slimme kruispunten Helmond' }).count(), 1);
      assert.equal(await group.locator('mark').first().innerText(), 'verkeerslichten');
      if (javaScriptEnabled) await axe(search);
      noProblems(search);
      await reader.close();
    }
    // The kind filter keeps it; another kind leaves it out.
    const filtered = await open(context, '/zoeken?q=fietser&kind=project-plan');
    assert.equal(await filtered.locator('[data-results=resultaten-documenten] a', { hasText: 'Plan slimme kruispunten' }).count(), 1);
    const other = await open(context, '/zoeken?q=fietser&kind=minutes');
    assert.equal(await other.locator('[data-results=resultaten-documenten]').count(), 0);
    await context.close();
  });

  test('the reports page offers each half year as a page and as a PDF', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/rapportages');
    const link = page.locator('[data-testid=reports] a[href="/rapportages/2013-H2"]');
    assert.equal(await link.count(), 1);
    const pdfUrl = await page.locator('[data-testid=reports] a[href$="2013-H2/rapportage.pdf"]').getAttribute('href');
    await axe(page);
    await Promise.all([page.waitForURL(/\/rapportages\/2013-H2$/), link.click()]);
    assert.match(await page.locator('h1').first().innerText(), /Voortgangsrapportage/);
    assert.ok(await page.locator('svg').count() > 0, 'charts drawn as SVG');
    // The report's own style is allowed by its hash; nothing is blocked.
    noProblems(page);
    await page.screenshot({ path: join(screenshots, 'report.png') });
    const pdf = await context.request.get(server.url + pdfUrl);
    assert.equal(pdf.status(), 200);
    assert.match(pdf.headers()['content-type'], /application\/pdf/);
    assert.match(pdf.headers()['content-disposition'], /attachment/);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
    noProblems(page);
    await context.close();
  });
});

describe('accessibility', () => {
  test('axe-core finds no WCAG 2.1 AA violation on any page type, in both languages', async () => {
    const context = await browser.newContext();
    const indicator = await firstIndicator(context);
    const paths = ['/', '/themas/regelluwe-stad', '/themas/regelluwe-stad/afspraken/e', indicator,
      '/steden', '/steden/GM0794', '/zoeken?q=helmond', '/inloggen', '/themas/bestaat-niet',
      '/publicaties', '/overleggen', '/financiering', '/themas/bedrijvige-stad/projecten', '/wijzigingen',
      '/themas/bedrijvige-stad/documenten'];
    for (const path of paths) {
      for (const prefix of ['', '/en']) {
        const page = await context.newPage();
        await page.goto(server.url + (prefix && path === '/' ? '/en' : prefix + path));
        await axe(page);
        await page.close();
      }
    }
    const editor = await browser.newContext();
    for (const [user, password, paths2] of [[EDITOR.username, EDITOR.password, ['/account', '/invoer/regelluwe-stad-e-invoices',
      '/invoer/themas/bedrijvige-stad/business-parks', '/themas/onze-stad/toetredingen/nieuw', '/wijzigingen/nieuw',
      '/themas/bedrijvige-stad/documenten/nieuw']],
      ['admin', ADMIN_PASSWORD, ['/beheer', '/beheer/modules', '/beheer/gebruikers', '/beheer/tokens',
        '/beheer/audit', '/beheer/audit/verificatie', '/overleggen/nieuw', '/financiering/invoer',
        '/themas/bedrijvige-stad/projecten/nieuw']]]) {
      const session = await browser.newContext();
      await (await login(session, user, password)).close();
      for (const path of paths2) {
        for (const prefix of ['', '/en']) {
          const page = await session.newPage();
          const response = await page.goto(server.url + prefix + path);
          assert.equal(response.status(), 200, prefix + path);
          await axe(page);
          await page.close();
        }
      }
      await session.close();
    }
    await editor.close();
    await context.close();
  });

  test('the keyboard alone reaches the content: skip link first, focus visible, no trap', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => ({
      text: document.activeElement.textContent.trim(),
      href: document.activeElement.getAttribute('href'),
      visible: document.activeElement.getBoundingClientRect().width > 1,
      outline: getComputedStyle(document.activeElement).outlineStyle,
    }));
    assert.equal(first.href, '#inhoud');
    assert.equal(first.text, 'Naar de inhoud');
    assert.ok(first.visible, 'the skip link shows when it has focus');
    assert.notEqual(first.outline, 'none');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'inhoud');
    // Tab onwards: the network's status opens its inputs, then the first
    // theme card's link, then on through the page and out of it, never
    // stuck on one element.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), '/themas/bedrijvige-stad');
    const seen = [];
    for (let i = 0; i < 120; i += 1) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => {
        const e = document.activeElement;
        return e === document.body ? 'body' : `${e.tagName}:${e.getAttribute('href') || e.textContent.trim()}`;
      });
      seen.push(id);
    }
    // Focus went through the whole page to the footer's last link, then
    // left the page and came round to the skip link again: no trap.
    const end = seen.indexOf('A:/api/v1/openapi.json');
    assert.ok(end > 20, `the footer is reached: ${seen.join(' ')}`);
    assert.ok(seen.slice(end).includes('A:#inhoud'), 'focus comes round to the start again');
    // Enter on a focused theme link follows it.
    await page.goto(server.url + '/');
    await page.focus('a[href="/themas/veilige-stad"]');
    await Promise.all([page.waitForURL(/veilige-stad$/), page.keyboard.press('Enter')]);
    noProblems(page);
    await context.close();
  });
});
