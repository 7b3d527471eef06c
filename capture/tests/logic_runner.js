// Runs logic.js in Node for test_logic_cases.py: reads {cases, forms} as JSON on stdin,
// writes {cases: [{value, text}], forms: [{values, hidden}]} on stdout.
"use strict";

require(process.argv[2]);
const logic = globalThis.RadCollabLogic;
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const payload = JSON.parse(input);
  const cases = payload.cases.map((item) => {
    const value = logic.evaluate(item.tree, item.values, item.context);
    return { value: value, text: logic.formatValue(value) };
  });
  const forms = payload.forms.map((item) =>
    logic.resolve(item.fields, item.values, item.context || {}),
  );
  process.stdout.write(JSON.stringify({ cases: cases, forms: forms }));
});
