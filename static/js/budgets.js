// Keyboard movement in the budget grid: arrows and Enter move between amount cells.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("table.grid input.amount")) return;
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [1, 0] };
    if (event.key === "ArrowLeft" && input.selectionStart === 0) moves.ArrowLeft = [0, -1];
    if (event.key === "ArrowRight" && input.selectionEnd === input.value.length) moves.ArrowRight = [0, 1];
    var move = moves[event.key];
    if (!move) return;
    var inputs = Array.prototype.slice.call(document.querySelectorAll("table.grid input.amount"));
    var cols = 3;
    var index = inputs.indexOf(input);
    var rowStart = index - (index % cols);
    var target = move[0] ? index + move[0] * cols : rowStart + ((index % cols) + move[1] + cols) % cols;
    if (target >= 0 && target < inputs.length) {
      event.preventDefault();
      inputs[target].focus();
      inputs[target].select();
    }
  });
})();
