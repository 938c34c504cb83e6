/* Page behaviour kept out of the HTML so the Content-Security-Policy can forbid inline scripts. */
(function () {
  "use strict";

  // Charts: each <div data-figure="ID"> is drawn from the JSON in <script id="ID" type="application/json">.
  function drawCharts() {
    if (!window.Plotly) {
      return;
    }
    document.querySelectorAll("div[data-figure]").forEach(function (div) {
      var source = document.getElementById(div.getAttribute("data-figure"));
      if (!source) {
        return;
      }
      var spec = JSON.parse(source.textContent);
      window.Plotly.newPlot(div, spec.data, spec.layout, spec.config);
    });
  }

  // <select data-autosubmit> sends its form as soon as the choice changes (plan and period selectors).
  function autoSubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  // <select data-navigate> opens the page its chosen option names (the whole-period entry's period chooser).
  function navigate() {
    document.querySelectorAll("select[data-navigate]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.value) {
          window.location.href = select.value;
        }
      });
    });
  }

  // <input type=checkbox data-check-all="FORM"> ticks or clears every checkbox that belongs to that form
  // (the review queue's 全选), and follows them: ticked when all are, mixed when some are.
  function checkAll() {
    document.querySelectorAll("input[data-check-all]").forEach(function (master) {
      var selector = 'input[type=checkbox][form="' + master.getAttribute("data-check-all") + '"]';
      var boxes = Array.prototype.slice.call(document.querySelectorAll(selector));
      function follow() {
        var ticked = boxes.filter(function (box) { return box.checked; }).length;
        master.checked = ticked > 0 && ticked === boxes.length;
        master.indeterminate = ticked > 0 && ticked < boxes.length;
      }
      master.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = master.checked; });
        follow();
      });
      boxes.forEach(function (box) { box.addEventListener("change", follow); });
      follow();
    });
  }

  function start() {
    checkAll();
    navigate();
    autoSubmit();
    drawCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
