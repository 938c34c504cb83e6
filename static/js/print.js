// The 打印 button of the report pages, and charts narrowed to the printed page while printing.
(function () {
  var PRINT_WIDTH = 680; // px: the width of an A4 portrait page inside the print margins (186 mm ≈ 703 px)
  function charts() { return document.querySelectorAll(".js-plotly-plot"); }
  function toPaper() {
    if (!window.Plotly) return;
    charts().forEach(function (div) {
      if (div.offsetWidth > PRINT_WIDTH) {
        div.dataset.printResized = "1";
        window.Plotly.relayout(div, { width: PRINT_WIDTH });
      }
    });
  }
  function toScreen() {
    if (!window.Plotly) return;
    charts().forEach(function (div) {
      if (div.dataset.printResized) {
        delete div.dataset.printResized;
        window.Plotly.relayout(div, { width: null, autosize: true });
      }
    });
  }
  window.addEventListener("beforeprint", toPaper);
  window.addEventListener("afterprint", toScreen);
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
