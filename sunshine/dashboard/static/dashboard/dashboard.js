// Draw the breakdown's rates as a bar chart with Apache ECharts. The table
// under the chart shows the same figures, so the page works without this.
(function () {
  "use strict";

  function percent(value) {
    return value === null || value === undefined ? "—" : value.toFixed(2) + "%";
  }

  function draw() {
    var source = document.getElementById("dashboard-chart-data");
    var target = document.getElementById("dashboard-chart");
    if (!source || !target || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.labels.length) {
      return;
    }

    target.hidden = false;
    var chart = window.echarts.init(target, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 40, bottom: 90 },
      xAxis: {
        type: "category",
        data: data.labels,
        axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 40 : 0 }
      },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      series: data.series.map(function (series) {
        return { name: series.name, type: "bar", data: series.data };
      })
    });

    // A click on a region's bars opens that region, as its row's link does.
    chart.on("click", function (params) {
      var url = data.urls[params.dataIndex];
      if (url) {
        window.location.href = url;
      }
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
