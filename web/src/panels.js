// Fills each plugin panel (<section data-panel-view data-panel-endpoint>)
// from its theme's data route, by the panel's kind, with one generic
// component per kind, so that a new theme's panels need no front-end
// change. The data shape each kind expects is in docs/manifest.md
// ("Panels"). Text goes in with textContent only, never as HTML. Without
// JavaScript the panel links to its data.
import uPlot from 'uplot';

const SERIES_KEYS = ['cityName', 'city', 'series', 'name'];
const X_KEYS = ['period', 'year'];
const HIDDEN_KEYS = new Set(['id', 'demo', 'url']);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function language() {
  return document.documentElement.lang === 'en' ? 'en' : 'nl';
}

const WORDS = {
  nl: { yes: 'ja', no: 'nee', empty: 'Nog geen gegevens.', failed: 'De gegevens konden niet worden geladen' },
  en: { yes: 'yes', no: 'no', empty: 'No data yet.', failed: 'The data could not be loaded' },
};

// "electricityKwh" as "electricity kwh".
function label(key) {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function show(value) {
  const words = WORDS[language()];
  if (value === null || value === undefined) return '–';
  if (value === true) return words.yes;
  if (value === false) return words.no;
  if (typeof value === 'number') return value.toLocaleString(language() === 'en' ? 'en-GB' : 'nl-NL');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function itemsOf(data) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.items)) return data.items;
  return null;
}

function columnsOf(items) {
  const columns = [];
  for (const item of items) {
    for (const key of Object.keys(item)) {
      if (!HIDDEN_KEYS.has(key) && !columns.includes(key)) columns.push(key);
    }
  }
  return columns;
}

function renderTable(items, caption) {
  const wrapper = element('div', 'utrecht-table-container utrecht-table-container--overflow-inline');
  const table = element('table', 'utrecht-table utrecht-table--html-table sc-table');
  table.append(element('caption', 'utrecht-table__caption', caption));
  const columns = columnsOf(items);
  const head = element('thead', 'utrecht-table__header');
  const headRow = element('tr', 'utrecht-table__row');
  for (const column of columns) {
    const cell = element('th', 'utrecht-table__header-cell', label(column));
    cell.scope = 'col';
    headRow.append(cell);
  }
  head.append(headRow);
  const body = element('tbody', 'utrecht-table__body');
  for (const item of items) {
    const row = element('tr', 'utrecht-table__row');
    for (const column of columns) row.append(element('td', 'utrecht-table__cell', show(item[column])));
    body.append(row);
  }
  table.append(head, body);
  wrapper.append(table);
  return wrapper;
}

function renderFigures(data) {
  const list = element('ul', 'sc-figures');
  for (const [key, value] of Object.entries(data)) {
    if (value !== null && typeof value === 'object') continue;
    const item = element('li');
    item.append(element('span', 'sc-figures__value', show(value)), element('span', '', label(key)));
    list.append(item);
  }
  return list;
}

function xValue(item, key) {
  const value = item[key];
  if (key === 'period' && typeof value === 'string') {
    const [year, month] = value.split('-').map(Number);
    return Date.UTC(year, (month || 12) - 1, 1) / 1000;
  }
  if (key === 'year') return Date.UTC(Number(value), 0, 1) / 1000;
  return Number(value);
}

function renderCharts(items, caption) {
  const container = element('div', 'sc-panel__charts');
  const xKey = X_KEYS.find((key) => items.some((item) => key in item));
  const seriesKey = SERIES_KEYS.find((key) => items.some((item) => key in item));
  if (!xKey) return container;
  const measures = columnsOf(items).filter((key) => key !== xKey && key !== seriesKey &&
    items.some((item) => typeof item[key] === 'number'));
  const xs = [...new Set(items.map((item) => xValue(item, xKey)))].sort((a, b) => a - b);
  const names = seriesKey ? [...new Set(items.map((item) => String(item[seriesKey])))] : [caption];
  for (const measure of measures) {
    const lines = names.map((name) => xs.map((x) => {
      const found = items.find((item) => xValue(item, xKey) === x &&
        (!seriesKey || String(item[seriesKey]) === name));
      return found && typeof found[measure] === 'number' ? found[measure] : null;
    }));
    const figure = element('figure', 'sc-chart');
    figure.append(element('figcaption', '', label(measure)));
    const canvas = element('div', 'sc-chart__canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${caption}: ${label(measure)}`);
    figure.append(canvas);
    container.append(figure);
    const palette = ['#0b71a1', '#c4005a', '#2e7d32', '#8a4f00', '#5b3c99', '#00707a', '#a31f34', '#445566'];
    // eslint-disable-next-line no-new
    new uPlot({
      width: Math.max(320, Math.min(container.clientWidth || 700, 900)),
      height: 260,
      scales: { x: { time: true } },
      series: [{}, ...names.map((name, index) => ({ label: name, stroke: palette[index % palette.length], width: 2, spanGaps: true }))],
      axes: [{}, { size: 80 }],
    }, [xs, ...lines], canvas);
  }
  return container;
}

async function fillPanel(panel) {
  const body = panel.querySelector('[data-panel-body]');
  const caption = panel.querySelector('h3')?.textContent || '';
  const view = panel.dataset.panelView;
  const words = WORDS[language()];
  try {
    const response = await fetch(panel.dataset.panelEndpoint, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    const items = itemsOf(data);
    const parts = [];
    if (view === 'figures') {
      parts.push(renderFigures(items ? Object.fromEntries(items.map((i) => [i.label, i.value])) : data));
    } else if (items && items.length === 0) {
      parts.push(element('p', 'utrecht-paragraph', words.empty));
    } else if (view === 'chart' && items) {
      parts.push(renderTable(items, caption));
      const charts = renderCharts(items, caption);
      parts.unshift(charts);
    } else if (items) {
      // A table; a map shows its places as a table until a map component
      // exists.
      parts.push(renderTable(items, caption));
    } else {
      parts.push(renderFigures(data));
    }
    const link = body.querySelector('a');
    body.replaceChildren(...parts);
    if (link) {
      const paragraph = element('p', 'utrecht-paragraph sc-small');
      paragraph.append(link);
      body.append(paragraph);
    }
    panel.dataset.panelState = 'ready';
  } catch (error) {
    body.prepend(element('p', 'utrecht-paragraph', `${words.failed} (${error.message}).`));
    panel.dataset.panelState = 'failed';
  }
}

export function enhancePanels(root) {
  for (const panel of root.querySelectorAll('section[data-panel-endpoint]')) {
    fillPanel(panel);
  }
}
