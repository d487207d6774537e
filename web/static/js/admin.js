// The organiser page: token kept for this tab only; every change goes through the JSON API.
// Audience text is put on the page with textContent only.
"use strict";

const slug = document.getElementById("admin").dataset.slug;
const api = `/api/boards/${encodeURIComponent(slug)}`;
const $ = (id) => document.getElementById(id);
const KEY = `scoreboard-token:${slug}`;
let filter = "";

async function call(path, options = {}) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(KEY)}`, ...(options.headers || {}) };
  if (options.body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { ...options, headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
  return body;
}

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $("token").value.trim());
  try {
    await start();
  } catch (error) {
    sessionStorage.removeItem(KEY);
    $("login-error").textContent = error.message;
  }
});

async function start() {
  await refresh();
  $("login").hidden = true;
  $("panel").hidden = false;
  await loadBoard();
  setInterval(() => refresh().catch(() => {}), 2000);
}

async function loadBoard() {
  const board = await call(api);
  const form = $("settings");
  form.elements.title.value = board.title;
  form.elements.moderation.value = board.moderation;
  form.elements.ui_language.value = board.ui_language;
  form.elements.hashtags.value = board.hashtags.join(", ");
  form.elements.open.checked = board.open;
  $("current-segment").textContent = board.segment ? `Now: ${board.segment}` : "";
  $("title").textContent = board.title;
}

$("settings").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const hashtags = form.elements.hashtags.value.split(/[\s,]+/).filter(Boolean);
  try {
    await call(api, {
      method: "PATCH",
      body: JSON.stringify({
        title: form.elements.title.value,
        moderation: form.elements.moderation.value,
        ui_language: form.elements.ui_language.value,
        hashtags,
        open: form.elements.open.checked,
      }),
    });
    $("saved").textContent = "Saved.";
    await loadBoard();
  } catch (error) {
    $("saved").textContent = error.message;
  }
});

$("segment").addEventListener("submit", async (event) => {
  event.preventDefault();
  const label = event.target.elements.label.value.trim();
  await call(`${api}/segments`, { method: "POST", body: JSON.stringify({ label }) });
  event.target.reset();
  await loadBoard();
});

for (const button of document.querySelectorAll(".filters button")) {
  button.setAttribute("aria-pressed", String(button.dataset.status === filter));
  button.addEventListener("click", () => {
    filter = button.dataset.status;
    document.querySelectorAll(".filters button").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
    refresh();
  });
}

async function refresh() {
  const query = new URLSearchParams({ limit: "100" });
  if (filter) query.set("status", filter);
  const page = await call(`${api}/reactions?${query}`);
  $("counts").textContent = `${page.counts.visible} visible · ${page.counts.held} held · ${page.counts.hidden} hidden`;
  $("reactions").replaceChildren(...page.items.map(row));
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function row(item) {
  const li = el("li", `item item--${item.label} item--${item.status}`);
  li.append(el("div", "item__text", [item.emoji, item.text].filter(Boolean).join(" ")));
  const when = new Date(item.received_at).toLocaleTimeString();
  const who = item.author ? `${item.author} · ` : "";
  li.append(el("div", "item__meta", `${who}${item.source} · ${item.label} ${item.score} · ${item.lang || "-"} · ${when} · ${item.status}${item.pinned ? " · pinned" : ""}`));
  const actions = el("div", "item__actions");
  const act = (label, change, secondary) => {
    const button = el("button", secondary ? "secondary" : "", label);
    button.type = "button";
    button.addEventListener("click", async () => {
      await call(`${api}/reactions/${item.id}`, { method: "PATCH", body: JSON.stringify(change) });
      refresh();
    });
    actions.append(button);
  };
  if (item.status !== "visible") act(item.status === "held" ? "Approve" : "Restore", { status: "visible" });
  if (item.status !== "hidden") act("Hide", { status: "hidden" }, true);
  act(item.pinned ? "Unpin" : "Pin", { pinned: !item.pinned }, true);
  li.append(actions);
  return li;
}

if (sessionStorage.getItem(KEY)) start().catch(() => sessionStorage.removeItem(KEY));
