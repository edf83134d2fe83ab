// Draws each indicator's figures as a line chart over the table that holds
// them (<figure data-chart-for="table id">): one line per city, the target
// as a dashed line and the deadline as a vertical mark. The table stays on
// the page; the chart repeats it for the eye.
import uPlot from 'uplot';

const PALETTE = [
  '#0b71a1', '#c4005a', '#2e7d32', '#8a4f00', '#5b3c99', '#00707a',
  '#a31f34', '#445566', '#7a6a00', '#004d99', '#b34700', '#33691e',
];

// "2014-09" as seconds since the epoch (the first of the month, UTC).
function monthToSeconds(period) {
  const [year, month] = period.split('-').map(Number);
  return Date.UTC(year, (month || 12) - 1, 1) / 1000;
}

function readTable(table) {
  const periods = [...table.querySelectorAll('thead th[data-period]')].map(
    (cell) => cell.dataset.period,
  );
  const series = [...table.querySelectorAll('tbody tr[data-series]')].map((row) => ({
    name: row.dataset.series,
    values: [...row.querySelectorAll('td[data-value]')].map((cell) =>
      cell.dataset.value === '' ? null : Number.parseFloat(cell.dataset.value),
    ),
  }));
  return { periods, series };
}

function deadlinePlugin(deadlineSeconds, label) {
  return {
    hooks: {
      draw: [
        (plot) => {
          const x = plot.valToPos(deadlineSeconds, 'x', true);
          if (!Number.isFinite(x)) return;
          const { ctx } = plot;
          const { top, height } = plot.bbox;
          ctx.save();
          ctx.strokeStyle = '#1a1a1a';
          ctx.lineWidth = 2 * uPlot.pxRatio;
          ctx.setLineDash([4 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = '#1a1a1a';
          ctx.font = `${12 * uPlot.pxRatio}px sans-serif`;
          ctx.fillText(label, x + 4 * uPlot.pxRatio, top + 14 * uPlot.pxRatio);
          ctx.restore();
        },
      ],
    },
  };
}

export function enhanceCharts(root) {
  for (const figure of root.querySelectorAll('figure[data-chart-for]')) {
    const table = root.getElementById(figure.dataset.chartFor);
    const canvas = figure.querySelector('.sc-chart__canvas');
    if (!table || !canvas) continue;
    const { periods, series } = readTable(table);
    if (periods.length === 0 || series.length === 0) continue;
    const target = Number.parseFloat(figure.dataset.target);
    const deadline = monthToSeconds(figure.dataset.deadline);
    const xs = periods.map(monthToSeconds);
    // The axis reaches the deadline even when the figures stop before it.
    if (Number.isFinite(deadline) && deadline > xs[xs.length - 1]) {
      xs.push(deadline);
      for (const line of series) line.values.push(null);
    }
    const data = [xs, ...series.map((line) => line.values), xs.map(() => target)];
    figure.hidden = false;
    const width = Math.max(320, Math.min(canvas.clientWidth || 800, 1000));
    const options = {
      width,
      height: 360,
      scales: { x: { time: true } },
      legend: { live: false },
      series: [
        {},
        ...series.map((line, index) => ({
          label: line.name,
          stroke: PALETTE[index % PALETTE.length],
          width: 2,
          spanGaps: true,
          points: { show: true },
        })),
        { label: figure.dataset.labelTarget, stroke: '#1a1a1a', width: 2, dash: [10, 6], points: { show: false } },
      ],
      axes: [{}, { size: 70 }],
      plugins: Number.isFinite(deadline) ? [deadlinePlugin(deadline, figure.dataset.labelDeadline)] : [],
    };
    // eslint-disable-next-line no-new
    new uPlot(options, data, canvas);
  }
}
