// Starts Swagger UI on /docs from the app's own OpenAPI document.
window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
