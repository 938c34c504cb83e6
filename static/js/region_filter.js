// Searchable region chooser: typing in the search box narrows the <select> to the matching regions
// (and picks the first match, so Enter opens it).
document.querySelectorAll("input.region-filter").forEach(function (box) {
  var select = document.getElementById(box.dataset.for);
  if (!select) return;
  box.addEventListener("input", function () {
    var needle = box.value.trim();
    var first = null;
    Array.prototype.forEach.call(select.options, function (option) {
      var hit = !needle || option.textContent.indexOf(needle) !== -1;
      option.hidden = !hit;
      if (hit && first === null) first = option;
    });
    if (needle && first) select.value = first.value;
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      select.dispatchEvent(new Event("change"));
    }
  });
});

// Choosing another region opens its default plan and period (an indicator page has none there: go to the
// dashboard). Kept here, not inline, so the Content-Security-Policy can forbid inline scripts.
document.querySelectorAll("select[data-region-select]").forEach(function (select) {
  select.addEventListener("change", function () {
    var form = select.form;
    if (location.pathname.indexOf("/indicator/") === 0) form.action = "/";
    if (form.plan) form.plan.disabled = true;
    if (form.as_of) form.as_of.disabled = true;
    form.submit();
  });
});

// The roll-up's region chooser opens that region's roll-up page.
document.querySelectorAll("select[data-region-page]").forEach(function (select) {
  select.addEventListener("change", function () {
    window.location = select.dataset.regionPage + encodeURIComponent(select.value) + "/";
  });
});
