// Period tables (the entry grid, the collection board) open at the latest periods, the ones departments
// work on now, not at the plan's first year: each scrolls to its right end; the first column stays in view.
(function () {
  document.querySelectorAll(".scroll-to-latest").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      wrap.scrollLeft = wrap.scrollWidth;
    }
  });
})();
