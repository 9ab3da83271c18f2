// Dashboard charts: every .dash-chart[data-chart-source] draws the JSON of the
// <script type="application/json" id="…"> it names (built by portal/dashboards/tables.py:
// {type, labels, series: [{name, data}]}). The table beside each chart has the same numbers.
// Charts are redrawn when htmx swaps content in, and [data-print] buttons print the page.
(function () {
  "use strict";

  function option(spec) {
    if (spec.type === "pie") {
      return {
        tooltip: { trigger: "item" },
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: "60%", data: spec.labels.map(function (label, i) {
          return { name: label, value: spec.series[0].data[i] };
        }) }]
      };
    }
    return {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 56 },
      xAxis: { type: "category", data: spec.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.type, data: s.data };
      })
    };
  }

  function draw(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll(".dash-chart[data-chart-source]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chartSource);
      if (!source) { return; }
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
      chart.setOption(option(JSON.parse(source.textContent)), true);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
  document.body && document.body.addEventListener("htmx:afterSwap", function (event) {
    draw(event.target);
  });
  window.addEventListener("resize", function () {
    if (!window.echarts) { return; }
    document.querySelectorAll(".dash-chart").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
}());
