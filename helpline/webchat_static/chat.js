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

  // Plain text with the phone numbers the server found (`phones`: [start, end, "tel:..."] in
  // JavaScript string indices) as tap-to-call links. The href is only ever "tel:" and digits.
  var TEL = /^tel:\+?[0-9]{3,15}$/;

  function appendText(p, text, offset, phones) {
    var last = 0;
    (phones || []).forEach(function (span) {
      var start = span[0] - offset;
      var end = span[1] - offset;
      if (start < last || end > text.length || typeof span[2] !== "string" || !TEL.test(span[2])) {
        return;
      }
      if (start > last) { p.appendChild(document.createTextNode(text.slice(last, start))); }
      var a = document.createElement("a");
      a.className = "tel";
      a.href = span[2];
      a.textContent = text.slice(start, end);
      p.appendChild(a);
      last = end;
    });
    if (last < text.length) { p.appendChild(document.createTextNode(text.slice(last))); }
  }

  // Text with links, built as DOM nodes: nothing the bot or person sends is parsed as HTML.
  function richText(text, phones) {
    var p = document.createElement("p");
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      if (match.index > last) {
        appendText(p, text.slice(last, match.index), last, phones);
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
    if (last < text.length) { appendText(p, text.slice(last), last, phones); }
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
    } else if (message.notice) {
      // An advisor joined, left, handed back or closed: a status line, not anyone's words.
      item.className = "msg msg-notice";
      who.className = "visually-hidden";
      who.textContent = "Update:";
      item.appendChild(who);
      item.appendChild(richText(message.text, message.phones));
    } else {
      var advisor = message.from === "advisor";
      item.className = advisor ? "msg msg-bot msg-advisor" : "msg msg-bot";
      who.textContent = advisor ? "Advisor:" : "Assistant:";
      item.appendChild(who);
      if (message.text) { item.appendChild(richText(message.text, message.phones)); }
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

  // Show a new message: scroll to it (its top, if it is taller than the screen), so a reply
  // never lands below the fold on a phone.
  function reveal(node) {
    if (!node || !node.scrollIntoView) { return; }
    var tall = node.getBoundingClientRect().height > window.innerHeight * 0.8;
    node.scrollIntoView({ block: tall ? "start" : "nearest" });
  }

  function renderAll() {
    log.textContent = "";
    state.messages.forEach(function (message, index) {
      log.appendChild(render(message, index));
    });
    notice.hidden = state.messages.length > 0;
    reveal(log.lastElementChild);
  }

  // New messages are appended, never the whole log redrawn: the log is role="log"
  // (aria-live), so a screen reader announces each addition once.
  function addMessages(messages) {
    if (!messages.length) { return; }
    var first = state.messages.length;
    messages.forEach(function (message) {
      state.messages.push(message);
      if (message.notice) { state.advisor = ["joined", "transferred"].indexOf(message.notice) >= 0; }
      if (message.from === "advisor" || message.notice) {
        typingEpoch += 1;  // an answer already on its way must not show "typing" again
        showTyping(false);
      }
    });
    saveState();
    if (messages.some(function (m) { return m.from === "user"; })) {
      // Buttons of earlier messages no longer apply once the person has answered.
      Array.prototype.forEach.call(log.querySelectorAll(".buttons button"), function (b) {
        b.disabled = true;
      });
    }
    var shown = null;
    for (var i = first; i < state.messages.length; i += 1) {
      var node = render(state.messages[i], i);
      log.appendChild(node);
      if (!shown && state.messages[i].from !== "user") { shown = node; }
    }
    notice.hidden = true;
    reveal(shown || log.lastElementChild);
    watchTyping();
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
      var phones = Array.isArray(m.phones) ? m.phones.filter(function (span) {
        return Array.isArray(span) && span.length === 3 && typeof span[0] === "number" &&
          typeof span[1] === "number";
      }) : [];
      var message = { from: who, text: text, buttons: buttons, phones: phones };
      if (typeof m.notice === "string") { message.notice = m.notice; }
      if (text || buttons.length) { out.push(message); }
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
        log.textContent = "";
        showTyping(false);
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

  /* ------------------------------------------- typing, while an advisor is with them */

  // The advisor sees "typing..." when the person types (at most one signal every 2 s), and
  // the person sees it when the advisor does (asked every 2 s). Only while an advisor holds
  // the chat (state.advisor, set by the "joined" notice and cleared by the others).
  var TYPING_MS = 2000;
  var typedAt = 0;
  var typingTimer = null;
  var typingLine = null;
  var typingEpoch = 0;

  function showTyping(on) {
    if (!typingLine) { return; }
    var text = on ? "The advisor is typing..." : "";
    if (typingLine.textContent !== text) { typingLine.textContent = text; }
  }

  function personTyping() {
    if (!state.advisor || !state.sender || exiting || Date.now() - typedAt < TYPING_MS) {
      return;
    }
    typedAt = Date.now();
    fetch("/api/typing", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender }), credentials: "omit", cache: "no-store"
    }).catch(function () { /* only an indicator */ });
  }

  function watchTyping() {
    if (typingTimer || !state.advisor || exiting) { return; }
    typingTimer = window.setTimeout(function () {
      typingTimer = null;
      if (!state.advisor || !state.sender || exiting) { showTyping(false); return; }
      var sender = state.sender;
      var epoch = typingEpoch;
      fetch("/api/typing?sender=" + encodeURIComponent(sender), {
        credentials: "omit", cache: "no-store"
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (state.sender === sender && epoch === typingEpoch) {
          showTyping(Boolean(data && data.advisor_typing));
        }
      }).catch(function () { showTyping(false); }).then(watchTyping);
    }, TYPING_MS);
  }

  function start() {
    shiftStatus = document.getElementById("shift-status");
    log = document.getElementById("log");
    form = document.getElementById("composer");
    input = document.getElementById("message");
    status = document.getElementById("status");
    notice = document.getElementById("notice");
    typingLine = document.getElementById("typing");
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
    input.addEventListener("input", personTyping);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
      }
    });
    renderAll();
    watchTyping();
    window.setTimeout(poll, POLL_MS);
  }

  window.helplineQuickExit = quickExit;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
