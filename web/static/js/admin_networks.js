// The organiser page's networks: one form per source, built once, then only the status lines
// refresh. Loaded before admin.js, whose helpers (call, el, $, api) it uses when it runs.
"use strict";

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
