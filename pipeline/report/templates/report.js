// Filter and sort the findings table. Reads only data-* attributes and textContent and never
// writes HTML, so nothing taken from a document can become markup or script here.
// The filter lives in the address (diff.html#filter?code=TOTAL_MISMATCH) so it can be shared.
(function () {
  "use strict";
  var table = document.getElementById("findings");
  if (!table) { return; }
  var body = table.tBodies[0];
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var count = document.getElementById("findings-count");

  function apply() {
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var keep = selects.every(function (s) {
        return !s.value || row.getAttribute("data-" + s.getAttribute("data-filter")) === s.value;
      });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = String(shown);
  }

  function remember() {
    var params = new URLSearchParams();
    selects.forEach(function (s) { if (s.value) { params.set(s.getAttribute("data-filter"), s.value); } });
    var query = params.toString();
    history.replaceState(null, "", query ? "#filter?" + query : location.pathname + location.search);
  }

  function restore() {
    if (location.hash.indexOf("#filter?") !== 0) { return; }
    var params = new URLSearchParams(location.hash.slice("#filter?".length));
    selects.forEach(function (s) {
      var wanted = params.get(s.getAttribute("data-filter"));
      var known = Array.prototype.some.call(s.options, function (o) { return o.value === wanted; });
      if (wanted !== null && known) { s.value = wanted; }
    });
  }

  function sortKey(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (!numeric) { return raw; }
    var n = parseFloat(raw);
    return isNaN(n) ? Number.POSITIVE_INFINITY : n;
  }

  function sortBy(th) {
    var numeric = th.getAttribute("data-sort") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a, th.cellIndex, numeric), y = sortKey(b, th.cellIndex, numeric);
      if (numeric) { return dir * ((x > y) - (x < y)); }
      return dir * String(x).localeCompare(String(y), "zh");
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  selects.forEach(function (s) {
    s.addEventListener("change", function () { apply(); remember(); });
  });
  Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-sort]"), function (th) {
    th.addEventListener("click", function () { sortBy(th); });
  });
  var reset = document.getElementById("filter-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      selects.forEach(function (s) { s.value = ""; });
      apply();
      remember();
    });
  }
  restore();
  apply();
}());
