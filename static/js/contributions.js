// Contributions: small enhancements; every page works without JavaScript.
(function () {
  "use strict";

  // Quick log: show only the envelopes of the chosen project; show "invited by" only for
  // creative sessions. Re-run after htmx swaps the form.
  function setupLogForm(root) {
    const project = root.querySelector("select[name=project]");
    const envelope = root.querySelector("select[name=envelope]");
    const kind = root.querySelector("select[name=kind]");
    if (project && envelope) {
      // After a saved entry htmx keeps the envelope select the page had (data-hx-preserve):
      // drop what an earlier refused entry left on it.
      if (!envelope.closest(".has-error")) {
        envelope.removeAttribute("aria-invalid");
        envelope.removeAttribute("aria-describedby");
      }
      const filter = () => {
        let firstVisible = null;
        envelope.querySelectorAll("option[data-project]").forEach((opt) => {
          const show = !project.value || opt.dataset.project === project.value;
          opt.hidden = !show;
          opt.disabled = !show;
          if (show && !firstVisible) firstVisible = opt;
        });
        const selected = envelope.selectedOptions[0];
        if (selected && selected.disabled) envelope.value = firstVisible ? firstVisible.value : "";
        if (!envelope.value && firstVisible) envelope.value = firstVisible.value;
      };
      project.addEventListener("change", filter);
      filter();
    }
    if (kind) {
      const toggle = () => {
        root.querySelectorAll("[data-show-when-kind]").forEach((el) => {
          const hasError = el.classList.contains("has-error");
          el.hidden = !hasError && el.dataset.showWhenKind !== kind.value;
        });
      };
      kind.addEventListener("change", toggle);
      toggle();
    }
  }

  // Week timesheet: arrow keys move between cells, totals follow what is typed.
  function parseHours(text) {
    const v = (text || "").trim().toLowerCase().replace(",", ".");
    if (!v) return 0;
    let m = v.match(/^(\d{1,2})\s*(?:h|:)\s*(\d{1,2})?\s*(?:min|mn|m)?$/);
    if (m) return parseInt(m[1], 10) + (parseInt(m[2] || "0", 10) / 60);
    m = v.match(/^(\d{1,4})\s*(?:min|mn|m|minutes?)$/);
    if (m) return parseInt(m[1], 10) / 60;
    m = v.match(/^(\d+(?:\.\d+)?)\s*(?:h|heures?)?$/);
    return m ? parseFloat(m[1]) : 0;  // display only: the server computes in Decimal
  }
  function fmt(h) {
    const r = Math.round(h * 100) / 100;
    return r.toLocaleString("fr-FR", { maximumFractionDigits: 2 }) + "\u00a0h";
  }
  function setupTimesheet(form) {
    const body = form.querySelector("#ts-rows");
    const recompute = () => {
      const days = [0, 0, 0, 0, 0, 0, 0];
      body.querySelectorAll("tr.ts-row").forEach((tr) => {
        let rowTotal = 0;
        tr.querySelectorAll("td.ts-cell").forEach((td, j) => {
          const input = td.querySelector("input.ts-input");
          const locked = td.querySelector(".ts-locked");
          let h = 0;
          if (input) h = parseHours(input.value);
          // A locked cell says what it counts (refused hours excluded) in data-hours.
          else if (locked) h = Number(locked.dataset.hours || 0);
          rowTotal += h; days[j] += h;
        });
        const cell = tr.querySelector(".ts-row-total");
        if (cell) cell.textContent = fmt(rowTotal);
      });
      form.querySelectorAll(".ts-day-total").forEach((td, j) => { td.textContent = fmt(days[j]); });
      const grand = form.querySelector(".ts-grand-total");
      if (grand) grand.textContent = fmt(days.reduce((a, b) => a + b, 0));
    };
    form.addEventListener("input", (e) => { if (e.target.matches("input.ts-input")) recompute(); });
    form.addEventListener("keydown", (e) => {
      const input = e.target;
      if (!input.matches("input.ts-input")) return;
      const td = input.closest("td"), tr = input.closest("tr");
      const col = Number(input.dataset.col);
      let target = null;
      if (e.key === "ArrowUp" || e.key === "ArrowDown") {
        let row = e.key === "ArrowUp" ? tr.previousElementSibling : tr.nextElementSibling;
        while (row && !target) {
          target = row.querySelector(`input.ts-input[data-col="${col}"]`);
          row = e.key === "ArrowUp" ? row.previousElementSibling : row.nextElementSibling;
        }
      } else if ((e.key === "ArrowLeft" && input.selectionStart === 0) ||
                 (e.key === "ArrowRight" && input.selectionEnd === input.value.length)) {
        const inputs = Array.from(tr.querySelectorAll("input.ts-input"));
        const i = inputs.indexOf(input) + (e.key === "ArrowLeft" ? -1 : 1);
        target = inputs[i] || null;
      }
      if (target) { e.preventDefault(); target.focus(); target.select(); }
      void td;
    });
    const add = form.querySelector("#add-row");
    const count = form.querySelector("#row-count");
    if (add && count) {
      add.hidden = false;
      add.addEventListener("click", () => {
        const template = body.querySelector("tr.ts-new:last-of-type") || body.querySelector("tr.ts-new");
        if (!template) return;
        const n = Number(count.value);
        const old = template.dataset.row;
        const clone = template.cloneNode(true);
        clone.dataset.row = String(n);
        clone.classList.remove("has-error");
        clone.querySelectorAll("small.error").forEach((el) => el.remove());
        clone.querySelectorAll("[name],[id],[for]").forEach((el) => {
          ["name", "id", "for"].forEach((attr) => {
            const v = el.getAttribute(attr);
            if (v && v.startsWith(`r${old}-`)) el.setAttribute(attr, `r${n}-` + v.slice(`r${old}-`.length));
          });
          if (el.matches("input.ts-input, input[type=text]")) el.value = "";
          el.removeAttribute("aria-invalid");
        });
        body.appendChild(clone);
        count.value = String(n + 1);
        const first = clone.querySelector("select");
        if (first) first.focus();
        recompute();
      });
    }
  }

  // Validation queue: a person-week's checkbox ticks that group's rows.
  function setupGroups(root) {
    root.querySelectorAll("[data-select-group]").forEach((box) => {
      box.addEventListener("change", () => {
        root.querySelectorAll(`input[name=ids][data-group="${box.dataset.selectGroup}"]`)
          .forEach((b) => { b.checked = box.checked; });
      });
    });
  }

  // Dashboard chart (Chart.js, loaded by the page).
  function setupChart() {
    const canvas = document.getElementById("weekly-chart");
    const data = document.getElementById("weekly-data");
    if (!canvas || !data || typeof Chart === "undefined") return;
    const series = JSON.parse(data.textContent);
    const narrow = window.matchMedia("(max-width: 600px)").matches;
    new Chart(canvas, {
      type: "bar",
      data: { labels: series.labels, datasets: [{ label: "Heures", data: series.values.map(Number),
        backgroundColor: "#0b7a63", borderRadius: 3 }] },
      options: { responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false },
          tooltip: { callbacks: { label: (ctx) => fmt(ctx.parsed.y) } } },
        scales: {
          // French ticks ("12,5 h"), fewer and smaller on a phone.
          y: { beginAtZero: true, ticks: { callback: (v) => fmt(v), maxTicksLimit: narrow ? 5 : 8 } },
          x: { ticks: { autoSkip: true, maxRotation: narrow ? 60 : 0, font: { size: narrow ? 10 : 12 } } } } },
    });
  }

  function init(root) {
    const zone = root.querySelector ? root : document;
    zone.querySelectorAll("form.quick-log").forEach(setupLogForm);
    if (zone.matches && zone.matches("form.quick-log")) setupLogForm(zone);
  }

  document.addEventListener("DOMContentLoaded", () => {
    init(document);
    const ts = document.getElementById("timesheet");
    if (ts) setupTimesheet(ts);
    setupGroups(document);
    setupChart();
  });
  document.addEventListener("htmx:afterSwap", (e) => {
    init(e.detail.target.parentNode || document);
    const zone = document.getElementById("quick-log-zone");
    if (zone) {
      init(zone);
      const ok = zone.querySelector("[data-testid=quick-log-ok]");
      const target = ok ? zone.querySelector("input[name=hours]") : zone.querySelector(".has-error input, .has-error select, .has-error textarea");
      if (target) target.focus();
    }
  });
})();
