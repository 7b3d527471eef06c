/* The app shell's few behaviours, none needed to use the site (menus are <details>).
 *
 * - Esc closes an open menu (the user menu, the phone Menu, a dropdown) and gives the
 *   focus back to its button; a click outside an open menu closes it.
 * - A table wider than the screen scrolls in its own box; that box joins the Tab order
 *   (when nothing inside it is focusable) so that a keyboard can scroll it too.
 * - A glossary tooltip near the right edge moves left to stay on the screen.
 * - An element with data-colour="#c00" (a study's label) is drawn in that colour.
 * - A <select data-submit-on-change> sends its form when a choice is made (the form keeps
 *   a <noscript> button); inline handlers are refused by the Content-Security-Policy.
 * - Esc hides a glossary tooltip that hover or focus showed (WCAG 1.4.13: content on
 *   hover or focus can be dismissed without moving the pointer or the focus); it shows
 *   again once the pointer or the focus leaves the term and comes back.
 */
(function () {
  "use strict";
  var MENUS = "details.user-menu[open], details.nav-menu[open], details.dropdown[open]";

  function closeMenus(except) {
    document.querySelectorAll(MENUS).forEach(function (menu) {
      if (menu !== except && !menu.contains(except)) menu.removeAttribute("open");
    });
  }

  // Colours a study's labels keep (capture/labels.py): set through the DOM, which the
  // Content-Security-Policy allows, where a style attribute would be refused.
  function paintColours(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-colour]").forEach(function (el) {
      el.style.color = el.getAttribute("data-colour");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { paintColours(document); });
  document.addEventListener("htmx:load", function (event) { paintColours(event.target); });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-submit-on-change]") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var tips = document.querySelectorAll(".glossary-term:hover, .glossary-term:focus, .glossary-term:focus-within");
    if (tips.length) {
      tips.forEach(function (term) { term.classList.add("tip-dismissed"); });
      return;
    }
    var open = document.activeElement && document.activeElement.closest(MENUS);
    closeMenus(null);
    if (open) open.querySelector("summary").focus();
  });

  // A tooltip shown near the right edge moves left, so it never widens the page.
  function keepInside(event) {
    var term = event.target.closest && event.target.closest(".glossary-term");
    var tip = term && term.querySelector(".glossary-tip");
    if (!tip) return;
    tip.style.left = "";
    requestAnimationFrame(function () {
      var box = tip.getBoundingClientRect();
      var over = box.right - (document.documentElement.clientWidth - 8);
      // Measured on the tip itself: a term that wraps onto two lines has a bounding box
      // as wide as the column, which says nothing of where the tip starts.
      if (over > 0) tip.style.left = -Math.min(over, box.left - 8) + "px";
    });
  }
  document.addEventListener("focusin", keepInside);
  document.addEventListener("mouseover", keepInside);

  function undismiss(event) {
    var term = event.target;
    if (term.classList && term.classList.contains("glossary-term")) term.classList.remove("tip-dismissed");
  }
  // Leaving the term itself, not moving between its parts: mouseleave does not bubble,
  // so it is caught on the way down.
  document.addEventListener("mouseleave", undismiss, true);
  document.addEventListener("focusout", undismiss);

  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
  function reachScrollers() {
    document.querySelectorAll("main .table-scroll, main table").forEach(function (box) {
      var style = getComputedStyle(box);
      var scrolls = box.scrollWidth > box.clientWidth + 1 && /auto|scroll/.test(style.overflowX);
      if (!scrolls || box.hasAttribute("tabindex") || box.querySelector(FOCUSABLE)) return;
      box.tabIndex = 0;
      if (box.tagName !== "TABLE" && !box.hasAttribute("aria-label")) {
        var caption = box.querySelector("caption");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table (scrolls sideways)");
      }
    });
  }
  reachScrollers();
  document.addEventListener("htmx:afterSettle", reachScrollers);
  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(reachScrollers, 200);
  });

  document.addEventListener("click", function (event) {
    var inside = event.target.closest && event.target.closest("details");
    closeMenus(inside);
  });
})();
