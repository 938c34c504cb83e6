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
