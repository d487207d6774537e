// The organiser page. The login is a plain form that leaves an HttpOnly session cookie;
// this script sends the session's CSRF token with every API call and never sees the token.
// Audience text is put on the page with textContent only.
"use strict";

const root = document.getElementById("admin");
const slug = root.dataset.slug;
const csrf = root.dataset.csrf;
const api = `/api/boards/${encodeURIComponent(slug)}`;
const $ = (id) => document.getElementById(id);
let filter = "";

async function call(path, options = {}) {
  const headers = { "X-CSRF-Token": csrf, ...(options.headers || {}) };
  if (options.body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) location.reload(); // the session ended: back to the login form
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
  return body;
}

async function start() {
  await refresh();
  await loadBoard();
  follow();
  setInterval(() => refresh().catch(() => {}), 15000); // a safety net; the socket drives it
}

// Live: the server says "changed" (held messages included); we fetch at most twice a second.
let pending = false;
let retry = 0;
function follow() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/boards/${encodeURIComponent(slug)}/organiser`);
  socket.onopen = () => {
    retry = 0;
    socket.send(JSON.stringify({ type: "auth", csrf }));
  };
  socket.onmessage = () => {
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; refresh().catch(() => {}); }, 500);
  };
  socket.onclose = (event) => {
    if (event.code === 4403 || event.code === 4404) return;
    setTimeout(follow, Math.min(10000, 500 * 2 ** retry++));
  };
}

async function loadBoard() {
  const board = await call(`${api}/settings`);
  const form = $("settings");
  form.elements.title.value = board.title;
  form.elements.moderation.value = board.moderation;
  form.elements.ui_language.value = board.ui_language;
  form.elements.hashtags.value = board.hashtags.join(", ");
  form.elements.reactions.value = board.reactions.join(" ");
  for (const box of form.querySelectorAll("[name=languages]")) box.checked = board.languages.includes(box.value);
  form.elements.open.checked = board.open;
  form.elements.blocklist.value = board.blocklist.join("\n");
  form.elements.hold_links.checked = board.hold_links;
  form.elements.hold_mentions.checked = board.hold_mentions;
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
        reactions: form.elements.reactions.value.split(/\s+/).filter(Boolean),
        languages: [...form.querySelectorAll("[name=languages]:checked")].map((box) => box.value),
        open: form.elements.open.checked,
        blocklist: form.elements.blocklist.value.split(/\n+/).map((w) => w.trim()).filter(Boolean),
        hold_links: form.elements.hold_links.checked,
        hold_mentions: form.elements.hold_mentions.checked,
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
  const stats = (await call(`${api}/stats`)).by_status;
  const mood = (status) => (stats[status] ? ` (mood ${stats[status].mood.toFixed(2)})` : "");
  $("counts").textContent = `${page.counts.visible} visible${mood("visible")} · ${page.counts.held} held${mood("held")} · ${page.counts.hidden} hidden${mood("hidden")}`;
  $("reactions").replaceChildren(...page.items.map(row));
  loadNetworks().catch(() => {});
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
  const flag = item.flag ? ` (${item.flag})` : "";
  li.append(el("div", "item__meta", `${who}${item.source} · ${item.label} ${item.score} · ${item.lang || "-"} · ${when} · ${item.status}${flag}${item.pinned ? " · pinned" : ""}`));
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
  const ban = (label, kind) => {
    const button = el("button", "secondary", label);
    button.type = "button";
    button.addEventListener("click", async () => {
      if (!confirm(`${label}? Their shown messages are hidden and later ones stored hidden.`)) return;
      await call(`${api}/bans`, { method: "POST", body: JSON.stringify({ reaction_id: item.id, kind }) });
      refresh();
    });
    actions.append(button);
  };
  ban("Ban device", "device");
  if (item.author) ban("Ban name", "author");
  li.append(actions);
  return li;
}

// --- Networks: one form per source; built once, then only the status lines refresh ---

const CHAT_FIELDS = [
  ["secret", "password"],
  ["require_hashtag", "checkbox", "Only messages with the board's hashtags"],
];
const NETWORK_FIELDS = {
  bluesky: [["url", "text", "Jetstream URL"]],
  mastodon_feed: [
    ["instance", "url", "Instance, e.g. https://mastodon.social"],
    ["token", "password", "Access token (optional; needed for streaming)"],
    ["tag", "text", "Only this one of the board's hashtags (optional)"],
  ],
  slack: CHAT_FIELDS,
  teams: CHAT_FIELDS,
  telegram: CHAT_FIELDS,
};
const SECRET_LABELS = {
  webhook: "Signing secret (whsec_…)",
  slack: "Signing Secret",
  mastodon: "Webhook secret",
  telegram: "secret_token given to setWebhook",
  x: "API key secret (consumer secret)",
  teams: "Security token (base64)",
};
const NETWORK_NAMES = { webhook: "Webhook (Zapier, n8n, …)", x: "X", mastodon: "Mastodon admin webhook", mastodon_feed: "Mastodon hashtag feed" };
let networksBuilt = false;

async function loadNetworks() {
  const { sources } = await call(`${api}/sources`);
  if (!networksBuilt) {
    $("networks").replaceChildren(...sources.map(networkRow));
    networksBuilt = true;
  }
  for (const view of sources) showNetworkStatus(view);
}

function networkName(source) {
  return NETWORK_NAMES[source] || source.charAt(0).toUpperCase() + source.slice(1);
}

function networkField(view, [name, type, label]) {
  const isSecret = name === "secret" || name === "token";
  const input = el("input");
  input.name = name;
  input.type = type;
  if (type === "checkbox") {
    input.checked = Boolean(view.settings[name]);
    const wrap = el("label", "check");
    wrap.append(input, document.createTextNode(` ${label}`));
    return wrap;
  }
  if (isSecret) {
    input.autocomplete = "new-password";
    input.placeholder = view.secret ? `set: ${view.secret}` : "not set";
  } else {
    input.value = view.settings[name] || "";
  }
  const wrap = el("label", "", label || SECRET_LABELS[view.source] || "Secret");
  wrap.append(input);
  return wrap;
}

function networkRow(view) {
  const li = el("li", "item network");
  li.dataset.source = view.source;
  const form = el("form", "grid");
  const enabled = el("input");
  enabled.type = "checkbox";
  enabled.name = "enabled";
  enabled.checked = view.enabled;
  const toggle = el("label", "check");
  toggle.append(enabled, document.createTextNode(` ${networkName(view.source)}`));
  form.append(toggle);
  const fields = NETWORK_FIELDS[view.source] || [["secret", "password"]];
  for (const field of fields) form.append(networkField(view, field));
  const save = el("button", "", "Save");
  save.type = "submit";
  form.append(save);
  const status = el("div", "item__meta network__status");
  const message = el("p", "note network__message");
  form.addEventListener("submit", (event) => saveNetwork(event, view.source, form, message));
  li.append(form, status, message);
  return li;
}

async function saveNetwork(event, source, form, message) {
  event.preventDefault();
  const body = { enabled: form.elements.enabled.checked };
  for (const input of form.querySelectorAll("input")) {
    if (input.name === "enabled") continue;
    if (input.type === "checkbox") body[input.name] = input.checked;
    else if (input.value.trim()) body[input.name] = input.value.trim();
  }
  try {
    const view = await call(`${api}/sources/${encodeURIComponent(source)}`, { method: "PUT", body: JSON.stringify(body) });
    const row = networkRow(view);
    form.closest("li").replaceWith(row);
    row.querySelector(".network__message").textContent = "Saved.";
    showNetworkStatus(view);
  } catch (error) {
    message.textContent = error.message;
  }
}

function showNetworkStatus(view) {
  const row = document.querySelector(`#networks li[data-source="${CSS.escape(view.source)}"]`);
  if (!row) return;
  const line = row.querySelector(".network__status");
  if (view.kind === "webhook") {
    line.textContent = `Paste into ${networkName(view.source)}: ${view.hook_url}`;
    return;
  }
  const status = view.status || {};
  const parts = [status.state || "stopped"];
  if (status.last_event_at) parts.push(`last event ${new Date(status.last_event_at).toLocaleTimeString()}`);
  if (status.error && status.error !== "disabled") parts.push(status.error);
  line.textContent = `Follower: ${parts.join(" · ")}`;
}

// Downloads need the token header, so fetch the file and hand the browser a blob.
for (const button of document.querySelectorAll("[data-export]")) {
  button.addEventListener("click", async () => {
    const format = button.dataset.export;
    $("export-error").textContent = "";
    const response = await fetch(`${api}/export.${format}`, {
      headers: { "X-CSRF-Token": csrf },
    });
    if (!response.ok) {
      $("export-error").textContent = `Export failed: HTTP ${response.status}`;
      return;
    }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = `${slug}-reactions.${format}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  });
}

if (csrf) start();
