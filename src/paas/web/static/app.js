/* PAAS AI Orchestrator dashboard: the live feed, countdowns, charts, copy buttons, sortable and
   filterable tables, and error toasts. No inline script anywhere: the page's CSP forbids it. */
(function () {
  "use strict";

  function toast(message, bad) {
    var box = document.getElementById("toast");
    if (!box) return;
    box.textContent = message;
    box.className = "toast" + (bad ? " bad" : "");
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.hidden = true; }, 6000);
  }
  window.paasToast = toast;

  /* Live: one EventSource per page; every committed change re-fetches the live regions. */
  function connectLive() {
    var url = document.body.getAttribute("data-live-url");
    if (!url || !window.EventSource) return;
    var state = document.getElementById("live-state");
    var source = new EventSource(url);
    function show(name, text) { if (state) { state.setAttribute("data-state", name); state.textContent = text; } }
    source.addEventListener("open", function () { show("live", "live"); });
    source.addEventListener("error", function () { show("offline", "reconnecting…"); });
    source.addEventListener("change", function (message) {
      var detail = {};
      try { detail = JSON.parse(message.data); } catch (e) { detail = {}; }
      document.body.setAttribute("data-last-event", message.lastEventId || "");
      document.body.dispatchEvent(new CustomEvent("paas:live", { detail: detail }));
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  /* Countdowns: <time data-countdown="ISO"> shows the time left, every second. */
  function span(seconds) {
    if (seconds <= 0) return "now";
    var d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600),
        m = Math.floor(seconds % 3600 / 60), s = Math.floor(seconds % 60);
    if (d > 0) return "in " + d + " d " + h + " h";
    if (h > 0) return "in " + h + " h " + (m < 10 ? "0" : "") + m + " min";
    return "in " + m + " min " + (s < 10 ? "0" : "") + s + " s";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var at = Date.parse(el.getAttribute("data-countdown"));
      if (!isNaN(at)) el.textContent = span((at - now) / 1000);
    });
  }

  /* Charts: data-chart holds {kind, x, series:[{label, values}], time, band}; the table beside
     each chart has the same figures. */
  /* Bars stand on their x value: half a step of room at each end so the first and last show whole. */
  function pad(spec) {
    if (spec.kind !== "bars" || spec.x.length === 0) return undefined;
    var step = spec.x.length > 1 ? spec.x[1] - spec.x[0] : 1;
    return function () { return [spec.x[0] - step / 2, spec.x[spec.x.length - 1] + step / 2]; };
  }
  function drawCharts(root) {
    if (!window.uPlot) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec;
      try { spec = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
      el.textContent = "";
      var colors = ["#2456c7", "#d9480f", "#1e7d3a", "#7048e8", "#c2255c"];
      var series = [{ label: spec.xLabel || (spec.time ? "Day" : "") }];
      spec.series.forEach(function (item, i) {
        var one = { label: item.label, stroke: colors[i % colors.length], width: 2 };
        if (spec.kind === "bars") {
          one.fill = colors[i % colors.length] + "99";
          one.paths = uPlot.paths.bars({ size: [0.7, 60] });
        }
        series.push(one);
      });
      var hooks = {};
      if (spec.band) {
        hooks.drawClear = [function (u) {
          var left = u.valToPos(spec.band[0], "x", true), right = u.valToPos(spec.band[1], "x", true);
          u.ctx.save(); u.ctx.fillStyle = "rgba(30,125,58,0.15)";
          u.ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height); u.ctx.restore();
        }];
      }
      var width = Math.max(260, el.clientWidth || 600);
      var options = { width: width, height: 220, series: series, hooks: hooks,
        scales: { x: { time: !!spec.time, range: pad(spec) } }, axes: [{}, { size: 60 }], legend: { show: true } };
      var data = [spec.x].concat(spec.series.map(function (item) { return item.values; }));
      el._plot = new uPlot(options, data, el);
    });
  }

  /* Copy: <button data-copy="#id"> copies the element's text. */
  function copyFrom(button) {
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target) return;
    var text = target.value !== undefined && target.tagName === "TEXTAREA" ? target.value : target.textContent;
    function done() { button.setAttribute("data-copied", "yes"); toast("Copied to the clipboard."); }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    area.remove();
  }

  /* Sortable tables: <table data-sortable>, <th data-sort="number|text"><button class=sort>. */
  var sortedBy = {};  /* table id -> {index, ascending}: a live region's new rows keep the reader's order */
  function sortBy(th, keep) {
    var table = th.closest("table"), body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var ascending = keep === undefined ? th.getAttribute("aria-sort") !== "ascending" : keep;
    if (table.id) sortedBy[table.id] = { index: index, ascending: ascending };
    table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = th.getAttribute("data-sort") === "number";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index], y = b.cells[index];
      var p = x ? (x.getAttribute("data-value") || x.textContent.trim()) : "";
      var q = y ? (y.getAttribute("data-value") || y.textContent.trim()) : "";
      var order = numeric ? (parseFloat(p) || 0) - (parseFloat(q) || 0) : p.localeCompare(q);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  /* Filters: inputs and selects with data-filter="#table" and optional data-column="name";
     a row shows when it matches every filter (text: anywhere in the row; column: data-<name>). */
  function applyFilters(tableSelector) {
    var table = document.querySelector(tableSelector);
    if (!table) return;
    var filters = document.querySelectorAll('[data-filter="' + tableSelector + '"]');
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var keep = true;
      filters.forEach(function (input) {
        var wanted = (input.value || "").trim().toLowerCase();
        if (!wanted) return;
        var column = input.getAttribute("data-column");
        var have = column ? (row.getAttribute("data-" + column) || "").toLowerCase() : row.textContent.toLowerCase();
        if (column ? have.split(/[ ,]+/).indexOf(wanted) < 0 && have !== wanted : have.indexOf(wanted) < 0) keep = false;
      });
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    var count = document.querySelector('[data-filter-count="' + tableSelector + '"]');
    if (count) count.textContent = shown + " shown";
  }
  function reapplyFilters(root) {
    var seen = {};
    document.querySelectorAll("[data-filter]").forEach(function (input) {
      var target = input.getAttribute("data-filter");
      if (!seen[target] && root.querySelector(target)) { seen[target] = true; applyFilters(target); }
    });
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) { event.preventDefault(); copyFrom(copy); return; }
    var sort = event.target.closest("th[data-sort] button.sort");
    if (sort) sortBy(sort.closest("th"));
  });
  document.addEventListener("input", function (event) {
    var target = event.target.getAttribute && event.target.getAttribute("data-filter");
    if (target) applyFilters(target);
  });
  document.addEventListener("change", function (event) {
    var target = event.target.getAttribute && event.target.getAttribute("data-filter");
    if (target) applyFilters(target);
  });

  /* Errors from htmx requests: the API's error envelope, said in a toast. */
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr, message = "The request failed (" + xhr.status + ").";
    try { var body = JSON.parse(xhr.responseText); if (body.error && body.error.message) message = body.error.message; }
    catch (e) { /* not JSON: keep the status */ }
    toast(message, true);
  });
  /* A JSON answer (the API's error envelope) is never swapped into a page: it is said instead. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr, type = xhr.getResponseHeader("content-type") || "";
    if (type.indexOf("application/json") === 0) {
      event.detail.shouldSwap = false;
      var message = "The request failed (" + xhr.status + ").";
      try { var body = JSON.parse(xhr.responseText); if (body.error && body.error.message) message = body.error.message; }
      catch (e) { /* keep the status */ }
      if (xhr.status >= 400) { event.detail.isError = false; toast(message, true); }
    }
  });
  document.addEventListener("htmx:sendError", function () { toast("The server cannot be reached.", true); });
  document.addEventListener("htmx:afterSwap", function (event) {
    Object.keys(sortedBy).forEach(function (id) {
      var table = event.detail.target.querySelector("#" + id), saved = sortedBy[id];
      var th = table && table.tHead && table.tHead.rows[0].cells[saved.index];
      if (th && !th.hasAttribute("aria-sort")) sortBy(th, saved.ascending);
    });
    drawCharts(event.detail.target); reapplyFilters(event.detail.target); tick();
  });

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document); tick(); setInterval(tick, 1000); connectLive();
  });
})();
