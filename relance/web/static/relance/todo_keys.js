// Keyboard shortcuts of the to-do pages. Rows are the elements marked data-row (customers on
// the list, tasks on a customer's page); j/k move between them, x ticks the row's tasks,
// e opens the row (its data-open link), s clicks the page's data-key="s" button (send),
// n its data-key="n" link (next customer), ? shows the list of shortcuts. Keys typed in a
// field, or with a modifier, are left alone. Bound once on the document, so that the page
// still answers after htmx swaps its body.
(function () {
  "use strict";
  if (window.relanceTodoKeys) {
    return;
  }
  window.relanceTodoKeys = true;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
  }

  function current() {
    return document.querySelector("[data-row].is-current");
  }

  function move(step) {
    var all = rows();
    if (!all.length) {
      return;
    }
    var here = all.indexOf(current());
    var next = here < 0 ? 0 : Math.min(all.length - 1, Math.max(0, here + step));
    all.forEach(function (row) {
      row.classList.remove("is-current");
      row.removeAttribute("aria-current");
    });
    all[next].classList.add("is-current");
    all[next].setAttribute("aria-current", "true");
    all[next].focus({ preventScroll: true });
    all[next].scrollIntoView({ block: "nearest" });
  }

  function click(selector, within) {
    var target = (within || document).querySelector(selector);
    if (target) {
      target.click();
    }
    return Boolean(target);
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  // A letter printed from its page (htmx): the page now says "printed", and the kept PDF
  // downloads without leaving it.
  document.body.addEventListener("htmx:afterSwap", function () {
    var link = document.querySelector("[data-download-now]");
    if (link) {
      link.removeAttribute("data-download-now");
      window.location.assign(link.href);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var help = document.getElementById("shortcuts");
    if (help && help.open) {
      return;
    }
    var row = current();
    switch (event.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "x":
        if (!row) {
          return;
        }
        var boxes = row.querySelectorAll("input[type=checkbox]");
        var tick = Array.prototype.some.call(boxes, function (box) { return !box.checked; });
        boxes.forEach(function (box) { box.checked = tick; });
        break;
      case "e":
        if (!click("[data-open]", row || rows()[0])) {
          return;
        }
        break;
      case "s":
        if (!click('[data-key="s"]')) {
          return;
        }
        break;
      case "n":
        if (!click('[data-key="n"]')) {
          return;
        }
        break;
      case "?":
        if (!help) {
          return;
        }
        help.showModal();
        break;
      default:
        return;
    }
    event.preventDefault();
  });
})();
