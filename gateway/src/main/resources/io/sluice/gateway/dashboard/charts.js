// A small line chart on a canvas: a few series over a fixed time window, no library.
"use strict";
window.SluiceCharts = (function () {
  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }
  function nice(max) {
    if (max <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(max)));
    const f = max / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }
  function label(v) {
    return v >= 1e6 ? (v / 1e6).toFixed(1) + "M" : v >= 1e4 ? Math.round(v / 1e3) + "k"
      : v >= 1000 ? (v / 1e3).toFixed(1) + "k" : String(Math.round(v * 10) / 10);
  }
  // series: [{color: "--accent", values: [number|null]}], xs: seconds, window: [from, to]
  function draw(canvas, xs, series, from, to) {
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio)) canvas.width = Math.round(w * ratio);
    if (canvas.height !== Math.round(h * ratio)) canvas.height = Math.round(h * ratio);
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    const left = 40, right = 6, top = 6, bottom = 18;
    let max = 0;
    for (const s of series) for (const v of s.values) if (v != null && v > max) max = v;
    max = nice(max * 1.1);
    const x = t => left + (t - from) / (to - from) * (w - left - right);
    const y = v => top + (1 - v / max) * (h - top - bottom);
    g.font = "11px system-ui, sans-serif";
    g.fillStyle = css("--muted");
    g.strokeStyle = css("--line");
    g.lineWidth = 1;
    for (let i = 0; i <= 2; i++) {
      const v = max * i / 2, yy = Math.round(y(v)) + 0.5;
      g.beginPath(); g.moveTo(left, yy); g.lineTo(w - right, yy); g.stroke();
      g.textAlign = "right"; g.textBaseline = "middle"; g.fillText(label(v), left - 6, yy);
    }
    g.textAlign = "center"; g.textBaseline = "alphabetic";
    for (const m of [15, 10, 5, 0]) {
      const t = to - m * 60;
      if (t >= from) g.fillText(m === 0 ? "now" : "-" + m + "m", Math.min(x(t), w - 14), h - 4);
    }
    for (const s of series) {
      g.strokeStyle = css(s.color);
      g.lineWidth = 1.5;
      g.beginPath();
      let pen = false;
      for (let i = 0; i < xs.length; i++) {
        const v = s.values[i];
        if (v == null) { pen = false; continue; }
        if (pen) g.lineTo(x(xs[i]), y(v)); else g.moveTo(x(xs[i]), y(v));
        pen = true;
      }
      g.stroke();
    }
  }
  return { draw: draw };
})();
