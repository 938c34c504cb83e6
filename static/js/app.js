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

  function start() {
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
