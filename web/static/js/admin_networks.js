// The organiser page's networks: one form per source, built once, then only the status lines
// refresh. Loaded before admin.js, whose helpers (call, el, $, api, say, word) it uses when it
// runs; so the labels here are keys of the page's strings, looked up only then.
"use strict";

const CHAT_FIELDS = [
  ["secret", "password"],
  ["require_hashtag", "checkbox", "only_hashtags"],
];
const NETWORK_FIELDS = {
  bluesky: [["url", "text", "jetstream_url"]],
  mastodon_feed: [
    ["instance", "url", "mastodon_instance"],
    ["token", "password", "mastodon_token"],
    ["tag", "text", "mastodon_tag"],
  ],
  slack: CHAT_FIELDS,
  teams: CHAT_FIELDS,
  telegram: CHAT_FIELDS,
};
// Sources with a translated name (network_…); the others are brands: "slack" shows as "Slack".
const NAMED_NETWORKS = new Set(["webhook", "mastodon", "mastodon_feed"]);
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
  if (NAMED_NETWORKS.has(source)) return say(`network_${source}`);
  return source.charAt(0).toUpperCase() + source.slice(1);
}

function networkField(view, [name, type, label]) {
  const isSecret = name === "secret" || name === "token";
  const input = el("input");
  input.name = name;
  input.type = type;
  if (type === "checkbox") {
    input.checked = Boolean(view.settings[name]);
    const wrap = el("label", "check");
    wrap.append(input, document.createTextNode(` ${say(label)}`));
    return wrap;
  }
  if (isSecret) {
    input.autocomplete = "new-password";
    input.placeholder = view.secret ? say("secret_set", { secret: view.secret }) : say("secret_unset");
  } else {
    input.value = view.settings[name] || "";
  }
  const text = label ? say(label) : (strings[`secret_${view.source}`] ?? say("secret"));
  const wrap = el("label", "", text);
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
  const save = el("button", "", say("save"));
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
    row.querySelector(".network__message").textContent = say("saved");
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
    line.textContent = say("paste_into", { name: networkName(view.source), url: view.hook_url });
    return;
  }
  const status = view.status || {};
  const parts = [word("state", status.state || "stopped")];
  if (status.last_event_at) parts.push(say("last_event", { time: new Date(status.last_event_at).toLocaleTimeString() }));
  if (status.error && status.error !== "disabled") parts.push(status.error); // the server's diagnosis, in English
  line.textContent = say("follower", { status: parts.join(" · ") });
}
