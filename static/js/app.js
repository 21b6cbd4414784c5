// Small progressive enhancements; every page works without JavaScript. No inline handler
// anywhere (the Content-Security-Policy forbids them): pages say what they want with data-*.
document.addEventListener("DOMContentLoaded", () => {
  // "Select all" checkboxes for bulk actions: <input type="checkbox" data-select-all="name">
  document.querySelectorAll("[data-select-all]").forEach((box) => {
    box.addEventListener("change", () => {
      const scope = box.closest("form") || document;
      scope.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)
        .forEach((b) => { b.checked = box.checked; });
    });
  });
  // <select data-autosubmit>: choosing sends its form (filters, language, year).
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => { if (select.form) select.form.submit(); });
  });
  // <form data-disable-on-submit>: one click, one request (approve a run…).
  document.querySelectorAll("form[data-disable-on-submit]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    });
  });
});
