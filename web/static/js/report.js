// The report page: trades the organiser token for a short-lived report cookie, prints, logs out.
// The token itself is never put in a URL; it is sent once, as JSON, and kept for this tab only.
"use strict";

const $ = (id) => document.getElementById(id);
const page = $("report-login") || $("report");
const slug = page.dataset.slug;
const base = `/b/${encodeURIComponent(slug)}/report`;
const KEY = `scoreboard-token:${slug}`; // shared with the organiser page
const TRIED = `scoreboard-report-tried:${slug}`;

async function logIn(token) {
  const response = await fetch(`${base}/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token }),
    credentials: "same-origin",
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.detail || `HTTP ${response.status}`);
  }
  sessionStorage.setItem(KEY, token);
  location.reload();
}

if ($("login")) {
  $("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = $("token").value.trim();
    try {
      await logIn(token);
    } catch (error) {
      $("login-error").textContent = error.message;
    }
  });
  // Logged in on the organiser page in this tab: use that token, once (never loop on reload).
  const saved = sessionStorage.getItem(KEY);
  if (saved && !sessionStorage.getItem(TRIED)) {
    sessionStorage.setItem(TRIED, "1");
    logIn(saved).catch(() => sessionStorage.removeItem(KEY));
  }
} else {
  sessionStorage.removeItem(TRIED);
}

$("print")?.addEventListener("click", () => window.print());
$("logout")?.addEventListener("click", async () => {
  sessionStorage.removeItem(KEY);
  await fetch(`${base}/session`, { method: "DELETE", credentials: "same-origin" });
  location.reload();
});
