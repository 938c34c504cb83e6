// The entry grid opens at the latest periods (the columns a department fills now), not at the base year:
// the table scrolls to its right end; the indicator names stay in view (sticky column on phones).
(function () {
  var wrap = document.querySelector(".entry-grid-wrap");
  if (wrap && wrap.scrollWidth > wrap.clientWidth) {
    wrap.scrollLeft = wrap.scrollWidth;
  }
})();
