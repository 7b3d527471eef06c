/* The app shell's few behaviours, none needed to use the site (menus are <details>).
 *
 * - Esc closes an open menu (the user menu, the phone Menu, a dropdown) and gives the
 *   focus back to its button; a click outside an open menu closes it.
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

  function undismiss(event) {
    var term = event.target;
    if (term.classList && term.classList.contains("glossary-term")) term.classList.remove("tip-dismissed");
  }
  // Leaving the term itself, not moving between its parts: mouseleave does not bubble,
  // so it is caught on the way down.
  document.addEventListener("mouseleave", undismiss, true);
  document.addEventListener("focusout", undismiss);

  document.addEventListener("click", function (event) {
    var inside = event.target.closest && event.target.closest("details");
    closeMenus(inside);
  });
})();
