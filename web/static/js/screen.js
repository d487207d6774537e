// The projector: renders the live snapshot and ticks; reconnects and resyncs by itself.
// Every piece of audience text goes in through textContent, never as markup.
"use strict";

const root = document.getElementById("board");
const slug = root.dataset.slug;
const SVG = "http://www.w3.org/2000/svg";
const MAX_TICKER = 8;
const MAX_BURSTS_PER_TICK = 24;
const MAX_WORDS = 14;
const WORD_REM = [2, 3.2]; // the rarest and the commonest word's size
const $ = (id) => document.getElementById(id);

let seq = null;
let socket = null;
let retry = 0;
let pinnedId = null;

// `?replay=10`: replay the stored talk at 10x instead of showing the live board.
const replaySpeed = new URLSearchParams(location.search).get("replay");
let replayDone = false;

function socketPath() {
  const live = `/ws/boards/${encodeURIComponent(slug)}`;
  return replaySpeed === null ? live : `${live}/replay?speed=${encodeURIComponent(replaySpeed)}`;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}${socketPath()}`);
  socket.onopen = () => { retry = 0; $("conn").hidden = true; };
  socket.onmessage = (event) => handle(JSON.parse(event.data));
  socket.onclose = (event) => {
    $("conn").hidden = false;
    if (replaySpeed !== null && (replayDone || event.code >= 4000)) {
      $("conn").textContent = replayDone ? "Replay finished" : `Replay refused: ${event.reason}`;
      return; // a finished or refused replay is not a dropped connection: don't start over
    }
    seq = null;
    const delay = Math.min(10000, 500 * 2 ** retry) * (0.75 + Math.random() * 0.5);
    retry += 1;
    setTimeout(connect, delay);
  };
}

function handle(message) {
  if (message.type === "snapshot") {
    seq = message.seq;
    if (message.board) renderBoard(message.board);
    renderTally(message.tally);
    $("ticker").replaceChildren();
    message.recent.slice(0, MAX_TICKER + 1).reverse().forEach(addItem); // one may be pinned
    updateEmpty();
  } else if (message.type === "tick") {
    if (seq !== null && message.seq !== seq + 1) {
      seq = null; // a gap: ask for the full state instead of guessing
      socket.send(JSON.stringify({ type: "resync" }));
      return;
    }
    seq = message.seq;
    renderTally(message.tally);
    message.removed.forEach((id) => document.querySelector(`[data-id="${Number(id)}"]`)?.remove());
    message.added.forEach(addItem);
    updateEmpty();
    burst(message.bursts);
  } else if (message.type === "replay_end") {
    replayDone = true;
  }
}

function renderBoard(board) {
  $("title").textContent = board.title;
  document.title = `${board.title} · Scoreboard`;
  $("segment").textContent = board.segment || "";
  $("segment").hidden = !board.segment;
  fitTitle();
  root.classList.toggle("is-closed", board.open === false); // phones would be refused
  const list = $("emoji");
  const shown = [...list.children].map((li) => li.dataset.emoji).join(" ");
  if (shown !== board.reactions.join(" ")) {
    list.replaceChildren(...board.reactions.map((emoji) => {
      const li = document.createElement("li");
      li.className = "emoji__item";
      li.dataset.emoji = emoji;
      li.append(span("emoji__glyph", emoji), span("emoji__n", "0"));
      return li;
    }));
  }
  for (const li of list.children) fitCount(li);
}

// One line at full size when the title fits, else two a size smaller (clamped in CSS).
function fitTitle() {
  const title = $("title");
  title.classList.remove("is-long");
  const line = parseFloat(getComputedStyle(title).lineHeight);
  title.classList.toggle("is-long", title.getBoundingClientRect().height > 1.5 * line);
}

function span(className, text) {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}

function renderTally(tally) {
  $("count-total").textContent = tally.total;
  for (const label of ["positive", "neutral", "negative"]) {
    const count = $(`count-${label}`);
    const n = String(tally[label]);
    if (count.textContent !== n) {
      count.textContent = n;
      fitCount(count);
    }
  }
  const mood = Number(tally.mood) || 0;
  $("mood-value").textContent = (mood > 0 ? "+" : "") + mood.toFixed(2);
  $("gauge").setAttribute("aria-valuenow", mood.toFixed(2));
  $("needle").style.transform = `rotate(${mood * 80}deg)`;
  for (const li of $("emoji").children) {
    const n = String(tally.emoji[li.dataset.emoji] || 0);
    const counter = li.querySelector(".emoji__n");
    if (counter.textContent !== n) {
      counter.textContent = n;
      li.classList.remove("is-bumped"); // first, so that a bump's scale is not measured
      fitCount(li);
      void li.offsetWidth;
      li.classList.add("is-bumped");
    }
  }
  renderTimeline(tally.timeline);
  renderWords(tally.words);
  renderPinned(tally.pinned);
  trimTicker();
}

// A count may outgrow the box drawn for it (four digits in a big room): scale it to fit.
function fitCount(el) {
  el.style.removeProperty("--fit");
  const text = document.createRange();
  text.selectNodeContents(el);
  const fit = el.clientWidth / text.getBoundingClientRect().width;
  if (fit < 1) el.style.setProperty("--fit", String(Math.floor(fit * 100) / 100));
}

function renderTimeline(points) {
  const svg = $("timeline");
  const width = 600, height = 160, mid = height / 2;
  const shown = points.slice(-60);
  const most = Math.max(1, ...shown.map((p) => p.count));
  const step = width / Math.max(shown.length, 12);
  const nodes = [];
  const zero = document.createElementNS(SVG, "line");
  zero.setAttribute("class", "timeline__zero");
  zero.setAttribute("x1", "0"); zero.setAttribute("x2", String(width));
  zero.setAttribute("y1", String(mid)); zero.setAttribute("y2", String(mid));
  nodes.push(zero);
  const line = [];
  shown.forEach((p, i) => {
    const bar = document.createElementNS(SVG, "rect");
    const h = (p.count / most) * (height - 10);
    bar.setAttribute("class", "timeline__bar");
    bar.setAttribute("x", String(i * step + 2));
    bar.setAttribute("width", String(Math.max(1, step - 4)));
    bar.setAttribute("y", String(height - h));
    bar.setAttribute("height", String(h));
    nodes.push(bar);
    line.push(`${i * step + step / 2},${mid - p.mood * (mid - 8)}`);
  });
  if (line.length > 1) {
    // A panel-coloured edge under the mood line keeps it apart from the bars it crosses.
    for (const name of ["timeline__mood-edge", "timeline__mood"]) {
      const poly = document.createElementNS(SVG, "polyline");
      poly.setAttribute("class", name);
      poly.setAttribute("points", line.join(" "));
      nodes.push(poly);
    }
  }
  svg.replaceChildren(...nodes);
}

function renderWords(words) {
  const top = words.slice(0, MAX_WORDS);
  const most = Math.max(1, ...top.map((w) => w.count));
  const [least, largest] = WORD_REM;
  const cloud = $("words");
  cloud.replaceChildren(...top.map((w) => {
    const el = span("words__word", w.word);
    el.dir = "auto";
    el.style.fontSize = `${(least + (largest - least) * Math.sqrt(w.count / most)).toFixed(2)}rem`;
    return el;
  }));
  // A word wider than the panel shrinks to fit, down to the smallest size; CSS ellipsis beyond.
  const room = cloud.clientWidth;
  for (const el of cloud.children) {
    if (el.scrollWidth > room) {
      const fitted = (parseFloat(el.style.fontSize) * room) / el.scrollWidth;
      el.style.fontSize = `${Math.max(least, Math.floor(fitted * 100) / 100)}rem`;
    }
  }
  // Rarest words last: drop those that would be cut off at the panel's edge.
  const bottom = cloud.getBoundingClientRect().bottom;
  while (cloud.lastElementChild?.getBoundingClientRect().bottom > bottom) cloud.lastElementChild.remove();
}

function renderPinned(pinned) {
  const box = $("pinned");
  box.hidden = !pinned;
  box.querySelector(".pinned__author").textContent = pinned?.author || "";
  box.querySelector(".pinned__text").textContent = pinned ? itemText(pinned) : "";
  pinnedId = pinned ? Number(pinned.id) : null;
  // The pinned message shows once, in its box; it comes back to the list when unpinned.
  for (const li of $("ticker").children) li.hidden = Number(li.dataset.id) === pinnedId;
}

function itemText(item) {
  if (!item.text) return item.emoji || "";
  return item.emoji ? `${item.emoji} ${item.text}` : item.text;
}

function addItem(item) {
  if (!item.text || document.querySelector(`[data-id="${Number(item.id)}"]`)) return;
  const li = document.createElement("li");
  li.className = `ticker__item ticker__item--${item.label}`;
  li.dataset.id = String(item.id);
  li.hidden = Number(item.id) === pinnedId;
  if (item.author) li.append(span("ticker__author", item.author));
  li.append(span("ticker__text", itemText(item)));
  for (const el of li.children) el.dir = "auto"; // right-to-left comments lay out as such
  $("ticker").prepend(li);
  trimTicker();
}

// MAX_TICKER messages in view, besides the pinned one hidden among them.
function trimTicker() {
  const list = $("ticker");
  const limit = MAX_TICKER + (list.querySelector(":scope > [hidden]") ? 1 : 0);
  while (list.children.length > limit) list.lastElementChild.remove();
}

function updateEmpty() {
  const shown = $("ticker").querySelector(":scope > :not([hidden])");
  $("ticker-empty").hidden = Boolean(shown) || !$("pinned").hidden;
}

function burst(bursts) {
  const layer = $("bursts");
  let made = 0;
  for (const [emoji, count] of Object.entries(bursts)) {
    for (let i = 0; i < count && made < MAX_BURSTS_PER_TICK; i += 1, made += 1) {
      const el = span("burst", emoji);
      el.style.left = `${5 + Math.random() * 60}%`;
      el.style.setProperty("--drift", `${Math.round((Math.random() - 0.5) * 20)}rem`);
      el.style.animationDelay = `${Math.random() * 0.4}s`;
      el.addEventListener("animationend", () => el.remove());
      layer.append(el);
    }
  }
}

fitTitle();
addEventListener("resize", fitTitle);
connect();
