// Small behaviours that must hold under a strict Content-Security-Policy:
// no inline handlers, everything wired from here.
(function () {
  "use strict";
  // Ask before a destructive action: <form data-confirm="Text">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
})();
