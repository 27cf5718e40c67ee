// aec document view: selection, details and filters. The text arrives pre-split into <span>s by
// converter/render.py (offsets are code points there, UTF-16 here), so this script never slices text.
"use strict";
(function () {
  var errors = [];
  window.addEventListener("error", function (e) { errors.push(String(e.message || e)); });
  var consoleError = console.error;
  console.error = function () {
    errors.push(Array.prototype.join.call(arguments, " "));
    return consoleError.apply(console, arguments);
  };

  var data = JSON.parse(document.getElementById("aec-data").textContent);
  var pieces = Array.prototype.slice.call(document.querySelectorAll("#text .h"));
  var picks = Array.prototype.slice.call(document.querySelectorAll(".pick"));

  function owners(el) { return (el.getAttribute("data-items") || "").split(" "); }

  function showDetails(index) {
    var list = document.getElementById("details-list");
    list.textContent = "";
    document.querySelector("#details .hint").hidden = true;
    var entry = data.details[index];
    if (!entry) { return; }
    entry[1].forEach(function (field) {
      var dt = document.createElement("dt"); dt.textContent = field[0];
      var dd = document.createElement("dd"); dd.textContent = field[1];
      list.appendChild(dt); list.appendChild(dd);
    });
  }

  function clearSelection() {
    pieces.forEach(function (el) { el.classList.remove("sel"); });
    picks.forEach(function (el) { el.classList.remove("on"); });
  }

  function selectWhere(test) {
    clearSelection();
    var first = null;
    pieces.forEach(function (el) {
      if (test(el)) { el.classList.add("sel"); first = first || el; }
    });
    return first;
  }

  // The highlight whose details describe a picked item: an event's trigger, a claim's content.
  var MAIN_KIND = {"pick-actor": "k-actor", "pick-event": "k-event", "pick-claim": "k-content"};

  function pickItem(button) {
    var id = button.getAttribute("data-pick");
    var first = selectWhere(function (el) { return owners(el).indexOf(id) >= 0; });
    button.classList.add("on");
    if (!first) { return; }
    var kind = MAIN_KIND[Array.prototype.filter.call(button.classList, function (c) { return MAIN_KIND[c]; })[0]];
    var main = pieces.filter(function (el) {
      return el.classList.contains("sel") && el.classList.contains(kind);
    })[0] || first;
    showDetails(main.getAttribute("data-h"));
    if (first.scrollIntoView) { first.scrollIntoView({block: "center"}); }
  }

  picks.forEach(function (button) {
    button.addEventListener("click", function () { pickItem(button); });
  });

  document.getElementById("text").addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest(".h") : null;
    if (!el) { clearSelection(); return; }
    var index = el.getAttribute("data-h");
    selectWhere(function (other) { return other.getAttribute("data-h") === index; });
    showDetails(index);
  });

  document.getElementById("text").addEventListener("mouseover", function (event) {
    var el = event.target.closest ? event.target.closest(".h") : null;
    if (el) { showDetails(el.getAttribute("data-h")); }
  });

  Array.prototype.forEach.call(document.querySelectorAll("#filters input"), function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.value, !box.checked);
    });
  });

  function distinct(elements) {
    var seen = {};
    elements.forEach(function (el) { seen[el.getAttribute("data-h")] = true; });
    return Object.keys(seen).length;
  }

  // #selftest: exercise the page as a user would and write the results into <pre id="selftest">,
  // so a headless browser run with --dump-dom can check them (tests/test_render_browser.py).
  function selftest() {
    var result = {errors: errors, highlights: distinct(pieces), expectedHighlights: data.highlights, actors: []};
    document.querySelectorAll(".pick-actor").forEach(function (button) {
      button.click();
      var id = button.getAttribute("data-pick");
      var selected = pieces.filter(function (el) { return el.classList.contains("sel"); });
      result.actors.push({
        id: id,
        selected: distinct(selected),
        expected: data.actorMentions[id],
        foreign: selected.filter(function (el) {
          return owners(el).indexOf(id) < 0 || !el.classList.contains("k-actor");
        }).length
      });
    });
    var box = document.querySelector('#filters input[value="actor"]');
    var sample = document.querySelector("#text .k-actor");
    if (box && sample) {
      clearSelection();
      var before = getComputedStyle(sample).backgroundColor;
      box.click();
      var after = getComputedStyle(sample).backgroundColor;
      box.click();
      result.filter = {before: before, hidden: after, restored: getComputedStyle(sample).backgroundColor};
    }
    clearSelection();
    result.errors = errors;
    document.getElementById("selftest").textContent = JSON.stringify(result);
  }

  // #pick=<id> opens the page with that actor, event or claim picked (a link to one item).
  if (window.location.hash.indexOf("#pick=") === 0) {
    var wanted = decodeURIComponent(window.location.hash.slice(6));
    picks.forEach(function (button) { if (button.getAttribute("data-pick") === wanted) { pickItem(button); } });
  }

  if (window.location.hash === "#selftest") {
    try { selftest(); } catch (e) {
      errors.push(String(e));
      document.getElementById("selftest").textContent = JSON.stringify({errors: errors});
    }
  }
})();
