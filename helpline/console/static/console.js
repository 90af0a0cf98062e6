// Advisor console: live queue and conversation views. Every text goes in with textContent,
// never innerHTML, so nothing a person wrote can run as code.
//
// The queue views change only what changed: each row is keyed by its entry number, made once,
// moved only when its place changes, and a cell's text is set only when it differs. So a
// focused "Open" link keeps its focus, the page keeps its scroll, and a click at human speed
// lands on the row it was aimed at (the whole table was redrawn at every update before).
"use strict";
(function () {
  const meta = (name) => (document.querySelector(`meta[name="${name}"]`) || {}).content || "";
  const csrf = meta("csrf-token");
  const me = meta("username");
  const el = (tag, text, cls) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  };
  const setText = (node, text) => { if (node.textContent !== text) node.textContent = text; };
  const setClass = (node, cls) => { if (node.className !== cls) node.className = cls; };

  // Times in England, as the server writes them (the helpline's hours are London time).
  const clock = (ts, seconds) => (typeof ts === "number" ? new Date(ts * 1000).toLocaleTimeString(
    "en-GB", { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit",
               second: seconds ? "2-digit" : undefined }) : "");
  const dayClock = (ts) => new Date(ts * 1000).toLocaleString("en-GB", {
    timeZone: "Europe/London", weekday: "short", day: "numeric", month: "short",
    hour: "2-digit", minute: "2-digit" });
  const waited = (since) => {
    const minutes = Math.max(0, Math.floor((Date.now() / 1000 - since) / 60));
    if (minutes < 1) return "under 1 min";
    if (minutes < 60) return `${minutes} min`;
    return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  };

  // Answers in words an advisor can act on, never "HTTP 409".
  const FRIENDLY = {
    400: "That didn't work: check what you entered and try again.",
    401: "You have been logged out. Reload the page and log in again.",
    403: "That isn't allowed. Reload the page and try again.",
    404: "This conversation doesn't exist.",
    409: "This conversation has changed: the page now shows it as it is.",
    410: "The person ended this conversation, so it was erased.",
    413: "That is too long.",
    429: "Too many tries. Wait a minute and try again.",
  };
  const friendly = (status, data) => (data && data.error) || FRIENDLY[status] ||
    "Something went wrong on our side. Try again, or reload the page.";
  async function post(url, body) {
    let reply;
    try {
      reply = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body || {}),
      });
    } catch (e) {
      throw new Error("The console can't be reached. Check your connection and try again.");
    }
    let data = {};
    try { data = await reply.json(); } catch (e) { data = {}; }
    if (!reply.ok) { const error = new Error(friendly(reply.status, data)); error.data = data; throw error; }
    return data;
  }
  const status = document.getElementById("live-status");
  const setLive = (text) => { if (status) setText(status, text); };

  // ------------------------------------------------------------------ keyed tables

  // Make `body`'s rows match `items` in order, keyed by entry id. `columns` are
  // [name, (item) => text | {text, cls}]; `extra(row, item)` fills in a new row once.
  function syncRows(body, items, columns, extra) {
    const existing = new Map();
    for (const row of body.rows) existing.set(row.dataset.entry, row);
    const wanted = new Set(items.map((item) => String(item.id)));
    existing.forEach((row, id) => { if (!wanted.has(id)) row.remove(); });
    let before = body.firstElementChild;
    items.forEach((item) => {
      const id = String(item.id);
      let row = existing.get(id);
      if (!row) {
        row = el("tr"); row.dataset.entry = id;
        columns.forEach(([name]) => { const td = el("td"); td.dataset.col = name; row.append(td); });
        if (extra) extra(row, item);
      }
      columns.forEach(([name, value], i) => {
        const cell = row.cells[i];
        const shown = value(item);
        if (typeof shown === "object" && shown !== null) {
          let span = cell.firstElementChild;
          if (!span) { span = el("span"); cell.append(span); }
          setText(span, shown.text); setClass(span, shown.cls || "");
        } else {
          setText(cell, shown);
        }
      });
      row.__item = item;
      if (row !== before) body.insertBefore(row, before);  // new, or moved up
      before = row.nextElementSibling;
    });
  }
  function openLink(row, item) {
    const td = el("td");
    const a = el("a", "Open");
    a.href = item.kind === "callback" ? `/callbacks/${item.id}` : `/c/${item.id}`;
    a.setAttribute("aria-label", `Open entry ${item.id}`);
    td.append(a); row.append(td);
  }
  function syncList(list, items, text) {
    const existing = new Map();
    for (const li of list.children) existing.set(li.dataset.entry, li);
    const wanted = new Set(items.map((item) => String(item.id)));
    existing.forEach((li, id) => { if (!wanted.has(id)) li.remove(); });
    let before = list.firstElementChild;
    items.forEach((item) => {
      let li = existing.get(String(item.id));
      if (!li) { li = el("li"); li.dataset.entry = String(item.id); }
      setText(li, text(item));
      if (li !== before) list.insertBefore(li, before);
      before = li.nextElementSibling;
    });
  }
  const priority = (e) => ({ text: e.priority_label, cls: e.priority });
  // "Left": the person has sent nothing for the console's timeout (shifts.py).
  const leftMark = (e) => ({ text: e.left ? "Left" : "", cls: e.left ? "left-mark" : "" });

  // ---------------------------------------------------------------------- alerts

  // A new urgent entry: a beep (Web Audio), a desktop notification if the advisor allowed
  // them with the button, and the count of urgent entries in the tab's title.
  const baseTitle = document.title;
  let audio = null;
  function beep() {
    if (!audio || audio.state !== "running") return;
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 880;
    volume.gain.setValueAtTime(0.2, audio.currentTime);
    volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(volume).connect(audio.destination);
    tone.start(); tone.stop(audio.currentTime + 0.4);
  }
  function notify(entry) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const note = new Notification(`Urgent: entry ${entry.id}`, {
      body: `${entry.signals.join(", ") || "Urgent"}. ${entry.channel}.`, tag: `entry-${entry.id}`,
    });
    note.onclick = () => { window.focus(); window.location.href = `/c/${entry.id}`; };
  }
  const alertsButton = document.getElementById("alerts");
  if (alertsButton) {
    const alertsStatus = document.getElementById("alerts-status");
    alertsButton.addEventListener("click", async () => {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) audio = new Context();
      if (audio) await audio.resume();
      let desktop = "not available in this browser";
      if ("Notification" in window) {
        desktop = await Notification.requestPermission() === "granted" ? "on" : "blocked";
      }
      alertsStatus.textContent = `Sound is on. Desktop alerts: ${desktop}.`;
      beep();
    });
  }
  let alerted = null;  // urgent entries already announced (null until the first snapshot)
  function alertUrgent(waiting) {
    const urgent = waiting.filter((e) => e.priority === "urgent");
    const fresh = alerted === null ? [] : urgent.filter((e) => !alerted.has(e.id));
    alerted = new Set(urgent.map((e) => e.id));
    const title = urgent.length ? `(${urgent.length} urgent) ${baseTitle}` : baseTitle;
    if (document.title !== title) document.title = title;
    if (!fresh.length) return;
    beep();
    fresh.forEach(notify);
    const announce = document.getElementById("announce");
    if (announce) announce.textContent = fresh.length === 1 ?
      `New urgent entry ${fresh[0].id}.` : `${fresh.length} new urgent entries.`;
  }

  // ------------------------------------------------------------------- the queue

  let latest = null;
  function renderQueue(data) {
    latest = data;
    const chats = data.entries.filter((e) => e.kind === "chat");
    const waiting = chats.filter((e) => e.status === "waiting");
    const body = document.querySelector("#queue tbody");
    if (body) {
      syncRows(body, waiting, [
        ["id", (e) => String(e.id)], ["priority", priority],
        ["signals", (e) => e.signals.join(", ")], ["channel", (e) => e.channel],
        ["waiting", (e) => waited(e.created_at)], ["person", leftMark]], openLink);
      document.getElementById("queue-empty").hidden = waiting.length > 0;
      alertUrgent(waiting);
    }
    const held = document.querySelector("#held tbody");
    if (held) {
      syncRows(held, chats.filter((e) => e.status !== "waiting"), [
        ["id", (e) => String(e.id)],
        ["status", (e) => (e.status === "held" && e.claimed_by === me ? "With you" : e.status_label)],
        ["priority", priority], ["channel", (e) => e.channel],
        ["since", (e) => clock(e.claimed_at || e.created_at)], ["person", leftMark]], openLink);
    }
    if (data.line) renderLine(data.line);
    const callbacks = document.querySelector("#callbacks tbody");
    if (callbacks) {
      // Callbacks (callbacks.py): by due time, each with an Open link to its own page.
      const due = (e) => (typeof e.callback_due_at === "number" ? e.callback_due_at : Infinity);
      syncRows(callbacks, data.entries.filter((e) => e.kind === "callback")
        .sort((a, b) => due(a) - due(b) || a.id - b.id), [
        ["id", (e) => String(e.id)], ["priority", priority],
        ["method", (e) => (e.callback_method === "call" ? "Call" : "Text")],
        ["channel", (e) => e.channel], ["time", (e) => e.callback_time || "Any time"],
        ["due", (e) => (typeof e.callback_due_at === "number" ? dayClock(e.callback_due_at) : "When the line opens")],
        ["attempts", (e) => String(e.callback_attempts || 0)],
        ["status", (e) => (e.status === "held" && e.claimed_by === me ? "With you" : e.status_label)]],
      (row, item) => {
        const td = el("td");
        const a = el("a", "Open"); a.href = `/callbacks/${item.id}`;
        a.setAttribute("aria-label", `Open callback request ${item.id}`);
        td.append(a); row.append(td);
      });
    }
    const ended = document.getElementById("ended");
    if (ended) syncList(ended, data.ended, (e) => `Entry ${e.id}: ended by the person at ${clock(e.ended_at)}`);
    const figures = document.getElementById("figures");
    if (figures) {
      const f = data.figures;
      const pairs = [["Waiting (urgent)", f.waiting.urgent], ["Waiting (high)", f.waiting.high],
        ["Waiting (normal)", f.waiting.normal], ["With advisors", f.held],
        ["Handed back to the assistant", f.with_bot], ["Callback requests", f.callbacks],
        ["Longest wait", f.oldest_waiting_at ? waited(f.oldest_waiting_at) : "Nobody waiting"],
        ["Claimed in the last hour", f.claimed_last_hour]];
      if (!figures.children.length) pairs.forEach(([k]) => figures.append(el("dt", k), el("dd")));
      pairs.forEach(([, v], i) => setText(figures.children[2 * i + 1], String(v)));
    }
    const all = document.querySelector("#all-live tbody");
    if (all) {
      syncRows(all, data.entries, [
        ["id", (e) => String(e.id)],
        ["status", (e) => (e.kind === "callback" ? `Callback, ${e.status_label.toLowerCase()}` : e.status_label)],
        ["priority", priority], ["channel", (e) => e.channel], ["advisor", (e) => e.claimed_by || ""],
        ["since", (e) => clock(e.created_at)]], openLink);
    }
  }
  // Shifts: the "closed" banner and the sign-on button (shifts.py).
  const banner = document.getElementById("line-banner");
  const shiftButton = document.getElementById("shift");
  function renderLine(line) {
    if (banner) {
      banner.hidden = line.open;
      if (!line.open) {
        const why = line.in_hours ? "No advisor is signed on" : "Outside the advice line's hours";
        const missed = line.missed === 1 ? "1 request" : `${line.missed} requests`;
        setText(banner, `Closed: ${why}. People asking for an advisor get the out-of-hours ` +
                `route. Missed since the last shift ended: ${missed}.`);
      }
    }
    if (shiftButton) {
      const on = line.signed_on.includes(me);
      setText(shiftButton, on ? "Sign off" : "Sign on");
      shiftButton.dataset.on = on ? "1" : "";
      setText(document.getElementById("shift-status"), on ? "You are signed on." : "You are signed off.");
    }
  }
  if (shiftButton) {
    shiftButton.addEventListener("click", () => {
      const on = !shiftButton.dataset.on;
      shiftButton.disabled = true;
      post("/api/shift", { on })
        .then((d) => renderLine(d.line))
        .catch((e) => setText(document.getElementById("shift-status"), e.message))
        .finally(() => { shiftButton.disabled = false; });
    });
  }

  // Waiting times move on by the minute: refresh those cells only (text set only if changed).
  function tick() {
    document.querySelectorAll("#queue td[data-col=waiting]").forEach((cell) => {
      const item = cell.parentElement.__item;
      if (item) setText(cell, waited(item.created_at));
    });
    if (latest && document.getElementById("figures")) renderQueue(latest);
  }
  if (document.getElementById("queue") || document.getElementById("figures")) {
    const source = new EventSource("/events/queue");
    source.addEventListener("queue", (event) => { renderQueue(JSON.parse(event.data)); setLive("Live"); });
    source.onerror = () => setLive("Reconnecting...");
    window.setInterval(tick, 15000);
  }

  const nameForm = document.getElementById("first-name");
  if (nameForm) {
    nameForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const said = document.getElementById("first-name-status");
      post("/api/me/name", { first_name: nameForm.elements.first_name.value })
        .then((d) => { said.textContent = d.first_name ? `People will see "${d.first_name}".` : "People will see \"An advisor\"."; })
        .catch((e) => { said.textContent = e.message; });
    });
  }

  // ---------------------------------------------------------- the close form

  // Close is two steps: "Review" sends the form with step "review" (the server checks it
  // and answers the summary, changing nothing); only "Confirm and close" closes.
  const record = document.getElementById("close-record");
  if (record) {
    const entryId = record.dataset.entry;
    const threshold = Number(record.dataset.threshold);
    const questions = record.querySelectorAll(".dash-question");
    const confirm = document.getElementById("confirm");
    const said = document.getElementById("message");
    const values = () => {
      const f = record.elements;
      return {
        outcome: f.outcome.value, notes: f.notes.value, tags: f.tags.value,
        dash: Array.from(questions, (q, i) => {
          const picked = q.querySelector(`input[name="dash-${i + 1}"]:checked`);
          return picked ? picked.value : "not_known";
        }),
        marac_judgement: f.marac_judgement.checked, safeguarding: f.safeguarding.checked,
      };
    };
    const showScore = () => {
      const yes = values().dash.filter((a) => a === "yes").length;
      setText(document.getElementById("dash-score"), `Score: ${yes} "yes" answers of ${questions.length}. ` +
        (yes >= threshold ? `This meets the MARAC referral threshold of ${threshold}.` :
          `Below the MARAC threshold of ${threshold}.`));
    };
    record.addEventListener("change", showScore);
    showScore();
    let reviewed = null;
    const editing = (on) => {
      Array.from(record.elements).forEach((node) => { node.disabled = !on; });
      confirm.hidden = on;
    };
    record.addEventListener("submit", async (event) => {
      event.preventDefault();
      said.textContent = "";
      if (!record.elements.outcome.value) { said.textContent = "Choose an outcome."; return; }
      const body = values();
      try {
        const d = await post(`/api/c/${entryId}/close`, { ...body, step: "review" });
        const s = d.summary;
        const lines = [`Outcome: ${s.outcome_label}`,
          `Tags: ${s.tags.length ? s.tags.join(", ") : "none"}`,
          `Notes: ${s.notes_length ? `${s.notes_length} characters` : "none"}`,
          `DASH: ${s.dash_score} "yes" of ${s.dash_out_of} (${s.dash_answered} answered)`,
          s.marac_referral ? `MARAC: refer (${[s.meets_threshold && `threshold of ${threshold} met`,
            s.marac_judgement && "professional judgement"].filter(Boolean).join(", ")})` :
            `MARAC: below the threshold of ${threshold}, no referral`,
          s.safeguarding ? "Safeguarding concern: escalated to the duty supervisor" :
            "No safeguarding escalation"];
        document.getElementById("confirm-summary").replaceChildren(...lines.map((t) => el("li", t)));
        reviewed = body;
        editing(false);
        document.getElementById("confirm-title").focus();
      } catch (e) { said.textContent = e.message; }
    });
    document.getElementById("confirm-back").addEventListener("click", () => {
      reviewed = null; editing(true); record.elements.outcome.focus();
    });
    document.getElementById("confirm-close").addEventListener("click", async (event) => {
      const button = event.target;
      button.disabled = true;
      try {
        const d = await post(`/api/c/${entryId}/close`, { ...reviewed, step: "confirm" });
        confirm.hidden = true;
        said.replaceChildren(document.createTextNode(
          "Closed, and the contact record is saved." + (d.told === false ?
            " The person could not be told." : "") + " "), el("a", "Back to the queue"));
        said.lastChild.href = "/";
      } catch (e) { said.textContent = e.message; button.disabled = false; }
    });
  }

  // ------------------------------------------------------------ keyboard shortcuts

  // Single letters act only when the advisor is not typing in a field (input, textarea,
  // select, editable text) and holds no modifier, so Ctrl+R still reloads and typing "n" in
  // a reply stays an "n". Ctrl+Enter (in the reply box, below) is the one with a modifier.
  // The list is on the page under "Keyboard shortcuts" (templates/shortcuts.html).
  const typingIn = (node) => node && (node.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(node.tagName));
  async function nextInQueue() {
    let data = latest;
    if (!data) {
      const reply = await fetch("/api/queue", { credentials: "same-origin" });
      data = reply.ok ? await reply.json() : { entries: [] };
    }
    const next = data.entries.find((e) => e.kind === "chat" && e.status === "waiting");
    const said = document.getElementById("message") || document.getElementById("announce");
    if (next) window.location.assign(`/c/${next.id}`);
    else if (said) said.textContent = "Nobody is waiting.";
  }
  const focusOn = (selector) => { const node = document.querySelector(selector); if (node && !node.disabled) node.focus(); };
  const SHORTCUTS = {
    n: nextInQueue,
    r: () => focusOn("#reply-text"),
    d: () => focusOn("#dir-search input[name=q]"),
    c: () => focusOn("#canned-choice"),
    "?": () => { const help = document.getElementById("shortcuts"); if (help) help.open = !help.open; },
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (typingIn(event.target)) return;
    const action = SHORTCUTS[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // ------------------------------------------------------------ the conversation

  const conversation = document.getElementById("conversation");
  if (!conversation) return;
  const id = conversation.dataset.entry;
  const message = document.getElementById("message");
  const say = (text) => { message.textContent = text; };
  const transcript = document.getElementById("transcript");
  const WHO = { person: "Person", bot: "Assistant", advisor: "Advisor", notice: "Told the person", system: "Note" };
  const controls = {
    claim: [document.getElementById("claim")],
    release: [document.getElementById("release")],
    handback: [document.getElementById("handback")],
    reply: Array.from(document.querySelectorAll("#reply textarea, #reply button")),
    close: Array.from(document.querySelectorAll("#close select, #close input, #close button")),
  };
  let can = {};
  function apply(state) {
    can = state.can || {};
    Object.entries(controls).forEach(([name, nodes]) => nodes.forEach((node) => {
      if (node.disabled !== !can[name]) node.disabled = !can[name];
    }));
    document.querySelectorAll("#dir-results button").forEach((b) => { b.disabled = !can.reply; });
    setText(document.getElementById("status"), state.label);
    supervise(state);  // transfer and supervision controls, below
    const p = document.getElementById("priority");
    if (state.priority_label) { setText(p, state.priority_label); setClass(p, state.priority); }
    if (state.signals) {
      const list = document.getElementById("signals");
      if (Array.from(list.children).map((li) => li.textContent).join("\n") !== state.signals.join("\n")) {
        list.replaceChildren(...state.signals.map((s) => el("li", s)));
        const none = document.getElementById("no-signals");
        if (none) none.hidden = state.signals.length > 0;
      }
    }
  }
  const source = new EventSource(`/events/c/${id}?after=${conversation.dataset.count}`);
  source.addEventListener("line", (event) => {
    const item = JSON.parse(event.data);
    const li = el("li", "", item.who);
    const time = el("time", clock(item.ts, true));
    if (typeof item.ts === "number") time.dateTime = new Date(item.ts * 1000).toISOString();
    li.append(time, document.createTextNode(" "), el("b", WHO[item.who] || item.who),
              document.createTextNode(" "), el("span", item.text, "text"));
    transcript.append(li);
    if (item.who === "person") setText(document.getElementById("typing"), "");
  });
  source.addEventListener("typing", (event) => {
    setText(document.getElementById("typing"),
            JSON.parse(event.data).person ? "The person is typing..." : "");
  });
  const ended = () => {
    source.close();
    apply({ status: "ended", label: "Ended by the person", can: {} });
    say("The person ended this conversation, so it was erased. Nothing more can be done in it.");
  };
  source.addEventListener("status", (event) => {
    const state = JSON.parse(event.data);
    apply(state);
    if (state.status === "ended") ended();
  });
  // The stream was refused (e.g. the entry was erased before it connected): ask why.
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED) return;
    fetch(`/api/c/${id}/transcript`, { credentials: "same-origin" }).then((reply) => {
      if (reply.status === 410) ended();
      else say("Live updates stopped. Reload the page.");
    }).catch(() => say("Live updates stopped. Reload the page."));
  };

  // A control's click disables it until the answer; the status event then sets what applies.
  const run = (button, promise, done) => {
    if (button) button.disabled = true;
    return promise.then((d) => say(done(d)))
      .catch((e) => { say(e.message); if (button) button.disabled = !can[button.dataset.can]; });
  };
  Object.entries(controls).forEach(([name, nodes]) => nodes.forEach((node) => { node.dataset.can = name; }));
  const told = (d, text) => text + (d.told === false ? " The person could not be told: tell them in a message if you can." : "");
  // Claiming when the person seems to have left asks first: the server answers 409 with
  // "confirm", the button becomes "Claim anyway", and only a second click claims.
  const claimButton = document.getElementById("claim");
  let claimConfirmed = false;
  claimButton.addEventListener("click", () => {
    const body = claimConfirmed ? { confirm: true } : {};
    claimButton.disabled = true;
    post(`/api/c/${id}/claim`, body)
      .then((d) => say(told(d, "You have this conversation. The assistant is silent, and the person has been told you joined.")))
      .catch((e) => {
        say(e.message);
        if (e.data && e.data.confirm) { claimConfirmed = true; setText(claimButton, "Claim anyway"); }
        claimButton.disabled = !can.claim;
      });
  });
  document.getElementById("release").addEventListener("click", (event) =>
    run(event.target, post(`/api/c/${id}/release`),
        (d) => told(d, "You left the conversation. It is back in the queue with its place, and the person has been told.")));
  document.getElementById("handback").addEventListener("click", (event) =>
    run(event.target, post(`/api/c/${id}/handback`),
        (d) => told(d, "Handed back to the assistant. The person has been told.")));

  // ------------------------------------------- transfer and supervision (supervision.py)

  // Transfer: to a colleague signed on (the list comes from the notes stream). Supervisors
  // whisper (private notes, never sent to the person) and take over a conversation someone
  // else holds. The notes panel shows the notes and each change of hands.
  const transferForm = document.getElementById("transfer");
  const transferTo = document.getElementById("transfer-to");
  const transferButton = transferForm.querySelector("button");
  const whisperForm = document.getElementById("whisper-form");  // supervisors only
  const takeOver = document.getElementById("take-over");
  let holder = null;
  let mine = false;
  // Our own transfer: its state update may arrive before or after the POST's answer, and
  // must not read as a colleague taking the conversation over ("bob now has this ...").
  let transferringTo = null;
  function supervise(state) {
    const held = state.status === "held" && Boolean(state.claimed_by);
    const wasMine = mine;
    mine = held && state.claimed_by === me;
    const other = held && !mine;
    transferTo.disabled = !mine;
    transferButton.disabled = !mine || !transferTo.value;
    if (whisperForm) Array.from(whisperForm.elements).forEach((node) => { node.disabled = !other; });
    if (takeOver) takeOver.disabled = !other;
    if (wasMine && other && state.claimed_by !== holder && state.claimed_by !== transferringTo) {
      say(`${state.claimed_by} now has this conversation. You can no longer send in it.`);
    }
    holder = held ? state.claimed_by : null;
  }
  transferTo.addEventListener("change", () => { transferButton.disabled = !mine || !transferTo.value; });
  transferForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const to = transferTo.value;
    if (!to) { say("Choose a colleague to transfer to."); return; }
    transferButton.disabled = true;
    transferringTo = to;
    post(`/api/c/${id}/transfer`, { to })
      .then((d) => say(told(d, `Transferred to ${d.claimed_by}. The person has been told.`)))
      .catch((e) => {
        transferringTo = null;
        say(e.message);
        transferButton.disabled = !mine || !transferTo.value;
      });
  });
  if (whisperForm) {
    whisperForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = whisperForm.elements.text;
      const button = whisperForm.querySelector("button");
      button.disabled = true;
      post(`/api/c/${id}/whisper`, { text: text.value })
        .then((d) => { text.value = ""; say(`Private note sent to ${d.to}.`); })
        .catch((e) => say(e.message))
        .finally(() => { button.disabled = text.disabled; });
    });
  }
  if (takeOver) {
    takeOver.addEventListener("click", () => {
      takeOver.disabled = true;
      post(`/api/c/${id}/take-over`)
        .then((d) => say(told(d, `You have taken over from ${d.taken_from}. The person has been told.`)))
        .catch((e) => { say(e.message); takeOver.disabled = holder === null || holder === me; });
    });
  }
  const notesList = document.getElementById("whispers");
  const notes = new EventSource(`/events/c/${id}/notes`);
  notes.addEventListener("note", (event) => {
    const note = JSON.parse(event.data);
    const li = el("li", "", note.kind);
    const time = el("time", clock(note.at, true));
    time.dateTime = new Date(note.at * 1000).toISOString();
    const who = note.kind === "whisper" ? `${note.author} to ${note.to}:` : "Note:";
    li.append(time, document.createTextNode(" "), el("b", who), document.createTextNode(" "),
              el("span", note.text, "text"));
    notesList.append(li);
    document.getElementById("no-whispers").hidden = true;
  });
  notes.addEventListener("colleagues", (event) => {
    const names = JSON.parse(event.data);
    const chosen = transferTo.value;
    const options = names.map((name) => { const o = el("option", name); o.value = name; return o; });
    const none = el("option", names.length ? "Choose a colleague" : "Nobody else is signed on");
    none.value = "";
    transferTo.replaceChildren(none, ...options);
    if (names.includes(chosen)) transferTo.value = chosen;
    transferButton.disabled = !mine || !transferTo.value;
  });
  const box = document.querySelector("#reply textarea");
  let typedAt = 0;
  box.addEventListener("input", () => {  // at most one typing flag every 2 s
    if (!can.reply || Date.now() - typedAt < 2000) return;
    typedAt = Date.now();
    post(`/api/c/${id}/typing`).catch(() => {});
  });
  document.getElementById("reply").addEventListener("submit", (event) => {
    event.preventDefault();
    const button = event.target.querySelector("button");
    run(button, post(`/api/c/${id}/reply`, { text: box.value }),
        () => { box.value = ""; typedAt = 0; button.disabled = !can.reply; return "Sent."; });
  });
  box.addEventListener("keydown", (event) => {  // Ctrl+Enter sends
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      document.getElementById("reply").requestSubmit();
    }
  });
  // Close opens the contact record form (/c/{id}/close): a plain link, no script.
  document.getElementById("dir-search").addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = event.target.elements.q.value;
    const list = document.getElementById("dir-results");
    list.replaceChildren();
    try {
      const reply = await fetch(`/api/directory?q=${encodeURIComponent(q)}`,
                                { credentials: "same-origin" });
      const data = await reply.json();
      if (!reply.ok) throw new Error(friendly(reply.status, data));
      if (!data.results.length) list.append(el("li", "No services found."));
      data.results.forEach((s) => {
        const li = el("li", s.message + " ");
        const send = el("button", "Send to the person");
        send.type = "button";
        send.disabled = !can.reply;
        send.addEventListener("click", () =>
          run(null, post(`/api/c/${id}/service`, { service_id: s.id }), () => "Service sent."));
        li.append(send);
        list.append(li);
      });
    } catch (e) { say(e.message || "The directory search failed. Try again."); }
  });

  // Canned responses (canned.py): the chosen text goes into the reply box at the cursor,
  // as a value (never markup), to read and change before Send.
  const cannedChoice = document.getElementById("canned-choice");
  const cannedTexts = new Map();
  fetch("/api/canned", { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : { responses: [] }))
    .then((data) => {
      data.responses.forEach((r) => {
        const option = el("option", r.title); option.value = String(r.id);
        cannedTexts.set(String(r.id), r.text);
        cannedChoice.append(option);
      });
      document.getElementById("canned").hidden = data.responses.length === 0;
    }).catch(() => {});
  document.getElementById("canned-insert").addEventListener("click", () => {
    const text = cannedTexts.get(cannedChoice.value);
    if (!text) { say("Choose a canned response first."); return; }
    if (box.disabled) { say("Claim the conversation first: then the response goes into your reply."); return; }
    const start = box.selectionStart, end = box.selectionEnd;
    box.setRangeText(text, start, end, "end");
    box.focus();
  });
})();
