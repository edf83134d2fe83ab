// Enhancements over pages that are complete without JavaScript: a chart
// drawn over the table of figures that is already on the page, the plugin
// panels filled from their theme's data route, and form checks that repeat
// the server's. No inline script or style: the Content-Security-Policy stays
// strict.
import { enhanceCharts } from './chart.js';
import { enhancePanels } from './panels.js';
import { enhanceForms } from './forms.js';

function start() {
  enhanceCharts(document);
  enhancePanels(document);
  enhanceForms(document);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
