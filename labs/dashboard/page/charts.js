// Hand-drawn SVG charts for the dashboard: no library, no build step, nothing fetched.
// Every label is a text node; nothing here parses markup.
const SVG = 'http://www.w3.org/2000/svg';

function svgElement(name, attributes) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, String(v));
  return el;
}

function svgText(x, y, text, attributes = {}) {
  const t = svgElement('text', { x, y, ...attributes });
  t.textContent = text;
  return t;
}

/** A number short enough for an axis: 1234 → 1.2k. */
export function shortNumber(n) {
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/**
 * Lines over time. `series`: [{ name, className, points: [{ t, v }] }], t in epoch ms.
 * Points are joined as measured; a gap in the points is a gap in the line's data, not filled.
 */
export function lineChart(
  container,
  series,
  { width = 320, height = 120, xLabel = (t) => new Date(t).toLocaleTimeString() } = {},
) {
  const pad = { left: 38, right: 6, top: 6, bottom: 16 };
  const svg = svgElement('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart' });
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    svg.append(svgText(width / 2, height / 2, 'no data yet', { 'text-anchor': 'middle' }));
    container.replaceChildren(svg);
    return;
  }
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t), t0 + 1);
  const vMax = Math.max(...all.map((p) => p.v), 1);
  const x = (t) => pad.left + ((t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / vMax) * (height - pad.top - pad.bottom);
  svg.append(
    svgElement('line', { x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0), class: 'axis' }),
    svgText(pad.left - 3, y(vMax) + 8, shortNumber(vMax), { 'text-anchor': 'end' }),
    svgText(pad.left - 3, y(0), '0', { 'text-anchor': 'end' }),
    svgText(pad.left, height - 3, xLabel(t0)),
    svgText(width - pad.right, height - 3, xLabel(t1), {
      'text-anchor': 'end',
    }),
  );
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`);
    svg.append(svgElement('path', { d: d.join(''), class: `line ${s.className ?? ''}` }));
  }
  container.replaceChildren(svg);
}

/** Horizontal bars with their labels and values: `rows` [{ label, value }]. */
export function barChart(container, rows, { width = 320, rowHeight = 16 } = {}) {
  const labelWidth = 120;
  const height = Math.max(rowHeight, rows.length * rowHeight);
  const svg = svgElement('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart bars' });
  if (rows.length === 0) {
    svg.append(svgText(width / 2, rowHeight - 4, 'no data yet', { 'text-anchor': 'middle' }));
    container.replaceChildren(svg);
    return;
  }
  const max = Math.max(...rows.map((r) => r.value), 1);
  const barSpace = width - labelWidth - 50;
  rows.forEach((r, i) => {
    const top = i * rowHeight;
    const g = svgElement('g', { class: 'bar-row' });
    g.dataset.label = r.label;
    g.dataset.value = String(r.value);
    const label = svgText(labelWidth - 4, top + rowHeight - 4, r.label, { 'text-anchor': 'end' });
    const title = svgElement('title', {});
    title.textContent = r.label;
    label.append(title);
    g.append(
      label,
      svgElement('rect', {
        x: labelWidth,
        y: top + 2,
        width: Math.max(1, (r.value / max) * barSpace),
        height: rowHeight - 4,
        class: 'bar',
      }),
      svgText(labelWidth + (r.value / max) * barSpace + 4, top + rowHeight - 4, String(r.value), {
        class: 'value',
      }),
    );
    svg.append(g);
  });
  container.replaceChildren(svg);
}
