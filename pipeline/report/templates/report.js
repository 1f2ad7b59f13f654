// The findings list of the index: rows come from data/findings-N.js, files of our own that
// hand their rows (JSON, never markup) to zipingFindings; the first is loaded with the page and
// the rest only when a filter, search, sort or later page needs them, so the page opens fast
// whatever the number of findings. Rows are drawn one page at a time with createElement and
// textContent only, so nothing taken from a document can become markup or script. Filter,
// free-text search and sort work on all findings; only PAGE rows are drawn. The filter lives
// in the address (diff.html#filter?code=TOTAL_MISMATCH) so it can be shared.
(function () {
  "use strict";
  var table = document.getElementById("findings");
  var source = document.getElementById("findings-meta");
  if (!table || !source) { return; }
  var PAGE = 100, CLIP = 80;
  // columns of a data row, as pipeline/report/html.py:finding_row writes them
  var RANK = 0, SEV = 1, CODE = 2, CODE_ZH = 3, DOC = 4, UNIT = 5, PLACE = 6, PROJECT = 7,
    SUBJECT = 8, STATED = 9, RECOMPUTED = 10, DELTA = 11, MESSAGE = 12, WHERE = 13, HREF = 14;
  var ORDER = 15, TEXT = 16;
  var FILTER_COLUMN = { code: CODE, severity: SEV, document: DOC, unit: UNIT };
  var SEVERITY_ZH = { error: "错误", warning: "警告", info: "提示" };
  var meta = JSON.parse(source.textContent);  // {total, size, chunks: [file, ...]}
  var parts = [], arrived = 0, requested = false, waiting = [], complete = false, all = [];

  // called by each data/findings-N.js as it loads
  window.zipingFindings = function (n, rows) {
    rows.forEach(function (row, i) {
      row.push(n * meta.size + i, [row[CODE], row[CODE_ZH], row[DOC], row[UNIT], row[PLACE],
        row[PROJECT], row[SUBJECT], row[STATED], row[RECOMPUTED], row[MESSAGE],
        row[WHERE]].join(" ").toLowerCase());
    });
    parts[n] = rows;
    arrived += 1;
    if (n === 0) { all = rows; shown = all; draw(); }
    if (arrived === meta.chunks.length) {
      complete = true;
      all = [].concat.apply([], parts);
      waiting.splice(0).forEach(function (then) { then(); });
    }
  };

  function fetchChunk(n) {
    var script = document.createElement("script");
    script.src = meta.chunks[n];
    script.addEventListener("load", function () { script.remove(); });
    document.head.appendChild(script);
  }

  // run `then` once every finding is loaded (at once when they are)
  function whole(then) {
    if (complete) { then(); return; }
    waiting.push(then);
    if (count) { count.textContent = "…"; }
    if (!requested) {
      requested = true;
      for (var n = 1; n < meta.chunks.length; n += 1) { fetchChunk(n); }
    }
  }

  var body = table.tBodies[0];
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var search = document.getElementById("findings-search");
  var count = document.getElementById("findings-count");
  var at = document.getElementById("page-at");
  var shown = [], page = 0, sortColumn = null, sortDir = 1;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  // long text shows its start; the whole of it is one click away
  function clipped(text) {
    text = text === null || text === undefined ? "" : String(text);
    if (text.length <= CLIP) { return document.createTextNode(text); }
    var details = el("details", null, "clip");
    details.appendChild(el("summary", text.slice(0, CLIP) + "…"));
    details.appendChild(el("div", text));
    return details;
  }

  function cell(label, content, cls) {
    var td = el("td", null, cls);
    td.setAttribute("data-label", label);
    if (content instanceof Node) { td.appendChild(content); } else { td.textContent = content; }
    return td;
  }

  function stacked(first, second, href) {
    var box = document.createDocumentFragment();
    var head = href ? el("a", first || "—") : el("span", first);
    if (href) { head.setAttribute("href", href); }
    box.appendChild(head);
    if (second) { box.appendChild(el("br")); box.appendChild(el("small", second)); }
    return box;
  }

  function draw() {
    while (body.firstChild) { body.removeChild(body.firstChild); }
    var length = complete || shown !== all ? shown.length : meta.total;
    var pages = Math.max(1, Math.ceil(length / PAGE));
    page = Math.min(page, pages - 1);
    shown.slice(page * PAGE, (page + 1) * PAGE).forEach(function (f) {
      var tr = el("tr");
      tr.setAttribute("data-code", f[CODE]);
      tr.setAttribute("data-severity", f[SEV]);
      tr.setAttribute("data-document", f[DOC]);
      tr.setAttribute("data-unit", f[UNIT]);
      var sev = cell("严重程度", SEVERITY_ZH[f[SEV]] || f[SEV], "sev-" + f[SEV]);
      sev.setAttribute("data-value", String(f[RANK]));
      tr.appendChild(sev);
      tr.appendChild(cell("问题代码", stacked(f[CODE], f[CODE_ZH]), "code"));
      tr.appendChild(cell("文档", stacked(f[DOC], "", f[HREF] ? f[HREF].split("#")[0] : "")));
      tr.appendChild(cell("单位", stacked(f[UNIT], f[PLACE])));
      tr.appendChild(cell("项目 / 指标", stacked(f[PROJECT], f[SUBJECT], f[HREF])));
      tr.appendChild(cell("填报", clipped(f[STATED]), "n"));
      tr.appendChild(cell("复核", clipped(f[RECOMPUTED]), "n"));
      var delta = cell("|差异|", f[DELTA] === null ? "" : Number(f[DELTA]).toFixed(2), "n");
      delta.setAttribute("data-value", f[DELTA] === null ? "" : String(Math.abs(f[DELTA])));
      tr.appendChild(delta);
      tr.appendChild(cell("说明", clipped(f[MESSAGE]), "message"));
      tr.appendChild(cell("出处", f[WHERE], "where"));
      body.appendChild(tr);
    });
    count.textContent = String(length);
    if (at) { at.textContent = "第 " + (page + 1) + " / " + pages + " 页 page"; }
  }

  function value(row, column) {
    if (column === DELTA) { return row[DELTA] === null ? Number.POSITIVE_INFINITY : Math.abs(row[DELTA]); }
    return row[column];
  }

  function apply() { whole(filter); }

  function filter() {
    var words = search ? search.value.trim().toLowerCase().split(/\s+/).filter(Boolean) : [];
    shown = all.filter(function (row) {
      var picked = selects.every(function (s) {
        return !s.value || row[FILTER_COLUMN[s.getAttribute("data-filter")]] === s.value;
      });
      return picked && words.every(function (w) { return row[TEXT].indexOf(w) >= 0; });
    });
    if (sortColumn !== null) {
      shown.sort(function (a, b) {
        var x = value(a, sortColumn), y = value(b, sortColumn);
        if (typeof x === "number" && typeof y === "number") {
          return sortDir * ((x > y) - (x < y)) || a[ORDER] - b[ORDER];
        }
        return sortDir * String(x).localeCompare(String(y), "zh") || a[ORDER] - b[ORDER];
      });
    }
    page = 0;
    draw();
  }

  function remember() {
    var params = new URLSearchParams();
    selects.forEach(function (s) { if (s.value) { params.set(s.getAttribute("data-filter"), s.value); } });
    if (search && search.value) { params.set("q", search.value); }
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
    if (search && params.get("q")) { search.value = params.get("q"); }
  }

  var COLUMNS = [RANK, CODE, DOC, UNIT, PROJECT, STATED, RECOMPUTED, DELTA, MESSAGE, WHERE];
  Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-sort]"), function (th) {
    th.addEventListener("click", function () {
      var column = COLUMNS[th.cellIndex];
      sortDir = sortColumn === column && th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      sortColumn = column;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", sortDir === 1 ? "ascending" : "descending");
      apply();
    });
  });
  selects.forEach(function (s) {
    s.addEventListener("change", function () { apply(); remember(); });
  });
  if (search) { search.addEventListener("input", function () { apply(); remember(); }); }
  document.getElementById("page-prev").addEventListener("click", function () {
    if (page > 0) { page -= 1; draw(); }
  });
  document.getElementById("page-next").addEventListener("click", function () {
    if ((page + 1) * PAGE < shown.length) { page += 1; draw(); return; }
    if (!complete && shown === all) { whole(function () { shown = all; page += 1; draw(); }); }
  });
  var reset = document.getElementById("filter-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      selects.forEach(function (s) { s.value = ""; });
      if (search) { search.value = ""; }
      apply();
      remember();
    });
  }
  restore();
  if (location.hash.indexOf("#filter?") === 0) { apply(); }
  if (meta.chunks.length) { fetchChunk(0); } else { complete = true; draw(); }
}());
