// Live updates (DESIGN §6): one WebSocket to /ws/ per page, for signed-in people only.
//
// Contract for page templates (no JavaScript of your own needed):
//
//   <div id="queue" hx-get="{% url '…' %}" hx-trigger="live, courtyard:resync from:body"
//        hx-swap="outerHTML" data-live-refresh="ticket.">…</div>
//
// * Every message from the server is a small JSON object with a "type" ("ticket.created",
//   "ticket.updated", "notification.created" …). For each one, every element whose
//   data-live-refresh is a prefix of that type (space-separated prefixes allowed; "" or "*"
//   matches all) gets the htmx event "live", so `hx-trigger="live"` re-fetches its fragment
//   through the ordinary, authorised view. A message never carries the content itself.
//   Add data-live-org="<slug>" to react only to one organisation's messages, and
//   data-live-ticket="<number>" to react only to one ticket's.
// * After a dropped connection comes back, the socket asks for what it missed
//   (/ws/?last_seq=<highest "seq" seen>); the server replays the messages of the person's own
//   groups since then, and they refresh elements exactly as if they had arrived live. When the
//   server cannot replay everything (too long away, too much happened), "courtyard:resync" is
//   dispatched on document.body (and every data-live-refresh element gets "live" once), so
//   whatever a page shows is fetched again instead. Either way nothing is lost.
// * A socket the server closes because the person's memberships changed (code 4000)
//   reconnects at once and gets its new set of messages.
// * Every message is also dispatched as a "courtyard:live" CustomEvent on document with the
//   message as event.detail, for page scripts that need more than a refresh.
//
// The connection state is shown in #live-status (role="status", text beside the colour).
(function () {
  "use strict";

  var status = document.getElementById("live-status");
  if (!status || !("WebSocket" in window)) { return; }  // signed out, or a very old browser

  var BASE_DELAY_MS = 1000;
  var MAX_DELAY_MS = 30000;
  var CLOSE_UNAUTHENTICATED = 4401;
  var CLOSE_REGROUP = 4000;
  var SEEN_MAX = 512;
  var attempts = 0;
  var lastSeq = null;      // the highest "seq" seen: where a reconnect resumes
  var seen = [];           // recent seqs, to drop a message replayed or sent twice
  var reconnecting = false;
  var replayTargets = null;  // while a replay arrives, each element refreshes once at its end
  var replayTimer = null;
  var everConnected = false;
  var socket = null;
  var retryTimer = null;

  var COLOURS = { live: "bg-success", connecting: "bg-secondary", reconnecting: "bg-warning",
                  offline: "bg-danger" };

  function show(state) {
    var dot = status.querySelector(".live-dot");
    var text = status.querySelector(".live-text");
    Object.keys(COLOURS).forEach(function (key) { dot.classList.remove(COLOURS[key]); });
    dot.classList.add(COLOURS[state]);
    text.textContent = status.dataset["text" + state.charAt(0).toUpperCase() + state.slice(1)];
    status.dataset.state = state;
    status.classList.remove("d-none");
    status.classList.add("d-flex");
  }

  function matches(el, message) {
    var prefixes = (el.dataset.liveRefresh || "").trim();
    var type = String(message.type || "");
    if (el.dataset.liveOrg && message.org && el.dataset.liveOrg !== message.org) { return false; }
    if (el.dataset.liveTicket && message.ticket !== undefined &&
        el.dataset.liveTicket !== String(message.ticket)) { return false; }
    if (prefixes === "" || prefixes === "*") { return true; }
    return prefixes.split(/\s+/).some(function (prefix) { return type.indexOf(prefix) === 0; });
  }

  function refresh(message) {
    if (!window.htmx) { return; }
    document.querySelectorAll("[data-live-refresh]").forEach(function (el) {
      if (message === null || matches(el, message)) {
        if (replayTargets) { replayTargets.add(el); } else { window.htmx.trigger(el, "live"); }
      }
    });
  }

  function endReplaySoon() {
    if (replayTimer) { window.clearTimeout(replayTimer); }
    replayTimer = window.setTimeout(function () {
      var targets = replayTargets;
      replayTargets = null;
      replayTimer = null;
      if (targets && window.htmx) {
        targets.forEach(function (el) { if (el.isConnected) { window.htmx.trigger(el, "live"); } });
      }
    }, 150);
  }

  function firstTime(seq) {
    if (typeof seq !== "number") { return true; }
    if (seen.indexOf(seq) !== -1) { return false; }
    seen.push(seq);
    if (seen.length > SEEN_MAX) { seen.shift(); }
    if (lastSeq === null || seq > lastSeq) { lastSeq = seq; }
    return true;
  }

  function hello(message) {
    // Everything of the person's groups up to the server's current number is either shown
    // already, replayed right after this message, or re-fetched by resync().
    if (typeof message.seq === "number" && (lastSeq === null || message.seq > lastSeq)) {
      lastSeq = message.seq;
    }
    if (!reconnecting) { return; }
    reconnecting = false;
    if (message.replay === true) {
      replayTargets = new Set();  // the missed messages follow this one
      endReplaySoon();
    } else {
      resync();
    }
  }

  function resync() {
    document.body.dispatchEvent(new CustomEvent("courtyard:resync", { bubbles: true }));
    // Elements listening to "courtyard:resync from:body" refresh themselves; the others are
    // told once through "live", so an opted-in element never stays stale.
    if (!window.htmx) { return; }
    document.querySelectorAll("[data-live-refresh]").forEach(function (el) {
      var trigger = el.getAttribute("hx-trigger") || "";
      if (trigger.indexOf("courtyard:resync") === -1) { window.htmx.trigger(el, "live"); }
    });
  }

  function delay() {
    // Exponential back-off with full jitter: thousands of browsers do not return in lockstep
    // after a server restart.
    var ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * Math.pow(2, attempts));
    return Math.round(ceiling / 2 + Math.random() * ceiling / 2);
  }

  function schedule() {
    if (retryTimer) { return; }
    show(navigator.onLine === false ? "offline" : "reconnecting");
    retryTimer = window.setTimeout(function () { retryTimer = null; connect(); }, delay());
    attempts += 1;
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    if (!everConnected) { show("connecting"); }
    var query = everConnected && lastSeq !== null ? "?last_seq=" + lastSeq : "";
    socket = new WebSocket(scheme + window.location.host + "/ws/" + query);
    socket.addEventListener("open", function () {
      reconnecting = everConnected;  // the server's hello says whether it replays
      attempts = 0;
      everConnected = true;
      show("live");
    });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (!message) { return; }
      if (message.type === "hello") { hello(message); return; }
      if (!firstTime(message.seq)) { return; }
      document.dispatchEvent(new CustomEvent("courtyard:live", { detail: message }));
      refresh(message);
      if (replayTargets) { endReplaySoon(); }
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      if (reconnecting) { reconnecting = false; }
      if (event.code === CLOSE_REGROUP) { attempts = 0; }
      if (event.code === CLOSE_UNAUTHENTICATED) {
        // Signed out (here or in another tab): do not hammer the server; a reload shows why.
        show("offline");
        return;
      }
      schedule();
    });
  }

  window.addEventListener("online", function () {
    if (!socket && retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
      attempts = 0;
      connect();
    }
  });
  // A page restored from the back/forward cache may show stale data and a dead socket.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { resync(); if (!socket) { connect(); } }
  });

  connect();
})();
