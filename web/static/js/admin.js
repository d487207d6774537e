// The organiser page. The login is a plain form that leaves an HttpOnly session cookie;
// this script sends the session's CSRF token with every API call and never sees the token.
// Audience text is put on the page with textContent only; so are the page's own words, which
// the server sends in the page's language as JSON in data-strings (admin_networks.js uses them too).
"use strict";

const root = document.getElementById("admin");
const slug = root.dataset.slug;
const csrf = root.dataset.csrf;
const api = `/api/boards/${encodeURIComponent(slug)}`;
const $ = (id) => document.getElementById(id);
const strings = JSON.parse(root.dataset.strings || "{}");
const decimals = new Intl.NumberFormat(document.documentElement.lang || undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

// The page's sentence for `key`, its {placeholders} filled from `values`.
function say(key, values = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// The word for a value the server sends (a status, flag, state…), or the value itself when unknown.
const word = (kind, value) => strings[`${kind}_${value}`] ?? value;

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
  $("current-segment").textContent = board.segment ? say("now", { segment: board.segment }) : "";
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
    $("saved").textContent = say("saved");
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

// --- Reactions, newest first. While the organiser points at, presses in or tabs through the
// list, no row moves: newer reactions wait behind the "N new — show" button and rows change in
// place. A button acts on the id of the row it is in, never on a position. ---

const PAGE = 100;
const SOURCE_NAMES = { api: "API", mastodon_feed: "Mastodon", x: "X" }; // names; "form" is a word
const list = $("reactions");
const moderation = $("moderation");
const filterButtons = document.querySelectorAll("[data-filter]");
let filter = ""; // "", "comments" (filtered here: the API has no such filter) or a status
let rows = []; // the reactions on screen, newest first
let older = null; // next_before of the oldest page shown: null when it reaches the first reaction
let paged = false; // the organiser loaded older pages, so a refresh keeps them
let deferred = false; // a refresh was held back while the list was in use
let pressing = false;
let generation = 0; // grows with each filter change; answers for an older filter are dropped

const shows = (item) => filter !== "comments" || Boolean(item.text);

function statusQuery(extra) {
  const query = new URLSearchParams({ limit: String(PAGE), ...extra });
  if (filter && filter !== "comments") query.set("status", filter);
  return query;
}

function inUse() {
  const focused = document.activeElement;
  const working = focused && (list.contains(focused) || focused.id === "new-reactions");
  return pressing || moderation.matches(":hover") || Boolean(working && focused.matches(":focus-visible"));
}

async function refresh({ force = false } = {}) {
  const asked = generation;
  const page = await call(`${api}/reactions?${statusQuery()}`);
  const stats = (await call(`${api}/stats`)).by_status;
  if (asked !== generation) return;
  showCounts(page.counts, stats);
  const fresh = page.items.filter(shows);
  deferred = !force && rows.length > 0 && inUse();
  if (deferred) {
    const latest = new Map(fresh.map((item) => [item.id, item]));
    rows = rows.map((item) => latest.get(item.id) || item);
    const top = rows[0].id;
    const gap = page.next_before !== null && page.next_before > top;
    showQueue(fresh.filter((item) => item.id > top).length, gap);
  } else {
    const floor = page.next_before ?? 0;
    rows = [...fresh, ...(paged ? rows.filter((item) => item.id < floor) : [])];
    if (!paged) older = page.next_before;
    showQueue(0);
  }
  showRows();
  loadNetworks().catch(() => {});
}

function showCounts(counts, stats) {
  const part = (status) => {
    const mood = stats[status] ? ` ${say("mood", { score: decimals.format(stats[status].mood) })}` : "";
    return `${counts[status]} ${word("status", status)}${mood}`;
  };
  $("counts").textContent = ["visible", "held", "hidden"].map(part).join(" · ");
}

function showQueue(count, more = false) {
  const button = $("new-reactions");
  button.hidden = count === 0;
  button.textContent = say("new", { n: `${count}${more ? "+" : ""}` });
}

// Puts `rows` on the page with as few moves as possible: unchanged rows stay the same nodes.
function showRows() {
  const wanted = new Set(rows.map((item) => String(item.id)));
  const nodes = new Map();
  for (const li of [...list.children]) {
    if (wanted.has(li.dataset.id)) nodes.set(li.dataset.id, li);
    else li.remove();
  }
  let at = list.firstElementChild;
  for (const item of rows) {
    const li = upToDate(nodes.get(String(item.id)), item);
    if (li === at) at = at.nextElementSibling;
    else list.insertBefore(li, at);
  }
  $("older").hidden = older === null;
}

function upToDate(old, item) {
  const key = JSON.stringify(item);
  if (old && old.dataset.key === key) return old;
  const li = row(item);
  li.dataset.key = key;
  if (old) {
    const focused = old.contains(document.activeElement) ? document.activeElement : null;
    old.replaceWith(li);
    // Keep the keyboard's place: the same action, else the row's first (Hide becomes Restore).
    if (focused === old) li.focus();
    else if (focused) (li.querySelector(`[data-action="${focused.dataset.action}"]`) || li.querySelector("button")).focus();
  }
  return li;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function row(item) {
  const li = el("li", `item item--${item.label} item--${item.status}`);
  li.dataset.id = item.id;
  li.tabIndex = -1; // "show" moves the focus to the newest row
  li.append(el("div", "item__text", [item.emoji, item.text].filter(Boolean).join(" ")));
  li.append(el("div", "item__meta", details(item)));
  const actions = el("div", "item__actions");
  const add = (action, label, primary) => {
    const button = el("button", primary ? "" : "secondary", label);
    button.type = "button";
    button.dataset.action = action;
    actions.append(button);
  };
  if (item.status !== "visible") add("show", say(item.status === "held" ? "approve" : "restore"), true);
  if (item.status !== "hidden") add("hide", say("hide"));
  add("pin", say(item.pinned ? "unpin" : "pin"));
  add("device", say("ban_device"));
  if (item.author) add("author", say("ban_name"));
  li.append(actions);
  return li;
}

function details(item) {
  const source = strings[`source_${item.source}`] ?? SOURCE_NAMES[item.source]
    ?? item.source.charAt(0).toUpperCase() + item.source.slice(1);
  const status = word("status", item.status);
  const label = word("label", item.label);
  return [
    item.author,
    source,
    item.score ? `${label} ${decimals.format(item.score)}` : label,
    word("lang", item.lang),
    item.segment,
    new Date(item.received_at).toLocaleTimeString(),
    item.flag ? `${status} (${word("flag", item.flag)})` : status,
    item.pinned && say("pinned"),
  ].filter(Boolean).join(" · ");
}

async function act(id, button) {
  const action = button.dataset.action;
  if (action === "device" || action === "author") {
    if (!confirm(say("ban_confirm", { action: button.textContent }))) return;
    await call(`${api}/bans`, { method: "POST", body: JSON.stringify({ reaction_id: id, kind: action }) });
  } else {
    const item = rows.find((candidate) => candidate.id === id);
    const change = action === "pin" ? { pinned: !item.pinned } : { status: action === "hide" ? "hidden" : "visible" };
    const changed = await call(`${api}/reactions/${id}`, { method: "PATCH", body: JSON.stringify(change) });
    rows = rows.map((candidate) => (candidate.id === id ? changed : candidate));
    showRows();
  }
  await refresh();
}

list.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (button) act(Number(button.closest("li").dataset.id), button).catch(() => {});
});

function resume() {
  setTimeout(() => {
    if (deferred && !inUse()) refresh().catch(() => {});
  });
}

moderation.addEventListener("pointerdown", () => { pressing = true; });
for (const type of ["pointerup", "pointercancel"]) {
  addEventListener(type, () => {
    pressing = false;
    resume();
  });
}
moderation.addEventListener("pointerleave", resume);
moderation.addEventListener("focusout", resume);

$("new-reactions").addEventListener("click", async () => {
  await refresh({ force: true });
  list.firstElementChild?.focus();
});

let loadingOlder = false; // a second click meanwhile would load the same page twice
$("older").addEventListener("click", async () => {
  if (loadingOlder) return;
  loadingOlder = true;
  const asked = generation;
  try {
    const page = await call(`${api}/reactions?${statusQuery({ before: String(older) })}`);
    if (asked !== generation) return;
    rows = [...rows, ...page.items.filter(shows)];
    older = page.next_before;
    paged = true;
    showRows();
  } finally {
    loadingOlder = false;
  }
});

for (const button of filterButtons) {
  button.setAttribute("aria-pressed", String(button.dataset.filter === filter));
  button.addEventListener("click", () => {
    filter = button.dataset.filter;
    for (const other of filterButtons) other.setAttribute("aria-pressed", String(other === button));
    generation += 1;
    rows = [];
    older = null;
    paged = false;
    showQueue(0);
    refresh({ force: true }).catch(() => {});
  });
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
      $("export-error").textContent = say("export_failed", { status: response.status });
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
