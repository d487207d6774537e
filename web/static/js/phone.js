// The phone page without reloads: sends taps and comments, shows they arrived, and retries
// on a weak connection with the same client_id so the server stores each one once.
"use strict";

const main = document.querySelector(".phone__main");
const status = document.getElementById("status");
const t = main.dataset;
const RETRIES = 6;

// How far the server's clock is ahead of this phone's (a phone's may be hours off).
const clockOffset = Number(t.clock) ? Number(t.clock) - Date.now() : 0;

function newId() {
  // UUIDv7's layout in 32 hex digits, as the server makes them (scoreboard.codes): the
  // server's time in milliseconds first, so ids stay in order in the dedupe index.
  // crypto.randomUUID needs HTTPS; getRandomValues works on a plain-HTTP venue network.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now() + clockOffset;
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (bytes[6] & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // RFC 9562 variant
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function say(text, kind) {
  status.textContent = text;
  status.className = kind ? `notice notice--${kind}` : "notice";
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function send(fields) {
  const body = new URLSearchParams({ ...fields, client_id: newId() });
  say(t.tSending, "busy");
  for (let attempt = 0; attempt <= RETRIES; attempt += 1) {
    try {
      const response = await fetch(`/b/${encodeURIComponent(main.dataset.slug)}`, {
        method: "POST",
        headers: { Accept: "application/json" },
        body,
      });
      if (response.ok) {
        say(t.tSent, "ok");
        return true;
      }
      if (response.status < 500) {
        // Refused (too long, closed, too fast): the server says why in the phone's
        // language, and sending again would be refused again. A refused tap is dropped
        // rather than queued, so a wait for the rate limit never arrives as a burst.
        const problem = await response.json().catch(() => ({}));
        say(typeof problem.detail === "string" ? problem.detail : t.tFailed, "error");
        return false;
      }
    } catch (error) {
      // network trouble: fall through and retry with the same client_id
    }
    say(t.tRetrying, "busy");
    await sleep(Math.min(8000, 400 * 2 ** attempt));
  }
  say(t.tFailed, "error");
  return false;
}

for (const button of document.querySelectorAll(".tap")) {
  button.addEventListener("click", (event) => {
    event.preventDefault();
    button.classList.add("is-tapped");
    setTimeout(() => button.classList.remove("is-tapped"), 150);
    if (navigator.vibrate) navigator.vibrate(10);
    send({ emoji: button.value });
  });
}

const form = document.querySelector(".phone__form");
const NAME_KEY = "scoreboard-name";
// The name is optional; once typed, the next comment (and the next talk) remembers it.
if (form) {
  try {
    form.elements.author.value = localStorage.getItem(NAME_KEY) || "";
  } catch (error) {
    // private browsing may refuse storage: the field simply starts empty
  }
}
const LEFT_FROM = 50; // characters left at which the count appears
const left = document.getElementById("left");

function countLeft() {
  const box = form.elements.text;
  const remaining = box.maxLength - box.value.length;
  left.hidden = box.maxLength < 0 || remaining > LEFT_FROM;
  left.textContent = t.tCharsLeft.replace("{count}", String(Math.max(0, remaining)));
}

if (form && left) {
  countLeft();
  form.elements.text.addEventListener("input", () => {
    countLeft();
    // A new comment is under way: the last one's "Received" or refusal no longer applies.
    if (!status.classList.contains("notice--busy")) say("", "");
  });
}

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = form.elements.text.value.trim();
  const button = form.querySelector(".send");
  if (button.getAttribute("aria-disabled") === "true") return;
  if (!text) {
    say(t.tEmpty, "error");
    form.elements.text.focus();
    return;
  }
  // aria-disabled, not disabled: a disabled button drops the keyboard user's focus.
  button.setAttribute("aria-disabled", "true");
  const author = form.elements.author.value.trim();
  try {
    localStorage.setItem(NAME_KEY, author);
  } catch (error) {
    // storage refused: nothing to remember
  }
  const ok = await send({ text, author });
  button.removeAttribute("aria-disabled");
  if (ok) {
    form.elements.text.value = "";
    countLeft();
  }
});
