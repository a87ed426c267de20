// Starts the vendored Redoc on /redoc (no inline script: the page's CSP forbids it).
"use strict";
(function () {
  var root = document.getElementById("redoc");
  if (!root || !window.Redoc) { return; }
  window.Redoc.init(root.getAttribute("data-openapi-url"), { hideDownloadButton: false }, root);
})();
