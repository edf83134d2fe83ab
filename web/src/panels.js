// Draws the charts of the plugin panels whose kind is "chart", over the
// table of the panel's data that the server rendered (each cell carries its
// JSON value in data-raw, each column its key in data-key): a line chart per
// numeric key, x from `period` or `year`, a line per series (`cityName`,
// `city`, `series` or `name`). The data shapes are in docs/manifest.md
// ("Panels"); the table stays for everyone.
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

// "electricityKwh" as "electricity kwh".
function label(key) {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
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

// The items again, from the server's table.
function readItems(table) {
  const keys = [...table.querySelectorAll('thead th[data-key]')].map((cell) => cell.dataset.key);
  return [...table.querySelectorAll('tbody tr')].map((row) => {
    const item = {};
    [...row.querySelectorAll('td[data-raw]')].forEach((cell, index) => {
      try {
        item[keys[index]] = JSON.parse(cell.dataset.raw);
      } catch {
        item[keys[index]] = null;
      }
    });
    return item;
  });
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

function renderCharts(items, caption, container) {
  const xKey = X_KEYS.find((key) => items.some((item) => key in item));
  const seriesKey = SERIES_KEYS.find((key) => items.some((item) => key in item));
  if (!xKey) return;
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
}

export function enhancePanels(root) {
  for (const container of root.querySelectorAll('[data-charts-for]')) {
    const table = root.getElementById(container.dataset.chartsFor);
    if (!table) continue;
    const items = readItems(table);
    if (items.length === 0) continue;
    container.hidden = false;
    const caption = container.closest('section')?.querySelector('h3')?.textContent || '';
    renderCharts(items, caption, container);
  }
}
