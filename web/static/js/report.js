// The report page: sends the organiser token once, as JSON, for a short-lived report cookie,
// then reloads; it keeps no copy of the token. Logged in on the organiser page already? Then
// that session opens the report and this form never shows.
"use strict";

const $ = (id) => document.getElementById(id);
const page = $("report-login") || $("report");
const base = `/b/${encodeURIComponent(page.dataset.slug)}/report`;

$("login")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await fetch(`${base}/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: $("token").value.trim() }),
    credentials: "same-origin",
  });
  if (response.ok) {
    location.reload();
    return;
  }
  const body = await response.json().catch(() => ({}));
  const refused = response.status === 403 ? $("login").dataset.refused : "";
  $("login-error").textContent = refused || body.detail || `HTTP ${response.status}`;
});

$("print")?.addEventListener("click", () => window.print());
$("logout")?.addEventListener("click", async () => {
  await fetch(`${base}/session`, { method: "DELETE", credentials: "same-origin" });
  location.reload();
});
