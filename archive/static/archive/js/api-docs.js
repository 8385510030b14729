// The API docs page: Swagger UI over the site's own OpenAPI description (no inline script,
// so the page keeps the site's Content Security Policy).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null, // never send the description to a third-party validator
    tryItOutEnabled: true,
  });
})();
