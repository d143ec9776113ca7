// The status page: fetches /status.json (same origin, the only source the page's CSP allows) and
// draws the figures and one SVG chart per series. No library: the page must work with no network
// but the admin listener.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 400;
const HEIGHT = 110;
const REFRESH_MS = 15000;

function element(name, attributes, text) {
  const e = name === "svg" || name === "path" || name === "line" || name === "text"
    ? document.createElementNS(SVG, name) : document.createElement(name);
  for (const [k, v] of Object.entries(attributes || {})) {
    e.setAttribute(k, v);
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

function showFigures(figures) {
  const list = document.getElementById("figures");
  list.replaceChildren(...figures.map(f => {
    const item = element("div", { "data-label": f.label });
    item.append(element("dt", {}, f.label), element("dd", {}, f.value));
    return item;
  }));
}

function format(value) {
  return Math.abs(value) >= 100 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(2);
}

// One chart over the last hour ending at `now`: a line (and the area under it) scaled to its maximum.
function chart(series, now) {
  const start = now - 3600 * 1000;
  const points = series.points.filter(p => p[0] >= start);
  const max = Math.max(1, ...points.map(p => p[1]));
  const x = t => ((t - start) / 3600000) * WIDTH;
  const y = v => HEIGHT - 14 - (v / max) * (HEIGHT - 24);
  const svg = element("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": series.title });
  svg.append(element("line", { class: "axis", x1: 0, y1: HEIGHT - 14, x2: WIDTH, y2: HEIGHT - 14 }));
  svg.append(element("text", { x: 2, y: 10 }, format(max)));
  svg.append(element("text", { x: 2, y: HEIGHT - 2 }, "-60 min"));
  svg.append(element("text", { x: WIDTH - 24, y: HEIGHT - 2 }, "now"));
  if (points.length > 0) {
    const line = points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ");
    const first = x(points[0][0]).toFixed(1);
    const last = x(points[points.length - 1][0]).toFixed(1);
    svg.append(element("path", { class: "area", d: `${line} L${last},${HEIGHT - 14} L${first},${HEIGHT - 14} Z` }));
    svg.append(element("path", { class: "line", d: line }));
  }
  const latest = points.length > 0 ? format(points[points.length - 1][1]) : "-";
  const figure = element("figure", { "data-metric": series.metric });
  const caption = element("figcaption");
  caption.append(element("span", {}, series.title), element("span", { class: "latest" }, latest));
  figure.append(caption, svg);
  return figure;
}

async function refresh() {
  try {
    const response = await fetch("/status.json", { cache: "no-store" });
    const status = await response.json();
    showFigures(status.figures);
    document.getElementById("charts").replaceChildren(...status.series.map(s => chart(s, status.time)));
    document.getElementById("updated").textContent = "updated " + new Date(status.time).toLocaleTimeString();
  } catch (e) {
    document.getElementById("updated").textContent = "server not answering: " + e.message;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
