// Advisor console: live queue and conversation views. Every text goes in with textContent,
// never innerHTML, so nothing a person wrote can run as code.
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
  const minutes = (since) => Math.max(0, Math.round((Date.now() / 1000 - since) / 60)) + " min";
  async function post(url, body) {
    const reply = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try { data = await reply.json(); } catch (e) { data = {}; }
    if (!reply.ok) throw new Error(data.error || `HTTP ${reply.status}`);
    return data;
  }
  const status = document.getElementById("live-status");
  const setLive = (text) => { if (status) status.textContent = text; };

  function link(entry) {
    const a = el("a", "Open", ""); a.href = `/c/${entry.id}`; return a;
  }
  function renderQueue(data) {
    const body = document.querySelector("#queue tbody");
    if (body) {
      body.replaceChildren();
      data.entries.filter((e) => e.kind === "chat" && e.status === "waiting").forEach((e) => {
        const row = el("tr"); row.dataset.entry = e.id;
        row.append(el("td", String(e.place)));
        const p = el("td"); p.append(el("span", e.priority, e.priority)); row.append(p);
        row.append(el("td", e.signals.join(", ")), el("td", e.channel || ""),
                   el("td", minutes(e.created_at)));
        const action = el("td"); action.append(link(e)); row.append(action);
        body.append(row);
      });
    }
    const held = document.getElementById("held");
    if (held) {
      held.replaceChildren();
      data.entries.filter((e) => e.kind === "chat" && e.status !== "waiting").forEach((e) => {
        const li = el("li", `#${e.id} ${e.status} by ${e.claimed_by || "-"} `);
        if (e.claimed_by === me) li.append(link(e));
        held.append(li);
      });
    }
    const callbacks = document.getElementById("callbacks");
    if (callbacks) {
      callbacks.replaceChildren();
      data.entries.filter((e) => e.kind === "callback").forEach((e) => {
        callbacks.append(el("li", `#${e.id} ${e.priority}: ${e.callback_method} ` +
                                  `(${e.channel || "?"}), safe time: ${e.callback_time || "-"}`));
      });
    }
    const ended = document.getElementById("ended");
    if (ended) {
      ended.replaceChildren();
      data.ended.forEach((e) => ended.append(el("li", `#${e.id}: ended by the person`)));
    }
    const figures = document.getElementById("figures");
    if (figures) {
      figures.replaceChildren();
      const f = data.figures;
      const pairs = [["Waiting (urgent)", f.waiting.urgent], ["Waiting (high)", f.waiting.high],
        ["Waiting (normal)", f.waiting.normal], ["Held by advisors", f.held],
        ["Handed back to the bot", f.with_bot], ["Callback requests", f.callbacks],
        ["Longest wait", Math.round(f.longest_wait_seconds / 60) + " min"],
        ["Claimed in the last hour", f.claimed_last_hour]];
      pairs.forEach(([k, v]) => figures.append(el("dt", k), el("dd", String(v))));
    }
    const all = document.querySelector("#all-live tbody");
    if (all) {
      all.replaceChildren();
      data.entries.forEach((e) => {
        const row = el("tr");
        row.append(el("td", String(e.id)), el("td", `${e.kind} ${e.status}`),
                   el("td", e.priority), el("td", e.claimed_by || ""),
                   el("td", minutes(e.created_at)));
        const action = el("td"); action.append(link(e)); row.append(action);
        all.append(row);
      });
    }
  }
  if (document.getElementById("queue") || document.getElementById("figures")) {
    const source = new EventSource("/events/queue");
    source.addEventListener("queue", (event) => { renderQueue(JSON.parse(event.data)); setLive("Live"); });
    source.onerror = () => setLive("Reconnecting...");
  }

  const conversation = document.getElementById("conversation");
  if (!conversation) return;
  const id = conversation.dataset.entry;
  const message = document.getElementById("message");
  const say = (text) => { message.textContent = text; };
  const transcript = document.getElementById("transcript");
  const source = new EventSource(`/events/c/${id}?after=${conversation.dataset.count}`);
  source.addEventListener("line", (event) => {
    const item = JSON.parse(event.data);
    const li = el("li", "", item.who);
    li.append(el("b", item.who), document.createTextNode(" "), el("span", item.text, "text"));
    transcript.append(li);
  });
  source.addEventListener("status", (event) => {
    const s = JSON.parse(event.data);
    document.getElementById("status").textContent = s.label;
    document.getElementById("holder").textContent = s.claimed_by || "";
    if (s.status === "ended") { source.close(); say("Ended by the person."); }
  });
  const run = (promise, done) => promise.then((d) => say(done(d))).catch((e) => say(e.message));
  document.getElementById("claim").addEventListener("click", () =>
    run(post(`/api/c/${id}/claim`), () => "You have this conversation. The bot is silent."));
  document.getElementById("handback").addEventListener("click", () =>
    run(post(`/api/c/${id}/handback`), () => "Handed back to the bot."));
  document.getElementById("reply").addEventListener("submit", (event) => {
    event.preventDefault();
    const box = event.target.elements.text;
    run(post(`/api/c/${id}/reply`, { text: box.value }), () => { box.value = ""; return "Sent."; });
  });
  document.getElementById("close").addEventListener("submit", (event) => {
    event.preventDefault();
    const f = event.target.elements;
    run(post(`/api/c/${id}/close`, { outcome: f.outcome.value, note: f.note.value }),
        () => "Closed.");
  });
  document.getElementById("dir-search").addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = event.target.elements.q.value;
    const list = document.getElementById("dir-results");
    list.replaceChildren();
    try {
      const reply = await fetch(`/api/directory?q=${encodeURIComponent(q)}`,
                                { credentials: "same-origin" });
      const data = await reply.json();
      if (!data.results.length) list.append(el("li", "No services found."));
      data.results.forEach((s) => {
        const li = el("li", s.message + " ");
        const send = el("button", "Send to the person");
        send.type = "button";
        send.addEventListener("click", () =>
          run(post(`/api/c/${id}/service`, { service_id: s.id }), () => "Service sent."));
        li.append(send);
        list.append(li);
      });
    } catch (e) { say("Directory search failed."); }
  });
})();
