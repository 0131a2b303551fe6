/* District trends: output bars with qualified rate and on-time delivery lines, by month or week. */
(function () {
  "use strict";
  const el = document.getElementById("district-trend");
  if (!el) return;
  const data = JSON.parse(document.getElementById("district-trend-data").textContent);
  const chart = echarts.init(el);
  function draw(kind) {
    const rows = data[kind];
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.output, data.labels.qualified, data.labels.on_time], top: 0 },
      grid: { left: 50, right: 40, top: 30, bottom: 24 },
      xAxis: { type: "category", data: rows.map((r) => r.period) },
      yAxis: [{ type: "value" }, { type: "value", max: 100 }],
      series: [
        { name: data.labels.output, type: "bar", data: rows.map((r) => r.output) },
        { name: data.labels.qualified, type: "line", yAxisIndex: 1, data: rows.map((r) => r.qualified_rate) },
        { name: data.labels.on_time, type: "line", yAxisIndex: 1, data: rows.map((r) => r.on_time_delivery) },
      ],
    });
  }
  document.querySelectorAll("[data-trend]").forEach((button) => button.addEventListener("click", () => {
    document.querySelectorAll("[data-trend]").forEach((b) => b.classList.toggle("active", b === button));
    draw(button.dataset.trend === "week" ? "week_trend" : "month_trend");
  }));
  window.addEventListener("resize", () => chart.resize());
  draw("month_trend");
})();
