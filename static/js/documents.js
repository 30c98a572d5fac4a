// Draft PDFs are rendered in the background (reporting/pdf_views.py): the progress
// fragment polls itself with htmx, and when it comes back "klart" its link is
// followed once, so the download starts as if the PDF had been there at once.
(function () {
  "use strict";
  function start(root) {
    var links = root.querySelectorAll ? root.querySelectorAll("a[data-autodownload]") : [];
    Array.prototype.forEach.call(links, function (link) {
      link.removeAttribute("data-autodownload");
      link.click();
    });
  }
  document.addEventListener("htmx:load", function (event) {
    start(event.target);
  });
})();
