/* Leaving a page with unsaved text asks first: <form data-keep-typed>. A form counts
   as unsaved once something is typed in it, until it is submitted; a form the server
   sent back with a refusal (data-unsaved) counts too. */
(function () {
  "use strict";
  var dirty = [];

  function isKept(form) {
    return form && form.hasAttribute && form.hasAttribute("data-keep-typed");
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (isKept(form) && dirty.indexOf(form) === -1) {
      dirty.push(form);
    }
  });

  // Bubbling, so a submit cancelled by a confirmation question stays unsaved. A form
  // htmx sends (its submit is prevented) is replaced by the server's answer, and a
  // replaced form no longer counts; a refused one comes back marked data-unsaved.
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) {
      dirty = dirty.filter(function (form) { return form !== event.target; });
    }
  });

  window.addEventListener("beforeunload", function (event) {
    var typed = dirty.some(function (form) { return document.contains(form); });
    var refused = document.querySelector("form[data-keep-typed][data-unsaved]");
    if (typed || refused) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
