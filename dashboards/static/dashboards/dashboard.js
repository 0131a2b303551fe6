/* The factory one-screen dashboard: fetches the window's figures, draws them with ECharts and
   refreshes when the factory's WebSocket group says something changed. Reconnects by itself. */
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  if (!root) return;
  const T = JSON.parse(document.getElementById("dashboard-labels").textContent);
  const dataUrl = root.dataset.dataUrl;
  let windowName = root.dataset.window;
  const charts = {};
  const MIN_REFRESH_GAP_MS = 800;
  let lastFetch = 0, refreshTimer = null, fetching = false, again = false;

  function chart(id) {
    const el = document.getElementById(id);
    if (!charts[id]) charts[id] = echarts.init(el, document.body.classList.contains("dash-wall") ? "dark" : null);
    return charts[id];
  }
  function text(id, value) { const el = document.getElementById(id); if (el) el.textContent = value; }
  function fmt(value, suffix) { return value === null || value === undefined ? "–" : value + (suffix || ""); }
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
    text("seed-per-person", fmt(s.per_person_day));
    text("seed-material", fmt(s.material.days_lost));
    text("seed-material-sub", s.material.work_orders + " " + T.work_orders + (s.material.ongoing ? " · " + s.material.ongoing + " " + T.waiting : "") +
      (s.material.by_cause.length ? " · " + s.material.by_cause.map((c) => c.label + " " + c.materials).join(", ") : ""));
    link("seed-material", s.material.url);
    text("seed-intake", fmt(s.intake.orders));
    text("seed-intake-sub", s.intake.pieces + " " + T.pieces);
    link("seed-intake", s.intake.url);
    text("seed-waiting", fmt(s.waiting.orders));
    text("seed-waiting-sub", s.waiting.pieces + " " + T.pieces);
    link("seed-waiting", s.waiting.url);
    text("seed-overdue", fmt(s.overdue_purchase_orders.count));
    link("seed-overdue", s.overdue_purchase_orders.url);
    text("seed-shipments", fmt(s.shipments.count));
    text("seed-shipments-sub", s.shipments.pieces + " " + T.pieces + " · " + T.on_time + " " + fmt(s.shipments.on_time_rate, "%"));
    link("seed-shipments", s.shipments.url);
  }

  function render(d) {
    renderSeed(d.seed, d.synthetic);
    const k = d.kpi;
    text("kpi-output", fmt(k.output));
    text("kpi-plan", fmt(k.plan));
    text("kpi-attainment", fmt(k.plan_attainment, "%"));
    text("kpi-qualified", fmt(k.qualified_rate, "%"));
    text("kpi-dhu", fmt(k.dhu));
    text("kpi-per-person", fmt(k.per_person_today));
    text("kpi-operators", fmt(k.operators_today));
    // The factory's wall clock, not the viewer's: a head office elsewhere sees the floor's time.
    text("generated-at", new Date(d.generated_at).toLocaleTimeString(
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
    text("kpi-utilization", dev ? fmt(dev.utilization, "%") : "–");
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
    tbody.innerHTML = (wos || []).map((w) =>
      '<tr class="' + (w.at_risk ? "table-warning" : "") + '"><td>' + esc(w.number) + ' <span class="text-muted small">' + esc(w.style || "") +
      "</span></td><td>" + esc(w.quantity) + "</td><td>" + esc(w.finished) + " (" + fmt(w.percent, "%") + ")</td><td>" +
      esc(w.due_date || "–") + "</td><td>" + esc(w.expected_finish || "–") + "</td></tr>").join("");

    const alarms = d.alarms;
    empty("alarms", alarms === null, alarms && !alarms.length);
    text("kpi-alarms", alarms ? alarms.length : "–");
    document.getElementById("alarms").innerHTML = (alarms || []).slice(0, 12).map((a) =>
      '<li><span class="badge text-bg-danger">' + esc(a.severity || "!") + "</span> " + esc(a.device || "") + " " + esc(a.message || "") + "</li>").join("");
    const shortages = d.shortages;
    empty("shortages", shortages === null, shortages && !shortages.length);
    text("kpi-shortages", shortages ? shortages.length : "–");
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

  // --- live: the factory's group; reconnect with backoff after a server restart ---
  let socket = null, retry = 0, pingTimer = null;
  function setState(state) {
    const badge = document.getElementById("live-state");
    badge.dataset.state = state;
    badge.textContent = T[state];
    badge.className = "badge " + (state === "live" ? "text-bg-success" : "text-bg-warning");
  }
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.wsPath);
    socket.onopen = () => {
      retry = 0; setState("live"); scheduleRefresh();
      clearInterval(pingTimer);
      pingTimer = setInterval(() => { if (socket.readyState === 1) socket.send('{"type":"ping"}'); }, 25000);
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "update") { root.dataset.updates = String(Number(root.dataset.updates || 0) + 1); scheduleRefresh(); }
    };
    socket.onclose = (event) => {
      clearInterval(pingTimer);
      if (event.code === 4403) { setState("refused"); return; }
      setState("reconnecting");
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, Math.min(500 * 2 ** (retry - 1), 10000));
    };
    socket.onerror = () => { /* onclose follows and reconnects */ };
  }

  root.querySelectorAll("[data-window-button]").forEach((button) => {
    button.addEventListener("click", () => {
      windowName = button.dataset.windowButton;
      root.querySelectorAll("[data-window-button]").forEach((b) => b.classList.toggle("active", b === button));
      const url = new URL(location.href); url.searchParams.set("window", windowName);
      history.replaceState(null, "", url);
      refresh();
    });
  });
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  refresh();
  connect();
})();
