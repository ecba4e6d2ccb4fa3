// The dashboard: reads /dashboard/events (one update a second) and draws it. Every value from the
// gateway (model names come from clients) goes in with textContent, never as HTML.
"use strict";
(function () {
  const WINDOW = 15 * 60;
  const MAX_REQUESTS = 500;
  const $ = id => document.getElementById(id);
  let points = [];      // [second, requests, errors, tokensIn, tokensOut, ttftP50, ttftP99]
  let requests = [];    // newest last
  let last = null;

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function fill(tbody, rows, build) {
    const out = document.createDocumentFragment();
    for (const r of rows) {
      const tr = document.createElement("tr");
      build(tr, r);
      out.appendChild(tr);
    }
    tbody.replaceChildren(out);
  }
  function ms(v) {
    if (v == null || v < 0) return "–";
    return v >= 10000 ? (v / 1000).toFixed(1) + " s" : Math.round(v) + " ms";
  }
  function micros(v) {
    if (v == null || v < 0) return "–";
    return v >= 1000 ? (v / 1000).toFixed(1) + " ms" : Math.round(v) + " µs";
  }
  function rate(v) {
    return v >= 100 ? Math.round(v).toLocaleString() : (Math.round(v * 10) / 10).toString();
  }
  function time(millis) {
    const d = new Date(millis);
    return d.toLocaleTimeString([], { hour12: false });
  }
  function since(millis, now) {
    const s = Math.max(0, Math.round((now - millis) / 1000));
    return s < 60 ? s + " s ago" : s < 3600 ? Math.round(s / 60) + " min ago"
      : Math.round(s / 3600) + " h ago";
  }
  function failed(r) { return r.status >= 400 || r.error !== ""; }
  function keyName(id) { return id === "" ? "(no key)" : id; }

  function apply(u) {
    last = u;
    if (u.full) {
      points = u.points;
      requests = u.requests;
    } else {
      points = points.concat(u.points);
      requests = requests.concat(u.requests);
    }
    const from = Math.floor(u.now / 1000) - WINDOW;
    while (points.length && points[0][0] < from) points.shift();
    if (requests.length > MAX_REQUESTS) requests = requests.slice(requests.length - MAX_REQUESTS);
    render(u);
  }

  function render(u) {
    const s = u.stats;
    $("t-streams").textContent = s.streams;
    $("t-rps").textContent = rate(s.rps);
    $("t-tps").textContent = rate(s.tps);
    $("t-ttft50").textContent = ms(s.ttftP50);
    $("t-ttft99").textContent = ms(s.ttftP99);
    $("t-added").textContent = micros(s.addedP50Us) + " / " + micros(s.addedP99Us);
    $("t-errors").textContent = s.errors1m;
    $("t-errors").classList.toggle("bad", s.errors1m > 0);
    $("uptime").textContent = "up " + since(u.started, u.now).replace(" ago", "");
    $("viewers").textContent = u.viewers === 1 ? "1 viewer" : u.viewers + " viewers";

    fill($("open-streams").tBodies[0], u.open, (tr, o) => {
      tr.dataset.door = o.door;
      tr.dataset.model = o.model;
      cell(tr, o.door); cell(tr, o.model); cell(tr, o.count, "num");
    });
    $("open-empty").hidden = u.open.length > 0;

    const types = Object.keys(u.errors15m).sort((a, b) => u.errors15m[b] - u.errors15m[a]);
    fill($("errors").tBodies[0], types, (tr, t) => {
      tr.dataset.type = t;
      cell(tr, t); cell(tr, u.errors1m[t] || 0, "num"); cell(tr, u.errors15m[t], "num");
    });
    $("errors-empty").hidden = types.length > 0;

    const keyRows = [];
    for (const up of u.upstreams) for (const k of up.keys) keyRows.push([up, k]);
    fill($("upstreams").tBodies[0], keyRows, (tr, [up, k]) => {
      cell(tr, up.route);
      cell(tr, up.target).title = up.target;
      const key = cell(tr, k.label || "(no key)");
      if (k.hash) {
        const h = document.createElement("span");
        h.className = "hash";
        h.textContent = " " + k.hash;
        key.appendChild(h);
      }
      cell(tr, k.inFlight + " / " + k.concurrency, "num");
      cell(tr, up.queued + " / " + up.queueSize, "num");
      const cooling = k.coolingUntil > u.now;
      cell(tr, cooling ? "until " + time(k.coolingUntil) : "–", cooling ? "cool" : "");
      cell(tr, k.requests1m, "num");
      cell(tr, k.errors1m, "num");
      cell(tr, k.lastErrorAt > 0 ? k.lastError + ", " + since(k.lastErrorAt, u.now) : "–");
    });

    fill($("keys").tBodies[0], u.keys, (tr, k) => {
      cell(tr, keyName(k.id));
      // A key without a concurrency limit is not counted in flight by the gateway.
      cell(tr, k.concurrency > 0 ? k.inFlight + " / " + k.concurrency : "–", "num");
      cell(tr, k.requests1m, "num");
      cell(tr, k.tokensIn1m.toLocaleString(), "num");
      cell(tr, k.tokensOut1m.toLocaleString(), "num");
      cell(tr, k.errors1m, "num");
      cell(tr, k.requests.toLocaleString(), "num");
      cell(tr, (k.tokensIn + k.tokensOut).toLocaleString(), "num");
    });

    renderCharts(u);
    renderRequests();
  }

  function renderCharts(u) {
    const to = Math.floor(u.now / 1000), from = to - WINDOW;
    const xs = points.map(p => p[0]);
    SluiceCharts.draw($("c-ttft"), xs, [
      { color: "--accent2", values: points.map(p => p[6] < 0 ? null : p[6]) },
      { color: "--accent", values: points.map(p => p[5] < 0 ? null : p[5]) }], from, to);
    SluiceCharts.draw($("c-tokens"), xs, [
      { color: "--ok", values: points.map(p => p[3]) },
      { color: "--accent", values: points.map(p => p[4]) }], from, to);
    SluiceCharts.draw($("c-errors"), xs, [
      { color: "--accent", values: points.map(p => p[1]) },
      { color: "--bad", values: points.map(p => p[2]) }], from, to);
  }

  function options(select, values) {
    const have = new Set(Array.from(select.options).map(o => o.value));
    for (const v of values) {
      if (have.has(v)) continue;
      const o = document.createElement("option");
      o.value = v;
      o.textContent = v === "" ? "(no key)" : v;
      select.appendChild(o);
      have.add(v);
    }
  }

  function renderRequests() {
    options($("f-key"), [...new Set(requests.map(r => r.key))].sort());
    options($("f-model"), [...new Set(requests.map(r => r.model))].sort());
    options($("f-status"), [...new Set(requests.map(r => String(r.status)))].sort());
    const key = $("f-key").value, model = $("f-model").value, status = $("f-status").value;
    const shown = [];
    for (let i = requests.length - 1; i >= 0; i--) {
      const r = requests[i];
      if (key !== "*" && r.key !== key) continue;
      if (model !== "*" && r.model !== model) continue;
      if (status === "ok" && failed(r)) continue;
      if (status === "error" && !failed(r)) continue;
      if (status !== "*" && status !== "ok" && status !== "error" && String(r.status) !== status) {
        continue;
      }
      shown.push(r);
    }
    $("shown").textContent = shown.length + " of " + requests.length;
    fill($("requests").tBodies[0], shown, (tr, r) => {
      tr.dataset.status = r.status;
      tr.dataset.model = r.model;
      tr.dataset.key = r.key;
      if (failed(r)) tr.className = "error";
      cell(tr, time(r.time));
      cell(tr, keyName(r.key));
      cell(tr, r.model);
      cell(tr, r.upstream === "" ? "–" : r.upstream + (r.upstreamKey ? " " + r.upstreamKey : ""))
        .title = r.upstream;
      cell(tr, r.status, "num status");
      cell(tr, ms(r.ttft), "num");
      cell(tr, ms(r.duration), "num");
      cell(tr, r.tokensIn + " / " + r.tokensOut, "num");
      cell(tr, r.finish || "–");
      cell(tr, r.error || "");
      tr.addEventListener("click", () => details(r));
    });
  }

  function details(r) {
    const fields = [
      ["Started", new Date(r.time).toISOString()], ["Ended", new Date(r.end).toISOString()],
      ["Gateway key", keyName(r.key)], ["Front door", r.door], ["Model", r.model],
      ["Target", r.upstream || "–"], ["Upstream key", r.upstreamKey || "–"],
      ["Status", r.status], ["Time to first token", ms(r.ttft)], ["Duration", ms(r.duration)],
      ["Tokens in", r.tokensIn], ["Tokens out", r.tokensOut], ["Cache read", r.cacheRead],
      ["Cache write", r.cacheWrite], ["Reasoning", r.reasoning], ["Finish", r.finish || "–"],
      ["Error", r.error || "–"]];
    const dl = $("details-list");
    dl.replaceChildren();
    for (const [k, v] of fields) {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = k; dd.textContent = v;
      dl.append(dt, dd);
    }
    const out = $("details-output");
    out.hidden = r.output == null;
    out.textContent = r.output == null ? "" : r.output || "(no output)";
    $("details").showModal();
  }

  for (const id of ["f-key", "f-model", "f-status"]) {
    $(id).addEventListener("change", renderRequests);
  }
  window.addEventListener("resize", () => { if (last) renderCharts(last); });

  function connect() {
    const events = new EventSource("/dashboard/events");
    events.addEventListener("update", e => {
      $("live").textContent = "live";
      $("live").className = "pill live";
      apply(JSON.parse(e.data));
    });
    events.onerror = () => {
      $("live").textContent = "reconnecting…";
      $("live").className = "pill down";
      // A session that ended (gateway restarted, expired) shows the sign-in form again.
      fetch("/dashboard/state", { method: "HEAD", cache: "no-store" }).then(r => {
        if (r.status === 401) location.reload();
      }, () => {});
    };
  }
  connect();
})();
