// Chart of a project's envelopes: planned (amount) vs used (value of validated hours) and
// distributed. Data comes from the json_script "envelopes-chart-data"; the table above it
// keeps every figure readable without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("envelopes-chart");
  const source = document.getElementById("envelopes-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const lang = document.documentElement.lang || "fr";
  const numbers = (values) => values.map((v) => Number(v)); // display only, never stored
  const money = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" });
  // Axis ticks in whole euros ("25 000 €"); fewer of them on a phone.
  const tick = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  const narrow = window.matchMedia("(max-width: 600px)").matches;
  const series = data.series; // translated by the server
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: series[0], data: numbers(data.planned), backgroundColor: "#9fd3c4" },
        { label: series[1], data: numbers(data.used), backgroundColor: "#0b7a63" },
        { label: series[2], data: numbers(data.distributed), backgroundColor: "#f6c344" },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { position: narrow ? "bottom" : "top", labels: { boxWidth: 12, font: { size: narrow ? 11 : 12 } } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label} : ${money.format(c.parsed.y)}` } },
      },
      scales: {
        y: { beginAtZero: true, ticks: { callback: (v) => tick.format(v), maxTicksLimit: narrow ? 5 : 8, font: { size: narrow ? 10 : 12 } } },
        x: { ticks: { autoSkip: true, maxRotation: narrow ? 60 : 0, font: { size: narrow ? 10 : 12 } } },
      },
    },
  });
});
