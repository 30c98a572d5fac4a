// Keyboard movement in the budget grid: arrows and Enter move between amount cells.
// Up/down/Enter go to the same year in the nearest row that has an input there;
// left/right go along the row when the caret is at the edge of the text.
(function () {
  "use strict";
  function cells(selector) {
    return Array.prototype.slice.call(document.querySelectorAll("table.grid " + selector));
  }
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("table.grid input.amount")) return;
    var col = input.getAttribute("data-col");
    var line = input.getAttribute("data-line");
    var target = null;
    if (event.key === "ArrowDown" || event.key === "Enter" || event.key === "ArrowUp") {
      var column = cells('input.amount[data-col="' + col + '"]');
      var index = column.indexOf(input) + (event.key === "ArrowUp" ? -1 : 1);
      target = column[index] || null;
    } else if (event.key === "ArrowLeft" && input.selectionStart === 0) {
      target = cells('input.amount[data-line="' + line + '"][data-col="' + (Number(col) - 1) + '"]')[0] || null;
    } else if (event.key === "ArrowRight" && input.selectionEnd === input.value.length) {
      target = cells('input.amount[data-line="' + line + '"][data-col="' + (Number(col) + 1) + '"]')[0] || null;
    } else {
      return;
    }
    if (target) {
      event.preventDefault();
      target.focus();
      target.select();
    }
  });
})();
