// Layout on narrow screens, under a strict Content-Security-Policy (no inline script):
// the navigation collapses behind a menu button, and a table that is wider than its
// box says so and can be scrolled with the keyboard. Without JavaScript the menu
// stays open and the tables still scroll.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUpMenu() {
    var nav = document.getElementById("main-nav");
    if (!nav) { return; }
    var button = nav.querySelector(".menu-button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) {
        button.setAttribute("aria-expanded", "false");
        nav.classList.remove("open");
        button.focus();
      }
    });
  }

  function markScrollingTables(root) {
    var wraps = (root || document).querySelectorAll(".table-wrap");
    Array.prototype.forEach.call(wraps, function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("scrolls", scrolls);
      var hint = wrap.previousElementSibling;
      var hasHint = hint && hint.classList.contains("scroll-hint");
      if (scrolls && !hasHint) {
        var caption = wrap.querySelector("caption");
        var p = document.createElement("p");
        p.className = "scroll-hint";
        p.textContent = "Tabellen är bredare än skärmen: dra eller rulla i sidled →";
        wrap.parentNode.insertBefore(p, wrap);
        if (!wrap.hasAttribute("tabindex")) {
          // A region you can reach with Tab and scroll with the arrow keys.
          wrap.setAttribute("tabindex", "0");
          wrap.setAttribute("role", "region");
          wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tabell");
        }
      } else if (!scrolls && hasHint) {
        hint.parentNode.removeChild(hint);
      }
    });
  }

  function start() {
    setUpMenu();
    markScrollingTables();
    var timer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { markScrollingTables(); }, 150);
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      markScrollingTables(event.target && event.target.parentNode ? event.target.parentNode : document);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
