/* REDCap branching logic and calculations in the browser.
 *
 * The server parses each expression (capture/logic, never eval) and embeds the tree as
 * JSON; this script only evaluates trees, step for step as capture/logic/evaluator.py
 * does, and capture/tests/logic_cases.json checks that both give the same answers.
 *
 * window.RadCollabLogic = {evaluate, isShown, formatValue, resolve, bind}
 *
 * The form binder (see docs/capture-logic.md for the HTML contract): a
 * <script type="application/json" id="capture-logic"> island maps each field name to
 * {"branching": tree, "calc": tree}; inputs are named by field (a checkbox input per
 * option, value = the option's code); each field's wrapper has data-field="name".
 * Hidden wrappers get the `hidden` attribute, calc inputs are filled live. The values of
 * the record's other forms, which this form's logic may read, come from a second island,
 * <script type="application/json" id="capture-record-values">, as {field: value}.
 */
(function (global) {
  "use strict";

  var NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*$/;
  var ISO = /^(\d{4})[-\/](\d{1,2})[-\/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
  var DAY_FIRST = /^(\d{1,2})[-\/](\d{1,2})[-\/](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
  var TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
  var SECONDS_PER = { s: 1, m: 60, h: 3600, d: 86400, M: 2630016, y: 31556952 };

  // ---- values: null (blank), boolean, number or string ----

  function isBlank(value) {
    return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
  }

  function finite(number) {
    return isFinite(number) ? number : null;
  }

  function toNumber(value) {
    if (typeof value === "boolean") return value ? 1 : 0;
    if (typeof value === "number") return isFinite(value) ? value : null;
    if (typeof value === "string" && NUMERIC.test(value)) return parseFloat(value);
    return null;
  }

  // The shortest decimal that reads back as `number`, never in exponent form.
  function numberText(number) {
    if (!isFinite(number)) return "";
    if (number === 0) return "0";
    var text = String(number);
    var match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
    if (!match) return text;
    var digits = match[2] + (match[3] || "");
    var point = match[2].length + parseInt(match[4], 10);
    var plain;
    if (point <= 0) {
      plain = "0." + new Array(1 - point).join("0") + digits;
    } else if (point >= digits.length) {
      plain = digits + new Array(point - digits.length + 1).join("0");
    } else {
      plain = digits.slice(0, point) + "." + digits.slice(point);
    }
    return match[1] + plain;
  }

  function toText(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "boolean") return value ? "1" : "0";
    if (typeof value === "number") return numberText(value);
    return String(value);
  }

  function toBool(value) {
    if (typeof value === "boolean") return value;
    if (isBlank(value)) return false;
    var number = toNumber(value);
    return number !== null ? number !== 0 : true;
  }

  // Add one to the last digit of a string of decimal digits.
  function increment(digits) {
    var chars = digits.split("");
    for (var i = chars.length - 1; i >= 0; i--) {
      if (chars[i] !== "9") {
        chars[i] = String(Number(chars[i]) + 1);
        return chars.join("");
      }
      chars[i] = "0";
    }
    return "1" + chars.join("");
  }

  // Round the decimal that `number` shows as (halves away from zero; up = towards
  // +infinity, down = towards -infinity), as capture/logic/values.py does with Decimal.
  function roundNumber(number, places, mode) {
    var text = numberText(number);
    var negative = text.charAt(0) === "-";
    if (negative) text = text.slice(1);
    var parts = text.split(".");
    var digits = parts[0] + (parts[1] || "");
    var keep = parts[0].length + places;
    if (keep >= digits.length) return number;
    var kept = keep > 0 ? digits.slice(0, keep) : "0";
    var dropped = keep > 0 ? digits.slice(keep) : digits;
    var nonzero = /[1-9]/.test(dropped);
    var up;
    if (mode === "round") up = keep >= 0 && dropped.charAt(0) >= "5";
    else if (mode === "roundup") up = !negative && nonzero;
    else up = negative && nonzero;
    if (up) kept = increment(kept);
    var result = Number(kept + "e" + -places);
    return (negative ? -result : result) + 0;
  }

  // ---- dates ----

  function daysFromCivil(year, month, day) {
    year -= month <= 2 ? 1 : 0;
    var era = Math.floor((year >= 0 ? year : year - 399) / 400);
    var yearOfEra = year - era * 400;
    var dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
    var dayOfEra =
      yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
  }

  function daysInMonth(year, month) {
    if (month === 2) {
      var leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      return leap ? 29 : 28;
    }
    return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  }

  function clock(hour, minute, second) {
    var h = parseInt(hour || "0", 10);
    var m = parseInt(minute || "0", 10);
    var s = parseInt(second || "0", 10);
    if (h > 23 || m > 59 || s > 59) return null;
    return h * 3600 + m * 60 + s;
  }

  function parseMoment(text, format) {
    text = text.trim();
    var time = TIME.exec(text);
    if (time) {
      var secondsOfDay = clock(time[1], time[2], time[3]);
      return secondsOfDay === null ? null : { seconds: secondsOfDay, kind: "time" };
    }
    var year, month, day, hourAt;
    var match = ISO.exec(text);
    if (match) {
      year = match[1];
      month = match[2];
      day = match[3];
    } else {
      match = format === "mdy" || format === "dmy" ? DAY_FIRST.exec(text) : null;
      if (!match) return null;
      year = match[3];
      month = format === "mdy" ? match[1] : match[2];
      day = format === "mdy" ? match[2] : match[1];
    }
    hourAt = 4;
    var y = parseInt(year, 10);
    var mo = parseInt(month, 10);
    var d = parseInt(day, 10);
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
    var seconds = clock(match[hourAt], match[hourAt + 1], match[hourAt + 2]);
    if (seconds === null) return null;
    var kind = match[hourAt] === undefined ? "date" : "datetime";
    return { seconds: daysFromCivil(y, mo, d) * 86400 + seconds, kind: kind };
  }

  // Year, month and day of a stored date or date-time, as capture/logic/dates.py reads them.
  function dateParts(text) {
    var match = ISO.exec(text.trim());
    if (!match) return null;
    var y = parseInt(match[1], 10);
    var mo = parseInt(match[2], 10);
    var d = parseInt(match[3], 10);
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
    if (match[4] !== undefined && clock(match[4], match[5], match[6]) === null) return null;
    return [y, mo, d];
  }

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function localToday() {
    var now = new Date();
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function localNow() {
    var now = new Date();
    return (
      localToday() + " " + pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds())
    );
  }

  function startOfDay(seconds) {
    return seconds - (((seconds % 86400) + 86400) % 86400);
  }

  function datediff(args, context) {
    var unit = args[2];
    var signed = false;
    var format = "ymd";
    for (var i = 3; i < args.length; i++) {
      var option = args[i];
      if (typeof option === "boolean") signed = option;
      else if (typeof option === "string" && /^(true|false)$/i.test(option)) {
        signed = option.toLowerCase() === "true";
      } else if (typeof option === "string") format = option.toLowerCase();
    }
    var texts = [toText(args[0]).trim().toLowerCase(), toText(args[1]).trim().toLowerCase()];
    var wholeDays = texts[0] === "today" || texts[1] === "today";
    var moments = texts.map(function (text) {
      if (text === "today") text = context.today || localToday();
      else if (text === "now") text = context.now || localNow();
      return parseMoment(text, format);
    });
    var first = moments[0];
    var second = moments[1];
    if (!first || !second || typeof unit !== "string") return null;
    if ((first.kind === "time") !== (second.kind === "time")) return null;
    if (!Object.prototype.hasOwnProperty.call(SECONDS_PER, unit)) return null;
    var a = first.seconds;
    var b = second.seconds;
    if (wholeDays) {
      a = startOfDay(a);
      b = startOfDay(b);
    }
    var difference = b - a;
    if (!signed) difference = Math.abs(difference);
    return difference / SECONDS_PER[unit];
  }

  // ---- functions ----

  function numbers(args) {
    var found = [];
    for (var i = 0; i < args.length; i++) {
      if (isBlank(args[i])) continue;
      var number = toNumber(args[i]);
      if (number === null) return null;
      found.push(number);
    }
    return found;
  }

  function total(list) {
    var sum = 0;
    for (var i = 0; i < list.length; i++) sum += list[i];
    return sum;
  }

  function aggregate(combine) {
    return function (args) {
      var list = numbers(args);
      return list && list.length ? finite(combine(list)) : null;
    };
  }

  // The sample standard deviation (n - 1), summed in the same order as Python.
  function stdev(list) {
    if (list.length < 2) return null;
    var mean = total(list) / list.length;
    var squares = 0;
    for (var i = 0; i < list.length; i++) squares += (list[i] - mean) * (list[i] - mean);
    return Math.sqrt(squares / (list.length - 1));
  }

  // Text functions count code points, as Python does (not UTF-16 units).
  function chars(value) {
    return Array.from(toText(value));
  }

  function count(value) {
    var number = toNumber(value);
    return number === null ? null : Math.trunc(number);
  }

  // Two texts compared without regard to case, as REDCap does.
  function texts(fn) {
    return function (args) {
      return fn(toText(args[0]).toLowerCase(), toText(args[1]).toLowerCase());
    };
  }

  function findIn(needle, haystack) {
    if (!needle) return 0;
    var at = haystack.indexOf(needle);
    return at < 0 ? 0 : Array.from(haystack.slice(0, at)).length + 1;
  }

  // PHP's trim(): space, tab, line feed, carriage return, NUL and vertical tab.
  var TRIMMED = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g;
  var INTEGER = /^\s*[+-]?\d+\s*$/;

  function datePart(index) {
    return function (args) {
      var parts = dateParts(toText(args[0]));
      return parts === null ? null : parts[index];
    };
  }

  function rounding(mode) {
    return function (args) {
      var number = toNumber(args[0]);
      var places = args.length > 1 ? toNumber(args[1]) : 0;
      if (number === null || places === null) return null;
      return roundNumber(number, Math.trunc(places), mode);
    };
  }

  function unary(fn) {
    return function (args) {
      var number = toNumber(args[0]);
      return number === null ? null : fn(number);
    };
  }

  var FUNCTIONS = {
    sum: aggregate(total),
    min: aggregate(function (list) {
      return Math.min.apply(null, list);
    }),
    max: aggregate(function (list) {
      return Math.max.apply(null, list);
    }),
    mean: aggregate(function (list) {
      return total(list) / list.length;
    }),
    stdev: aggregate(stdev),
    median: aggregate(function (list) {
      var ordered = list.slice().sort(function (a, b) {
        return a - b;
      });
      var middle = Math.floor(ordered.length / 2);
      if (ordered.length % 2) return ordered[middle];
      return (ordered[middle - 1] + ordered[middle]) / 2;
    }),
    round: rounding("round"),
    roundup: rounding("roundup"),
    rounddown: rounding("rounddown"),
    abs: unary(Math.abs),
    sqrt: unary(function (number) {
      return number >= 0 ? Math.sqrt(number) : null;
    }),
    mod: function (args) {
      var a = toNumber(args[0]);
      var b = toNumber(args[1]);
      if (a === null || b === null || b === 0) return null;
      return a % b;
    },
    isnumber: function (args) {
      var value = args[0];
      if (typeof value === "number") return true;
      return typeof value === "string" && NUMERIC.test(value);
    },
    isinteger: function (args) {
      var value = args[0];
      if (typeof value === "number") return Number.isInteger(value);
      return typeof value === "string" && INTEGER.test(value);
    },
    year: datePart(0),
    month: datePart(1),
    day: datePart(2),
    contains: texts(function (haystack, needle) {
      return haystack.indexOf(needle) >= 0;
    }),
    not_contain: texts(function (haystack, needle) {
      return haystack.indexOf(needle) < 0;
    }),
    starts_with: texts(function (haystack, needle) {
      return haystack.slice(0, needle.length) === needle;
    }),
    ends_with: texts(function (haystack, needle) {
      return needle.length === 0 || haystack.slice(-needle.length) === needle;
    }),
    find: texts(findIn),
    left: function (args) {
      var n = count(args[1]);
      if (n === null) return null;
      return n > 0 ? chars(args[0]).slice(0, n).join("") : "";
    },
    right: function (args) {
      var n = count(args[1]);
      if (n === null) return null;
      return n > 0 ? chars(args[0]).slice(-n).join("") : "";
    },
    mid: function (args) {
      var start = count(args[1]);
      var n = count(args[2]);
      if (start === null || n === null) return null;
      start = Math.max(start, 1) - 1;
      return n > 0 ? chars(args[0]).slice(start, start + n).join("") : "";
    },
    length: function (args) {
      return chars(args[0]).length;
    },
    concat: function (args) {
      return args.map(toText).join("");
    },
    upper: function (args) {
      return toText(args[0]).toUpperCase();
    },
    lower: function (args) {
      return toText(args[0]).toLowerCase();
    },
    trim: function (args) {
      return toText(args[0]).replace(TRIMMED, "");
    },
  };

  // ---- evaluation ----

  function checked(raw) {
    if (typeof raw === "string") return raw ? [raw] : [];
    if (raw && typeof raw.length === "number") {
      return Array.prototype.map.call(raw, String);
    }
    return [];
  }

  function equal(left, right) {
    if (isBlank(left) || isBlank(right)) return isBlank(left) && isBlank(right);
    var a = toNumber(left);
    var b = toNumber(right);
    if (a !== null && b !== null) return a === b;
    return toText(left) === toText(right);
  }

  function order(op, left, right) {
    if (isBlank(left) || isBlank(right)) return false;
    var a = toNumber(left);
    var b = toNumber(right);
    if (a === null || b === null) {
      a = toText(left);
      b = toText(right);
    }
    if (op === "<") return a < b;
    if (op === "<=") return a <= b;
    if (op === ">") return a > b;
    return a >= b;
  }

  function arithmetic(op, a, b) {
    if (a === null || b === null) return null;
    if (op === "+") return finite(a + b);
    if (op === "-") return finite(a - b);
    if (op === "*") return finite(a * b);
    if (op === "/") return b === 0 ? null : finite(a / b);
    return finite(Math.pow(a, b));
  }

  var OWN = -1; // "the values being evaluated": instance numbers start at 1
  var COMMA_NUMBER = /^\s*[+-]?(?:\d+,?\d*|,\d+)\s*$/;

  function has(object, key) {
    return object !== null && object !== undefined && Object.prototype.hasOwnProperty.call(object, key);
  }

  // The instance [field][instance] reads: a number, OWN, or null for none at all.
  function instanceNumber(name, instance, context) {
    var current = context.instance === undefined ? null : context.instance;
    if (/^\d+$/.test(instance)) return parseInt(instance, 10);
    if (instance === "current-instance") return current === null ? OWN : current;
    if (instance === "previous-instance" || instance === "next-instance") {
      if (current === null) return null;
      return current + (instance === "previous-instance" ? -1 : 1);
    }
    var known = Object.keys((context.instances || {})[name] || {}).map(Number);
    if (current !== null) known.push(current);
    if (!known.length) return OWN;
    return instance === "first-instance"
      ? Math.min.apply(null, known)
      : Math.max.apply(null, known);
  }

  function lookup(node, values, context) {
    // [event][field]: the field at another event (capture/logic Context.events).
    if (node.event && node.event !== context.eventName) {
      return ((context.events || {})[node.event] || {})[node.name];
    }
    if (node.instance === undefined || node.instance === null) return values[node.name];
    var number = instanceNumber(node.name, node.instance, context);
    if (number === OWN || (number !== null && number === context.instance)) return values[node.name];
    if (number === null) return null;
    var others = (context.instances || {})[node.name] || {};
    return has(others, String(number)) ? others[String(number)] : null;
  }

  // [field:label]: the label of each code (a checkbox's ticked ones joined by ", "), or
  // the value itself where it is not a code.
  function label(raw, labels) {
    var byCode = {};
    (labels || []).forEach(function (pair) {
      byCode[pair[0]] = pair[1];
    });
    function named(code) {
      return has(byCode, code) ? byCode[code] : code;
    }
    if (raw === null || raw === undefined || typeof raw !== "object") {
      var text = typeof raw === "string" ? raw : toText(raw === undefined ? null : raw);
      if (isBlank(text)) return null;
      return named(text) || null;
    }
    return checked(raw).map(named).join(", ") || null;
  }

  function variable(node, values, context) {
    var raw = lookup(node, values, context);
    if (node.code !== undefined && node.code !== null) {
      return checked(raw).indexOf(node.code) >= 0 ? "1" : "0";
    }
    if (node.option === "label") return label(raw, node.labels);
    if (typeof raw === "boolean") return raw;
    if (typeof raw === "number") return finite(raw);
    if (typeof raw === "string") {
      if (isBlank(raw)) return null;
      return node.comma && COMMA_NUMBER.test(raw) ? raw.replace(",", ".") : raw;
    }
    if (node.option === "value" && raw !== null && raw !== undefined) {
      return checked(raw).join(", ") || null;
    }
    return null;
  }

  function smart(name, context) {
    if (name === "current-instance") {
      return context.instance === undefined || context.instance === null ? null : context.instance;
    }
    var isForm = context.isForm === undefined || context.isForm === null ? true : context.isForm;
    if (name === "is-form") return isForm;
    if (name === "is-survey") return !isForm;
    var text = {
      "record-name": context.recordName,
      "record-dag-name": context.dagName,
      "event-name": context.eventName,
      "user-name": context.userName,
    }[name];
    return text === undefined || text === null || isBlank(text) ? null : text;
  }

  function run(node, values, context) {
    switch (node.type) {
      case "number":
      case "string":
      case "bool":
        return node.value;
      case "var":
        return variable(node, values, context);
      case "smart":
        return smart(node.name, context);
      case "neg": {
        var number = toNumber(run(node.operand, values, context));
        return number === null ? null : -number;
      }
      case "binary":
        return binary(node, values, context);
      case "call":
        return call(node, values, context);
      default:
        throw new Error("unknown logic tree node type " + node.type);
    }
  }

  function binary(node, values, context) {
    if (node.op === "and") {
      return toBool(run(node.left, values, context)) && toBool(run(node.right, values, context));
    }
    if (node.op === "or") {
      return toBool(run(node.left, values, context)) || toBool(run(node.right, values, context));
    }
    var left = run(node.left, values, context);
    var right = run(node.right, values, context);
    if (node.op === "=" || node.op === "<>") return equal(left, right) === (node.op === "=");
    if (node.op === "<" || node.op === "<=" || node.op === ">" || node.op === ">=") {
      return order(node.op, left, right);
    }
    return arithmetic(node.op, toNumber(left), toNumber(right));
  }

  function call(node, values, context) {
    if (node.name === "if") {
      var condition = toBool(run(node.args[0], values, context));
      return run(node.args[condition ? 1 : 2], values, context);
    }
    var args = node.args.map(function (arg) {
      return run(arg, values, context);
    });
    if (node.name === "datediff") return datediff(args, context);
    if (node.name === "isblankormissingcode") {
      return isBlank(args[0]) || (context.missingCodes || []).indexOf(toText(args[0])) >= 0;
    }
    var fn = FUNCTIONS[node.name];
    if (!fn) throw new Error("unknown function " + node.name);
    return fn(args);
  }

  /* evaluate(tree, values, context) -> null | boolean | number | string, where context is
   * {today: "YYYY-MM-DD", now: "YYYY-MM-DD HH:MM:SS", missingCodes: [...],
   *  recordName, dagName, eventName, userName, instance: 2, isForm: true,
   *  instances: {field: {"1": value, ...}}}, each optional (capture/logic Context). */
  function evaluate(tree, values, context) {
    return run(tree, values || {}, context || {});
  }

  function isShown(tree, values, context) {
    return !tree || toBool(evaluate(tree, values, context));
  }

  function formatValue(value) {
    return toText(value);
  }

  // The same loop as capture/logic/form.py: fill calcs, decide what is hidden (hidden
  // fields read as blank), until nothing changes.
  function resolve(fields, values, context) {
    var current = {};
    var name;
    for (name in values) {
      if (Object.prototype.hasOwnProperty.call(values, name)) current[name] = values[name];
    }
    var hidden = {};
    var names = Object.keys(fields);
    var view = function () {
      var seen = {};
      for (var key in current) {
        if (Object.prototype.hasOwnProperty.call(current, key)) seen[key] = hidden[key] ? null : current[key];
      }
      return seen;
    };
    for (var pass = 0; pass <= names.length; pass++) {
      var changed = false;
      for (var i = 0; i < names.length; i++) {
        name = names[i];
        var logic = fields[name];
        if (logic.branching) {
          var shown = toBool(evaluate(logic.branching, view(), context));
          if (shown === Boolean(hidden[name])) {
            if (shown) delete hidden[name];
            else hidden[name] = true;
            changed = true;
          }
        }
        if (logic.calc) {
          var result = hidden[name] ? "" : formatValue(evaluate(logic.calc, view(), context));
          if (current[name] !== result) {
            current[name] = result;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    return { values: current, hidden: Object.keys(hidden) };
  }

  // ---- the form binder ----

  function readValues(form) {
    var values = {};
    var elements = form.elements;
    for (var i = 0; i < elements.length; i++) {
      var input = elements[i];
      if (!input.name || input.disabled) continue;
      if (input.hasAttribute && input.hasAttribute("data-slider-blank")) {
        // A slider's "no value" box: the slider reads blank, whatever its handle shows.
        if (input.checked) values[input.getAttribute("data-slider-blank")] = "";
        continue;
      }
      if (input.type === "checkbox") {
        if (!Array.isArray(values[input.name])) values[input.name] = [];
        if (input.checked) values[input.name].push(input.value);
      } else if (input.type === "radio") {
        if (input.checked) values[input.name] = input.value;
        else if (!(input.name in values)) values[input.name] = "";
      } else if (input.tagName !== "BUTTON" && input.type !== "submit") {
        values[input.name] = input.value;
      }
    }
    return values;
  }

  // The record's other forms under what is typed in this one, as the server reads them.
  function withRecord(record, typed) {
    var values = {};
    var name;
    for (name in record || {}) {
      if (Object.prototype.hasOwnProperty.call(record, name)) values[name] = record[name];
    }
    for (name in typed) {
      if (Object.prototype.hasOwnProperty.call(typed, name)) values[name] = typed[name];
    }
    return values;
  }

  /* bind(form, fields, {today, now, missingCodes, record: {field: value of another form}}) */
  function bind(form, fields, context) {
    var scope = form.ownerDocument;
    context = context || {};
    function wrapper(name) {
      return form.querySelector('[data-field="' + name + '"]');
    }
    function refresh() {
      var outcome = resolve(fields, withRecord(context.record, readValues(form)), context);
      Object.keys(fields).forEach(function (name) {
        var box = wrapper(name);
        var hide = outcome.hidden.indexOf(name) >= 0;
        // @HIDDEN and @HIDDEN-FORM keep a field hidden whatever its branching says.
        if (box) box.hidden = hide || box.hasAttribute("data-tag-hidden");
        if (fields[name].calc) {
          var input = form.elements.namedItem(name);
          if (input && input.value !== outcome.values[name]) input.value = outcome.values[name];
        }
      });
      pipe(form, context.pipes, outcome.values, context);
      var event = scope.createEvent("Event");
      event.initEvent("capture:logic", true, false);
      form.dispatchEvent(event);
    }
    form.addEventListener("input", refresh);
    form.addEventListener("change", refresh);
    refresh();
    return refresh;
  }

  // Piping: each <span data-pipe="n"> shows tree n of the capture-pipes island, evaluated
  // on the form's values as capture/piping.py evaluates it on the server.
  function pipe(form, trees, values, context) {
    if (!trees || !trees.length) return;
    var spans = form.querySelectorAll("[data-pipe]");
    for (var i = 0; i < spans.length; i++) {
      var tree = trees[Number(spans[i].getAttribute("data-pipe"))];
      if (!tree) continue;
      var text = formatValue(evaluate(tree, values, context)) || "______";
      if (spans[i].textContent !== text) spans[i].textContent = text;
    }
  }

  // Attributes on the island, else on the form (Django's json_script writes a bare island).
  function contextFrom(island, form) {
    function read(name) {
      return island.getAttribute(name) || form.getAttribute(name);
    }
    var context = {};
    if (read("data-today")) context.today = read("data-today");
    if (read("data-now")) context.now = read("data-now");
    if (read("data-missing-codes")) context.missingCodes = JSON.parse(read("data-missing-codes"));
    // What the server's Context holds (capture.services.logic_context).
    if (read("data-record-name")) context.recordName = read("data-record-name");
    if (read("data-dag-name")) context.dagName = read("data-dag-name");
    if (read("data-user-name")) context.userName = read("data-user-name");
    if (read("data-event-name")) context.eventName = read("data-event-name");
    if (read("data-instance")) context.instance = Number(read("data-instance"));
    return context;
  }

  function start() {
    var island = document.getElementById("capture-logic");
    if (!island) return;
    var form = island.closest("form") || document.querySelector("form[data-capture-form]");
    if (!form) return;
    var context = contextFrom(island, form);
    var record = document.getElementById("capture-record-values");
    if (record) context.record = JSON.parse(record.textContent);
    var instances = document.getElementById("capture-instances");
    if (instances) context.instances = JSON.parse(instances.textContent);
    var events = document.getElementById("capture-events");
    if (events) context.events = JSON.parse(events.textContent);
    var pipes = document.getElementById("capture-pipes");
    if (pipes) context.pipes = JSON.parse(pipes.textContent);
    bind(form, JSON.parse(island.textContent), context);
  }

  global.RadCollabLogic = {
    evaluate: evaluate,
    isShown: isShown,
    formatValue: formatValue,
    resolve: resolve,
    bind: bind,
  };

  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof window !== "undefined" ? window : globalThis);
