// Setting up a project: the budget is the sum of the fundings typed; each envelope's
// amount follows its share of the budget until the person types an amount of their own;
// "reste à répartir" = budget − envelopes, live. Amounts are integer cents (BigInt): no
// float ever touches money. The server recomputes and checks everything on saving.
(() => {
  const form = document.getElementById("setup-form");
  if (!form) return;
  const NBSP = "\u00a0";

  function parseCents(text) {
    const clean = (text || "").trim().replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(clean);
    if (!m) return null;
    return BigInt(m[1]) * 100n + BigInt(((m[2] || "") + "00").slice(0, 2));
  }

  function parseHundredths(text) {  // a percentage with two decimals, as hundredths
    return parseCents(text);
  }

  function plain(cents) {  // what an <input type=number> accepts: 1234.56
    const sign = cents < 0n ? "-" : "";
    const abs = cents < 0n ? -cents : cents;
    return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
  }

  const english = (document.documentElement.lang || "fr").startsWith("en");

  function money(cents) {  // like the server's format_money: "1 234,56 €" or "€1,234.56"
    const sign = cents < 0n ? "-" : "";
    const abs = cents < 0n ? -cents : cents;
    const whole = String(abs / 100n).replace(/\B(?=(\d{3})+(?!\d))/g, english ? "," : NBSP);
    const frac = String(abs % 100n).padStart(2, "0");
    return english ? `${sign}€${whole}.${frac}` : `${sign}${whole},${frac}${NBSP}€`;
  }

  function shareOf(budget, hundredths) {  // half-up to the cent, as the server rounds
    return (budget * hundredths * 2n + 10000n) / 20000n;
  }

  const rows = () => Array.from(form.querySelectorAll(".envelope-row"));
  const budgetBox = document.getElementById("setup-budget");
  const allocatedBox = document.getElementById("setup-allocated");
  const remainingBox = document.getElementById("setup-remaining");
  const overNote = document.getElementById("setup-over");

  function budget() {
    let total = 0n;
    form.querySelectorAll(".js-funding-amount").forEach((input) => {
      total += parseCents(input.value) || 0n;
    });
    return total;
  }

  function refresh() {
    const b = budget();
    let allocated = 0n;
    rows().forEach((row) => {
      const share = row.querySelector(".js-share");
      const amount = row.querySelector(".js-envelope-amount");
      const removed = row.querySelector('input[name$="-DELETE"]');
      const out = removed && removed.checked;
      row.classList.toggle("is-removed", !!out);
      if (!amount) return;
      if (amount.dataset.manual !== "1") {
        const h = share ? parseHundredths(share.value) : null;
        amount.value = h === null ? "" : plain(shareOf(b, h));
      }
      if (!out) allocated += parseCents(amount.value) || 0n;
    });
    const remaining = b - allocated;
    budgetBox.textContent = money(b);
    allocatedBox.textContent = money(allocated);
    remainingBox.textContent = money(remaining);
    remainingBox.classList.toggle("over", remaining < 0n);
    overNote.hidden = remaining >= 0n;
    overNote.textContent = remaining < 0n ? overNote.dataset.overText : "";
  }

  // An amount already typed (a form sent back with errors) that differs from its share's
  // is the person's own: keep it.
  const b0 = budget();
  rows().forEach((row) => {
    const share = row.querySelector(".js-share");
    const amount = row.querySelector(".js-envelope-amount");
    if (!amount || !amount.value) return;
    const h = share ? parseHundredths(share.value) : null;
    if (h === null || parseCents(amount.value) !== shareOf(b0, h)) amount.dataset.manual = "1";
  });

  form.addEventListener("input", (event) => {
    const target = event.target;
    if (target.classList.contains("js-envelope-amount")) {
      target.dataset.manual = target.value.trim() ? "1" : "0";
    }
    refresh();
  });
  form.addEventListener("change", refresh);
  refresh();
})();
