// Survey results: one bar chart per question, from the json_script block #survey-chart-data
// ([{id, kind, labels, counts}]). The table beside each chart carries the same numbers for
// screen readers and printing.
(function () {
  "use strict";
  var source = document.getElementById("survey-chart-data");
  if (!source || !window.echarts) { return; }
  var charts = JSON.parse(source.textContent);
  var instances = [];
  charts.forEach(function (chart) {
    var box = document.querySelector('.survey-chart[data-question="' + chart.id + '"]');
    if (!box) { return; }
    var horizontal = chart.kind === "single" || chart.kind === "multiple";
    var category = { type: "category", data: chart.labels, axisLabel: { interval: 0 } };
    var value = { type: "value", minInterval: 1 };
    var instance = window.echarts.init(box);
    instance.setOption({
      grid: { left: horizontal ? 120 : 40, right: 24, top: 16, bottom: 32, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({ inverse: true }, category) : value,
      series: [{ type: "bar", data: chart.counts, label: { show: true,
                 position: horizontal ? "right" : "top" } }],
      animation: false
    });
    instances.push(instance);
  });
  window.addEventListener("resize", function () {
    instances.forEach(function (instance) { instance.resize(); });
  });
})();
