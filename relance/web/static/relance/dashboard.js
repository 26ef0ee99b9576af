/* Dashboard and analysis charts. The figures come from the page (json_script "dashboard-charts"); every
   chart has a table beside it with the same amounts, so the page reads fine without them. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var lang = document.documentElement.lang || "fr";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var AGED_COLOURS = ["#1b6b3a", "#b7950b", "#c0661a", "#a8441b", "#a8231b"];
  var TREND_COLOURS = ["#1f4fd1", "#a8231b", "#1b6b3a"];

  function money(currency) {
    var format = new Intl.NumberFormat(lang, { style: "currency", currency: currency, maximumFractionDigits: 0 });
    return function (value) { return format.format(value); };
  }

  function aged(spec) {
    var show = money(spec.currency);
    return {
      type: "bar",
      data: { labels: spec.labels, datasets: [{ label: spec.label, data: spec.values, backgroundColor: AGED_COLOURS }] },
      options: {
        maintainAspectRatio: false, animation: still ? false : undefined,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (item) { return show(item.parsed.y); } } } },
        scales: { y: { beginAtZero: true, ticks: { callback: show } } }
      }
    };
  }

  function trend(spec) {
    var show = money(spec.currency);
    var datasets = spec.series.map(function (series, index) {
      var bar = index === 2;
      return {
        type: bar ? "bar" : "line", label: series.label, data: series.values,
        borderColor: TREND_COLOURS[index], backgroundColor: bar ? "rgba(27,107,58,.35)" : TREND_COLOURS[index],
        spanGaps: false, tension: 0.2, order: bar ? 2 : 1
      };
    });
    return {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false, animation: still ? false : undefined,
        interaction: { mode: "index", intersect: false },
        plugins: { tooltip: { callbacks: { label: function (item) { return item.dataset.label + " : " + show(item.parsed.y); } } } },
        scales: { y: { beginAtZero: true, ticks: { callback: show } } }
      }
    };
  }

  /* The forecast's sources told apart without colour: plain, hatched, dotted. */
  function pattern(kind, colour) {
    var tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    var pen = tile.getContext("2d");
    pen.fillStyle = "#ffffff"; pen.fillRect(0, 0, 8, 8);
    pen.strokeStyle = pen.fillStyle = colour;
    if (kind === 0) { pen.fillRect(0, 0, 8, 8); }
    else if (kind === 1) { pen.lineWidth = 2; pen.beginPath(); pen.moveTo(0, 8); pen.lineTo(8, 0); pen.stroke(); }
    else { pen.beginPath(); pen.arc(4, 4, 1.6, 0, 2 * Math.PI); pen.fill(); }
    return pen.createPattern(tile, "repeat");
  }

  function forecast(spec) {
    var show = money(spec.currency);
    var datasets = spec.series.map(function (series, index) {
      return {
        label: series.label, data: series.values, stack: "receipts",
        backgroundColor: pattern(index, TREND_COLOURS[index]), borderColor: TREND_COLOURS[index], borderWidth: 1
      };
    });
    return {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false, animation: still ? false : undefined,
        interaction: { mode: "index", intersect: false },
        plugins: { tooltip: { callbacks: { label: function (item) { return item.dataset.label + " : " + show(item.parsed.y); } } } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { callback: show } } }
      }
    };
  }

  // Rates (percent) as grouped bars, DSO (days) as lines: the analysis page.
  function series(spec) {
    var percent = spec.kind === "percent";
    var unit = percent ? function (value) { return value + " %"; } : function (value) { return value; };
    return {
      type: percent ? "bar" : "line",
      data: { labels: spec.labels, datasets: spec.series.map(function (one, index) {
        return { label: one.label, data: one.values, borderColor: TREND_COLOURS[index],
                 backgroundColor: TREND_COLOURS[index], spanGaps: false, tension: 0.2 };
      }) },
      options: {
        maintainAspectRatio: false, animation: still ? false : undefined,
        plugins: { tooltip: { callbacks: { label: function (item) { return item.dataset.label + " : " + unit(item.parsed.y); } } } },
        scales: { y: { beginAtZero: true, max: percent ? 100 : undefined, ticks: { callback: unit } } }
      }
    };
  }

  var BUILDERS = { aged: aged, trend: trend, forecast: forecast, percent: series, days: series };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = charts[canvas.getAttribute("data-chart")];
    if (!spec || !BUILDERS[spec.kind]) { return; }
    new window.Chart(canvas, BUILDERS[spec.kind](spec));
  });
})();
