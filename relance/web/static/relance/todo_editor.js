// The to-do message editor. The live preview (htmx) replaces the preview frame only, never a
// field being typed in. A field the collector has not edited follows the template: the
// preview sends its new text as data ("preview-follow"), applied here only if the field is
// still exactly as it was when the preview was asked for and is not being typed in, so a
// late answer can never overwrite, move the caret in, or drop what was typed meanwhile.
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form) {
    return;
  }
  var asked = null; // the fields' values when the preview now shown was asked for

  function field(name) {
    var found = form.elements.namedItem(name);
    return found && "value" in found ? found : null;
  }

  form.addEventListener("htmx:beforeRequest", function () {
    asked = {};
    ["subject", "body"].forEach(function (name) {
      var box = field(name);
      if (box) {
        asked[name] = box.value;
      }
    });
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail || !event.detail.target || event.detail.target.id !== "preview") {
      return;
    }
    var data = document.getElementById("preview-follow");
    if (!data || !asked) {
      return;
    }
    var follow = JSON.parse(data.textContent);
    Object.keys(follow).forEach(function (name) {
      var box = field(name);
      var base = field(name + "_base");
      if (!box || !base || document.activeElement === box || box.value !== asked[name]) {
        return;
      }
      box.value = follow[name].text;
      base.value = follow[name].base;
    });
  });
})();
