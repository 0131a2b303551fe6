/* The factory one-screen dashboard: fetches the window's figures once, then draws the figures
   each WebSocket push carries (the same dict the data URL answers): a changed number counts up
   to its new value and its card lights up briefly. The badge says live, reconnecting or offline;
   the socket reconnects with backoff, and while it is down the page polls the data URL. */
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  if (!root) return;
  const T = JSON.parse(document.getElementById("dashboard-labels").textContent);
  const dataUrl = root.dataset.dataUrl;
  let windowName = root.dataset.window;
  const charts = {};
  const MIN_REFRESH_GAP_MS = 800;
  // While the socket is down the page asks for the figures itself; while it is up, a slow
  // safety poll covers a push lost on the way (a restarted worker, a dropped Redis message).
  const POLL_OFFLINE_MS = 5000, POLL_LIVE_MS = 60000;
  const COUNT_UP_MS = 700, HIGHLIGHT_MS = 1800;
  const reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  let lastFetch = 0, refreshTimer = null, fetching = false, again = false;

  function chart(id) {
    const el = document.getElementById(id);
    if (!charts[id]) charts[id] = echarts.init(el, document.body.classList.contains("dash-wall") ? "dark" : null);
    return charts[id];
  }
  function fmt(value, suffix) { return value === null || value === undefined ? "–" : value + (suffix || ""); }
  // --- visible change: a card whose figure changed lights up; a number counts up to its value ---
  function highlight(el) {
    if (!el) return;
    el.classList.remove("dash-changed");
    void el.offsetWidth;  // restart the animation when a figure changes again within it
    el.classList.add("dash-changed");
    clearTimeout(el._changedTimer);
    el._changedTimer = setTimeout(() => el.classList.remove("dash-changed"), HIGHLIGHT_MS);
    root.dataset.changes = String(Number(root.dataset.changes || 0) + 1);
  }
  function text(id, value) {
    const el = document.getElementById(id);
    if (!el) return;
    const shown = String(value);
    if (el.textContent === shown) return;
    const first = el.dataset.drawn !== "1";
    el.dataset.drawn = "1";
    el.textContent = shown;
    if (!first) highlight(el.closest(".card") || el);
  }
  function countUp(el, from, to, decimals, suffix, final) {
    cancelAnimationFrame(el._frame); clearTimeout(el._finish);
    const started = performance.now();
    const finish = () => { cancelAnimationFrame(el._frame); el.textContent = final; };
    const step = (now) => {
      const t = Math.min(1, (now - started) / COUNT_UP_MS);
      if (t >= 1) { finish(); return; }
      const eased = 1 - Math.pow(1 - t, 3);
      el.textContent = (from + (to - from) * eased).toFixed(decimals) + (suffix || "");
      el._frame = requestAnimationFrame(step);
    };
    el._frame = requestAnimationFrame(step);
    // A hidden tab runs no animation frames: the final figure is shown all the same.
    el._finish = setTimeout(finish, COUNT_UP_MS + 100);
  }
  function figure(id, value, suffix) {
    const el = document.getElementById(id);
    if (!el) return;
    const final = fmt(value, suffix);
    const before = el.dataset.value;
    const after = value === null || value === undefined ? "" : String(value);
    if (before === after && el.textContent === final) return;
    el.dataset.value = after;
    const from = Number(before), to = Number(after);
    if (before !== undefined && before !== "" && after !== "" && isFinite(from) && isFinite(to) && !reducedMotion) {
      countUp(el, from, to, (after.split(".")[1] || "").length, suffix, final);
    } else {
      cancelAnimationFrame(el._frame); clearTimeout(el._finish);
      el.textContent = final;
    }
    if (before !== undefined) highlight(el.closest(".card") || el);
  }
  function esc(s) { const d = document.createElement("div"); d.textContent = s === null || s === undefined ? "" : String(s); return d.innerHTML; }
  function empty(section, missing, none) {
    const el = root.querySelector('[data-empty-for="' + section + '"]');
    if (el) el.textContent = missing ? T.missing : (none ? T.none : "");
  }

  function show(id, visible) { document.getElementById(id).style.display = visible ? "" : "none"; }

  function link(id, url) { const el = document.getElementById(id + "-link"); if (el && url) el.href = url; }
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    return seconds < 60 ? seconds.toFixed(1) + " " + T.seconds : (seconds / 60).toFixed(1) + " " + T.minutes;
  }
  function renderSeed(s, synthetic) {
    const badge = document.getElementById("synthetic");
    badge.hidden = !synthetic;
    if (synthetic) badge.firstElementChild.textContent = T.synthetic.replace("%(first)s", synthetic.first).replace("%(last)s", synthetic.last);
    if (!s) return;
    text("seed-conversion", duration(s.conversion.average_seconds));
    text("seed-conversion-sub", s.conversion.orders + " " + T.orders);
    link("seed-conversion", s.conversion.url);
    figure("seed-per-person", s.per_person_day);
    figure("seed-material", s.material.days_lost);
    text("seed-material-sub", s.material.work_orders + " " + T.work_orders + (s.material.ongoing ? " · " + s.material.ongoing + " " + T.waiting : "") +
      (s.material.by_cause.length ? " · " + s.material.by_cause.map((c) => c.label + " " + c.materials).join(", ") : ""));
    link("seed-material", s.material.url);
    figure("seed-intake", s.intake.orders);
    text("seed-intake-sub", s.intake.pieces + " " + T.pieces);
    link("seed-intake", s.intake.url);
    figure("seed-waiting", s.waiting.orders);
    text("seed-waiting-sub", s.waiting.pieces + " " + T.pieces);
    link("seed-waiting", s.waiting.url);
    figure("seed-overdue", s.overdue_purchase_orders.count);
    link("seed-overdue", s.overdue_purchase_orders.url);
    figure("seed-shipments", s.shipments.count);
    text("seed-shipments-sub", s.shipments.pieces + " " + T.pieces + " · " + T.on_time + " " + fmt(s.shipments.on_time_rate, "%"));
    link("seed-shipments", s.shipments.url);
  }

  function render(d) {
    renderSeed(d.seed, d.synthetic);
    const k = d.kpi;
    figure("kpi-output", k.output);
    figure("kpi-plan", k.plan);
    figure("kpi-attainment", k.plan_attainment, "%");
    figure("kpi-qualified", k.qualified_rate, "%");
    figure("kpi-dhu", k.dhu);
    figure("kpi-per-person", k.per_person_today);
    figure("kpi-operators", k.operators_today);
    // The factory's wall clock, not the viewer's: a head office elsewhere sees the floor's time.
    const stamp = document.getElementById("generated-at");
    if (stamp) stamp.textContent = (new Date(d.generated_at).toLocaleTimeString(
      document.documentElement.lang || undefined, { timeZone: d.factory.time_zone, hour12: false }));

    chart("chart-output").setOption({
      tooltip: { trigger: "axis" }, legend: { data: [T.output, T.plan], top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 24 },
      xAxis: { type: "category", data: d.series.labels }, yAxis: { type: "value" },
      series: [
        { name: T.output, type: "bar", data: d.series.output, itemStyle: { color: "#0d6efd" } },
        { name: T.plan, type: "line", step: "middle", data: d.series.plan, itemStyle: { color: "#fd7e14" } },
      ],
    });
    chart("chart-lines").setOption({
      tooltip: { trigger: "axis" }, legend: { data: [T.qualified, "DHU"], top: 0 },
      grid: { left: 40, right: 40, top: 30, bottom: 24 },
      xAxis: { type: "category", data: d.lines.map((l) => l.name) },
      yAxis: [{ type: "value", max: 100 }, { type: "value" }],
      series: [
        { name: T.qualified, type: "bar", data: d.lines.map((l) => l.qualified_rate), itemStyle: { color: "#198754" } },
        { name: "DHU", type: "line", yAxisIndex: 1, data: d.lines.map((l) => l.dhu), itemStyle: { color: "#dc3545" } },
      ],
    });
    const perPerson = d.series.per_person;
    chart("chart-per-person").setOption({
      tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, top: 10, bottom: 24 },
      xAxis: { type: "category", data: perPerson ? d.series.labels : [T.today] }, yAxis: { type: "value" },
      series: [{ type: "line", areaStyle: {}, data: perPerson || [k.per_person_today || 0] }],
    });

    const dev = d.devices;
    empty("devices", dev === null);
    show("chart-devices", dev !== null);
    text("kpi-running", dev ? fmt(dev.running) + " / " + fmt(dev.total) : "–");
    figure("kpi-utilization", dev ? dev.utilization : null, "%");
    chart("chart-devices").setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["40%", "70%"], data: dev ? [
        { name: T.running, value: dev.running || 0, itemStyle: { color: "#198754" } },
        { name: T.idle, value: dev.idle || 0, itemStyle: { color: "#ffc107" } },
        { name: T.stopped, value: dev.stopped || 0, itemStyle: { color: "#dc3545" } },
        { name: T.offline, value: dev.offline || 0, itemStyle: { color: "#6c757d" } },
      ] : [] }],
    });

    const wip = d.wip;
    empty("wip", wip === null, wip && !wip.stations.length);
    show("chart-wip", wip !== null && wip.stations.length > 0);
    text("bottleneck", wip && wip.bottleneck ? T.bottleneck + " " + wip.bottleneck.station : "");
    chart("chart-wip").setOption({
      tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, top: 10, bottom: 24 },
      xAxis: { type: "category", data: wip ? wip.stations.map((s) => s.station) : [] }, yAxis: { type: "value" },
      series: [{ type: "bar", data: wip ? wip.stations.map((s) => ({ value: s.wip,
        itemStyle: { color: wip.bottleneck && s.station === wip.bottleneck.station ? "#dc3545" : "#6f42c1" } })) : [] }],
    });

    const tbody = document.querySelector("#work-orders tbody");
    const wos = d.work_orders;
    empty("work_orders", wos === null, wos && !wos.length);
    const before = tbody._rows;
    tbody._rows = {};
    tbody.innerHTML = (wos || []).map((w) =>
      '<tr data-work-order="' + esc(w.number) + '" class="' + (w.at_risk ? "table-warning" : "") + '"><td>' + esc(w.number) + ' <span class="text-muted small">' + esc(w.style || "") +
      "</span></td><td>" + esc(w.quantity) + "</td><td>" + esc(w.finished) + " (" + fmt(w.percent, "%") + ")</td><td>" +
      esc(w.due_date || "–") + "</td><td>" + esc(w.expected_finish || "–") + "</td></tr>").join("");
    // A work order whose progress moved since the last drawing lights up (not on the first).
    tbody.querySelectorAll("tr[data-work-order]").forEach((row) => {
      const key = row.dataset.workOrder, seen = row.textContent;
      tbody._rows[key] = seen;
      if (before && before[key] !== undefined && before[key] !== seen) highlight(row);
    });

    const alarms = d.alarms;
    empty("alarms", alarms === null, alarms && !alarms.length);
    figure("kpi-alarms", alarms ? alarms.length : null);
    document.getElementById("alarms").innerHTML = (alarms || []).slice(0, 12).map((a) =>
      '<li><span class="badge text-bg-danger">' + esc(a.severity || "!") + "</span> " + esc(a.device || "") + " " + esc(a.message || "") + "</li>").join("");
    const shortages = d.shortages;
    empty("shortages", shortages === null, shortages && !shortages.length);
    figure("kpi-shortages", shortages ? shortages.length : null);
    document.getElementById("shortages").innerHTML = (shortages || []).slice(0, 12).map((s) =>
      "<li>" + esc(s.material) + ": " + esc(s.short) + " " + esc(s.unit || "") + (s.need_date ? " · " + esc(s.need_date) : "") + "</li>").join("");
    const risk = d.orders_at_risk;
    empty("orders_at_risk", risk === null, risk && !risk.length);
    document.getElementById("orders-at-risk").innerHTML = (risk || []).map((o) =>
      "<li><strong>" + esc(o.order) + "</strong> " + esc(o.merchant || "") + " · " + T.due + " " + esc(o.due_date) +
      " · " + T.expected + " " + esc(o.expected_finish || "–") + "</li>").join("");
    const wages = d.wages;
    text("kpi-wages", wages && wages.total !== null ? "¥" + Number(wages.total).toLocaleString() : "–");
    text("kpi-wages-period", wages ? wages.label || "" : T.missing);
  }

  async function refresh() {
    if (fetching) { again = true; return; }
    fetching = true; lastFetch = Date.now();
    try {
      const response = await fetch(dataUrl + "?window=" + encodeURIComponent(windowName), {
        credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) render(await response.json());
    } catch (e) { /* offline for a moment: the next update or reconnect fetches again */ }
    fetching = false;
    if (again) { again = false; scheduleRefresh(); }
  }
  function scheduleRefresh() {
    if (refreshTimer) return;
    const wait = Math.max(0, lastFetch + MIN_REFRESH_GAP_MS - Date.now());
    refreshTimer = setTimeout(() => { refreshTimer = null; refresh(); }, wait);
  }

  // --- live: the factory's group. Each push carries the figures; reconnect with backoff. ---
  let socket = null, retry = 0, pingTimer = null, reconnectTimer = null, pollTimer = null;
  let state = "connecting";
  const OFFLINE_AFTER = 3;  // failed attempts in a row before the badge says offline
  function setState(next) {
    state = next;
    const badge = document.getElementById("live-state");
    badge.dataset.state = next;
    badge.textContent = T[next === "offline" ? "link_offline" : next];
    badge.className = "badge " + ({ live: "text-bg-success", reconnecting: "text-bg-warning",
      connecting: "text-bg-secondary" }[next] || "text-bg-danger");
    badge.title = next === "live" ? "" : T.polling;
    poll();
  }
  function poll() {
    clearTimeout(pollTimer);
    if (state === "refused") return;
    pollTimer = setTimeout(() => { refresh(); poll(); }, state === "live" ? POLL_LIVE_MS : POLL_OFFLINE_MS);
  }
  function socketUrl() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const query = "?window=" + encodeURIComponent(windowName) + "&lang=" + encodeURIComponent(document.documentElement.lang || "");
    return scheme + location.host + root.dataset.wsPath + query;
  }
  function connect() {
    clearTimeout(reconnectTimer); reconnectTimer = null;
    if (socket && socket.readyState <= 1) return;
    socket = new WebSocket(socketUrl());
    socket.onopen = () => {
      retry = 0; setState("live"); scheduleRefresh();
      clearInterval(pingTimer);
      pingTimer = setInterval(() => { if (socket.readyState === 1) socket.send('{"type":"ping"}'); }, 25000);
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type !== "update") return;
      root.dataset.updates = String(Number(root.dataset.updates || 0) + 1);
      // The push carries the figures of the socket's window; a push for a window the viewer
      // just left (it crossed the switch) is followed by a fetch instead.
      if (message.data && message.window === windowName) render(message.data);
      else scheduleRefresh();
    };
    socket.onclose = (event) => {
      clearInterval(pingTimer);
      if (event.code === 4403) { setState("refused"); return; }
      retry += 1;
      setState(retry >= OFFLINE_AFTER || navigator.onLine === false ? "offline" : "reconnecting");
      // Exponential backoff with jitter, so a restarted server is not met by every screen at once.
      const wait = Math.min(500 * 2 ** Math.min(retry - 1, 5), 15000) * (0.75 + Math.random() / 2);
      reconnectTimer = setTimeout(connect, wait);
    };
    socket.onerror = () => { /* onclose follows and reconnects */ };
  }
  window.addEventListener("offline", () => { if (state !== "refused") setState("offline"); });
  window.addEventListener("online", () => { if (state !== "live" && state !== "refused") connect(); });

  root.querySelectorAll("[data-window-button]").forEach((button) => {
    button.addEventListener("click", () => {
      windowName = button.dataset.windowButton;
      root.querySelectorAll("[data-window-button]").forEach((b) => b.classList.toggle("active", b === button));
      const url = new URL(location.href); url.searchParams.set("window", windowName);
      history.replaceState(null, "", url);
      if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "window", window: windowName }));
      refresh();
    });
  });
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  refresh();
  connect();
  poll();
})();
