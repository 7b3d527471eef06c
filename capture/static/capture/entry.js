/* The entry form's action tags and sliders in the browser (capture/actiontags.py says
 * what each tag means; the server checks the same limits on save):
 * - a slider's "no value" box and its number (the range input always has a position);
 * - @CHARLIMIT and @WORDLIMIT: what is left, counted as the person types;
 * - @MAXCHECKED: the other boxes are disabled once that many are ticked;
 * - @NONEOFTHEABOVE: ticking that option unticks the others, and the other way round;
 * - @READONLY on a checkbox field: its ticks cannot be changed;
 * - an autocomplete dropdown: a search box narrows its choices.
 * Vendored, no dependencies, ES5-style like logic.js. */
(function () {
  "use strict";

  function changed(form) {
    var event = document.createEvent("Event");
    event.initEvent("change", true, false);
    form.dispatchEvent(event);
  }

  function slider(box) {
    var range = box.querySelector('input[type="range"]');
    var blank = box.querySelector("[data-slider-blank]");
    var number = box.querySelector("[data-slider-number]");
    var empty = box.querySelector("[data-slider-empty]");
    function show() {
      var none = blank && blank.checked;
      range.classList.toggle("is-blank", Boolean(none));
      if (number) number.textContent = none ? "" : range.value;
      if (empty) empty.hidden = !none;
    }
    range.addEventListener("input", function () {
      if (blank) blank.checked = false;
      show();
    });
    range.addEventListener("change", function () {
      if (blank) blank.checked = false;
      show();
    });
    if (blank) blank.addEventListener("change", show);
    show();
  }

  function words(text) {
    var found = text.match(/\S+/g);
    return found ? found.length : 0;
  }

  function counter(input) {
    var note = input.form && input.form.querySelector('[data-counter="' + input.name + '"]');
    if (!note) return;
    function show() {
      var parts = [];
      var chars = input.getAttribute("data-charlimit");
      var limit = input.getAttribute("data-wordlimit");
      var over = false;
      if (chars) {
        var left = Number(chars) - Array.from(input.value).length;
        parts.push(left + " characters left");
        over = over || left < 0;
      }
      if (limit) {
        var wordsLeft = Number(limit) - words(input.value);
        parts.push(wordsLeft + " words left");
        over = over || wordsLeft < 0;
      }
      note.textContent = parts.join(", ");
      if (over) input.setAttribute("aria-invalid", "true");
      else if (input.getAttribute("aria-invalid") === "true" && !input.getAttribute("aria-describedby")) input.removeAttribute("aria-invalid");
    }
    input.addEventListener("input", show);
    show();
  }

  function boxes(group) {
    return Array.prototype.slice.call(group.querySelectorAll('input[type="checkbox"]'));
  }

  function maxChecked(group) {
    var most = Number(group.getAttribute("data-maxchecked"));
    function apply() {
      var all = boxes(group);
      var ticked = all.filter(function (box) { return box.checked; }).length;
      all.forEach(function (box) {
        if (!box.checked) box.disabled = ticked >= most;
      });
    }
    group.addEventListener("change", apply);
    apply();
  }

  function noneOfTheAbove(group) {
    var codes = group.getAttribute("data-none-of-the-above").split(" ");
    group.addEventListener("change", function (event) {
      var box = event.target;
      if (!box || box.type !== "checkbox" || !box.checked) return;
      var exclusive = codes.indexOf(box.value) >= 0;
      var touched = false;
      boxes(group).forEach(function (other) {
        if (other === box || !other.checked) return;
        if (exclusive || codes.indexOf(other.value) >= 0) {
          other.checked = false;
          touched = true;
        }
      });
      if (touched && box.form) changed(box.form);
    });
  }

  function readOnly(group) {
    group.addEventListener("click", function (event) {
      if (event.target && event.target.type === "checkbox") event.preventDefault();
    });
  }

  // An autocomplete dropdown: the search box hides the choices whose label lacks the text.
  function filter(box) {
    var select = document.getElementById(box.getAttribute("data-filter-for"));
    if (!select) return;
    box.addEventListener("input", function () {
      var wanted = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = Boolean(option.value) && option.text.toLowerCase().indexOf(wanted) < 0;
      });
    });
  }

  function each(form, selector, fn) {
    Array.prototype.forEach.call(form.querySelectorAll(selector), fn);
  }

  function start() {
    var form = document.querySelector("form[data-capture-form]");
    if (!form) return;
    each(form, "[data-slider]", slider);
    each(form, "[data-charlimit], [data-wordlimit]", counter);
    // "None of the above" unticks first, so that @MAXCHECKED counts what is left.
    each(form, "[data-none-of-the-above]", noneOfTheAbove);
    each(form, "[data-maxchecked]", maxChecked);
    each(form, "[data-readonly]", readOnly);
    each(form, "[data-filter-for]", filter);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
