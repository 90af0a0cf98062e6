/* Web chat with quick exit. Keeps the conversation in sessionStorage only. */
(function () {
  "use strict";

  var KEY = "chat";
  var root = document.documentElement;
  var exitUrl = root.getAttribute("data-exit-url") || "https://www.bbc.co.uk/weather";
  var exiting = false;

  /* ------------------------------------------------------------------ quick exit */

  function readState() {
    try {
      return JSON.parse(window.sessionStorage.getItem(KEY)) || null;
    } catch (e) {
      return null;
    }
  }

  function quickExit(event) {
    if (event) { event.preventDefault(); }
    if (exiting) { return; }
    exiting = true;
    var state = readState();
    // Blank the page at once, before anything else.
    root.classList.add("blank");
    document.title = "";
    if (document.body) { document.body.innerHTML = ""; }
    try { window.sessionStorage.clear(); } catch (e) { /* storage may be disabled */ }
    if (state && state.sender) {
      var body = JSON.stringify({ sender: state.sender });
      var sent = false;
      try {
        sent = navigator.sendBeacon && navigator.sendBeacon("/api/erase", body);
      } catch (e) { sent = false; }
      if (!sent) {
        try {
          fetch("/api/erase", { method: "POST", body: body, keepalive: true,
            headers: { "Content-Type": "application/json" } });
        } catch (e) { /* nothing more we can do */ }
      }
    }
    // replace(), not href: Back must not return to the chat.
    window.location.replace(exitUrl);
  }

  // Shift pressed 3 times within 5 seconds (as GOV.UK "Exit this page").
  var presses = 0;
  var timer = null;
  var shiftDirty = false;
  var shiftStatus = null;

  function resetPresses() {
    presses = 0;
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (shiftStatus) { shiftStatus.textContent = ""; }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (!event.repeat) { shiftDirty = false; }
    } else {
      shiftDirty = true;
    }
  }, true);

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      if (presses) { resetPresses(); }
      return;
    }
    if (shiftDirty) { resetPresses(); return; }  // Shift used for a capital letter
    presses += 1;
    if (presses >= 3) { quickExit(); return; }
    if (shiftStatus) {
      shiftStatus.textContent = "Shift, press " + (3 - presses) +
        (presses === 2 ? " more time to exit." : " more times to exit.");
    }
    if (!timer) { timer = window.setTimeout(resetPresses, 5000); }
  }, true);

  /* ------------------------------------------------------------------------ chat */

  var state = readState() || { sender: null, messages: [] };
  var log, form, input, status, notice;

  function saveState() {
    try { window.sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* ok */ }
  }

  function newSender() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  var SAFE_SCHEMES = /^(https?:|tel:|mailto:)/i;
  var TOKEN = /\[([^\]\n]{1,200})\]\(((?:https?:|tel:|mailto:)[^)\s]{1,500})\)|(https?:\/\/[^\s<>"')\]]{1,500})/gi;

  function link(text, href) {
    var a = document.createElement("a");
    a.textContent = text;
    if (SAFE_SCHEMES.test(href)) {
      a.href = href;
      if (/^https?:/i.test(href)) {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      }
    }
    return a;
  }

  // Text with links, built as DOM nodes: nothing the bot or person sends is parsed as HTML.
  function richText(text) {
    var p = document.createElement("p");
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      if (match.index > last) {
        p.appendChild(document.createTextNode(text.slice(last, match.index)));
      }
      if (match[1]) {
        p.appendChild(link(match[1], match[2]));
      } else {
        var url = match[3].replace(/[.,;:!?]+$/, "");
        p.appendChild(link(url, url));
        TOKEN.lastIndex = match.index + url.length;
      }
      last = TOKEN.lastIndex;
    }
    if (last < text.length) { p.appendChild(document.createTextNode(text.slice(last))); }
    return p;
  }

  function render(message, index) {
    var item = document.createElement("div");
    var who = document.createElement("span");
    who.className = "who";
    if (message.from === "user") {
      item.className = "msg msg-user";
      who.textContent = "You said:";
      item.appendChild(who);
      var p = document.createElement("p");
      p.textContent = message.text;
      item.appendChild(p);
    } else {
      var advisor = message.from === "advisor";
      item.className = advisor ? "msg msg-bot msg-advisor" : "msg msg-bot";
      who.textContent = advisor ? "Advisor:" : "Assistant:";
      item.appendChild(who);
      if (message.text) { item.appendChild(richText(message.text)); }
      if (message.buttons && message.buttons.length) {
        var group = document.createElement("div");
        group.className = "buttons";
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", "Choose a reply");
        message.buttons.forEach(function (button) {
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = button.title;
          b.disabled = Boolean(message.chosen) || index < lastUserIndex();
          b.addEventListener("click", function () {
            if (busy) { return; }
            message.chosen = true;
            send(button.payload || button.title, button.title);
          });
          group.appendChild(b);
        });
        item.appendChild(group);
      }
    }
    return item;
  }

  function lastUserIndex() {
    for (var i = state.messages.length - 1; i >= 0; i -= 1) {
      if (state.messages[i].from === "user") { return i; }
    }
    return -1;
  }

  function renderAll() {
    log.textContent = "";
    state.messages.forEach(function (message, index) {
      log.appendChild(render(message, index));
    });
    notice.hidden = state.messages.length > 0;
  }

  function addMessages(messages) {
    messages.forEach(function (message) { state.messages.push(message); });
    saveState();
    renderAll();
  }

  function botMessages(list, from) {
    var out = [];
    (Array.isArray(list) ? list : []).forEach(function (m) {
      if (!m || typeof m !== "object") { return; }
      var text = typeof m.text === "string" ? m.text : "";
      var buttons = Array.isArray(m.buttons) ? m.buttons.filter(function (b) {
        return b && typeof b.title === "string";
      }).map(function (b) {
        return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title };
      }) : [];
      var who = from || (m.advisor ? "advisor" : "bot");
      if (text || buttons.length) { out.push({ from: who, text: text, buttons: buttons }); }
    });
    return out;
  }

  var busy = false;

  function send(payload, shown) {
    if (busy || exiting) { return false; }
    if (!state.sender) { state.sender = newSender(); }
    busy = true;
    log.setAttribute("aria-busy", "true");
    addMessages([{ from: "user", text: shown }]);
    status.textContent = "Sending...";
    fetch("/api/message", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: payload }),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, data: data };
      });
    }).then(function (result) {
      if (exiting) { return; }
      if (!result.ok) {
        status.textContent = (result.data && result.data.error) ||
          "Sorry, that didn't send. Please try again.";
        return;
      }
      status.textContent = "";
      if (result.data.ended) {
        // A safety word: the server erased everything; forget it here too.
        state = { sender: null, messages: [] };
      }
      addMessages(botMessages(result.data.messages));
    }).catch(function () {
      if (!exiting) {
        status.textContent = "Sorry, we couldn't reach the assistant. If you are in danger, call 999.";
      }
    }).then(function () {
      busy = false;
      log.setAttribute("aria-busy", "false");
    });
    return true;
  }

  /* ---------------------------------------------- messages sent outside a request */

  // An advisor's replies are not answers to a request: long-poll for them (the server
  // answers as soon as one arrives, or after WAIT_S); retry about every second otherwise.
  var POLL_MS = 1000;
  var WAIT_S = 20;
  var polling = false;

  function poll() {
    if (exiting) { return; }
    var sender = state.sender;
    if (!sender || polling) { window.setTimeout(poll, POLL_MS); return; }
    polling = true;
    var after = state.outboxAfter || 0;
    var ok = false;
    fetch("/api/outbox?sender=" + encodeURIComponent(sender) + "&after=" + after +
          "&wait=" + WAIT_S, {
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      ok = response.ok;
      return ok ? response.json() : null;
    }).then(function (data) {
      if (exiting || !data || state.sender !== sender || !Array.isArray(data.messages)) {
        return;
      }
      var last = state.outboxAfter || 0;
      var fresh = data.messages.filter(function (m) {
        return m && typeof m.id === "number" && m.id > last;
      });
      if (!fresh.length) { return; }
      state.outboxAfter = fresh[fresh.length - 1].id;
      addMessages(botMessages(fresh));
    }).catch(function () { ok = false; }).then(function () {
      polling = false;
      window.setTimeout(poll, ok ? 0 : POLL_MS);
    });
  }

  function start() {
    shiftStatus = document.getElementById("shift-status");
    log = document.getElementById("log");
    form = document.getElementById("composer");
    input = document.getElementById("message");
    status = document.getElementById("status");
    notice = document.getElementById("notice");
    Array.prototype.forEach.call(document.querySelectorAll("[data-quick-exit]"), function (a) {
      a.addEventListener("click", quickExit);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) {
        status.textContent = "Please type a message first.";
        input.focus();
        return;
      }
      if (busy) {
        status.textContent = "Please wait for the reply, then send your message.";
        return;
      }
      input.value = "";
      send(text, text);
      input.focus();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
      }
    });
    renderAll();
    window.setTimeout(poll, POLL_MS);
  }

  window.helplineQuickExit = quickExit;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
