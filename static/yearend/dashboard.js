// The dashboard's charts: each element with data-chart-url draws the ECharts option its endpoint sends
// (the Content-Security-Policy allows no inline script, so no option is written into the page).
document.addEventListener("DOMContentLoaded", function () {
  var drawn = [];
  document.querySelectorAll("[data-chart-url]").forEach(function (element) {
    fetch(element.dataset.chartUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (body) {
        if (body.height) element.style.height = body.height + "px";
        var chart = echarts.init(element, null, { renderer: "canvas" });
        chart.setOption(body.option);
        element.dataset.drawn = "yes";
        drawn.push(chart);
      })
      .catch(function () {
        element.dataset.drawn = "failed";
        element.textContent = element.dataset.failed || "—";
      });
  });
  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
});
