// Starts the vendored Swagger UI on /docs (no inline script: the page's CSP forbids it).
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") { return; }
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    validatorUrl: null,          // never ask validator.swagger.io
    deepLinking: true,
    persistAuthorization: true,  // the token survives a reload (localStorage of this origin)
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
