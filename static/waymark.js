// Waymark's only script. Everything works without it; it adds:
// - the plan kept in this browser (localStorage) as well as in its cookie,
//   and a count of its pages beside "Your plan" in the header;
// - search results that update as you type or tick a filter, fetched as the
//   server's own HTML, with the address and the back button kept right;
// - on a narrow screen, the search filters folded behind a button;
// - "Copy link" buttons for a page and each of its sections;
// - presenter mode: one slide at a time on the whole screen (arrow keys, Page
//   Up/Down, Home/End, a clicker), and a speaker view with notes and a timer;
// - the plan form kept in this browser tab as it is written (sessionStorage),
//   or on this device only when "Keep" is ticked (localStorage), with "Clear
//   everything"; a saved plan file opened in the browser; a question before
//   "Empty the plan".
// What is written about a child is kept only in this browser and sent only
// in the exports asked for; the server keeps none of it.
(function () {
  "use strict";
  var COOKIE = "waymark_plan";
  var KEY = "waymark.plan";

  function readCookie() {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].trim();
      if (pair.indexOf(COOKIE + "=") === 0) {
        var value = pair.slice(COOKIE.length + 1);
        return value ? value.split(".") : [];
      }
    }
    return null;
  }

  function writeCookie(items) {
    var value = items.join(".");
    document.cookie = COOKIE + "=" + value + "; Path=/; Max-Age=" + (value ? 7776000 : 0) + "; SameSite=Lax";
  }

  function syncPlan() {
    var fromCookie = readCookie();
    var stored = [];
    try {
      stored = JSON.parse(window.localStorage.getItem(KEY) || "[]");
    } catch (e) {
      stored = [];
    }
    var items;
    if (fromCookie === null && stored.length) {
      // The cookie has expired or was cleared: restore it from this browser.
      items = stored;
      writeCookie(items);
    } else {
      items = fromCookie || [];
      try {
        window.localStorage.setItem(KEY, JSON.stringify(items));
      } catch (e) {
        // Storage may be disabled; the cookie still works.
      }
    }
    var counters = document.querySelectorAll("[data-plan-count]");
    for (var i = 0; i < counters.length; i++) {
      counters[i].textContent = items.length ? " (" + items.length + ")" : "";
    }
  }

  // One polite live region for short messages ("Link copied").
  function announce(message) {
    var region = document.querySelector("[data-announce]");
    if (!region) {
      return;
    }
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = message;
    }, 50);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain http: the older way, through a selected, off-screen text area.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      if (ok) {
        resolve();
      } else {
        reject(new Error("copy refused"));
      }
    });
  }

  function copyButton(button, url) {
    button.addEventListener("click", function () {
      copyText(url).then(
        function () {
          button.classList.add("is-copied");
          announce("Link copied: " + url);
          window.setTimeout(function () {
            button.classList.remove("is-copied");
          }, 2000);
        },
        function () {
          announce("Could not copy. The link is " + url);
        }
      );
    });
  }

  function copyLinks() {
    var permalink = document.querySelectorAll("[data-copy]");
    for (var i = 0; i < permalink.length; i++) {
      permalink[i].hidden = false;
      copyButton(permalink[i], new URL(permalink[i].getAttribute("data-copy"), window.location.href).href);
    }
    var anchors = document.querySelectorAll(".body .heading-anchor");
    for (var j = 0; j < anchors.length; j++) {
      // The button goes in the heading's row, beside the heading, so the
      // heading's own name stays its words.
      var row = anchors[j].parentNode;
      var heading = row.querySelector("h1, h2, h3, h4, h5, h6");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-link";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " to the section " + (heading ? heading.textContent : "");
      button.appendChild(document.createTextNode("Copy link"));
      button.appendChild(hidden);
      var url = new URL(anchors[j].getAttribute("href"), window.location.href).href;
      row.appendChild(button);
      copyButton(button, url);
    }
  }

  // On a narrow screen the main links fold behind "Menu", so the header is
  // the service name and one row. Without JavaScript they stay in view.
  function menuToggle() {
    var button = document.querySelector("[data-menu-toggle]");
    var menu = document.querySelector("[data-menu]");
    if (!button || !menu) {
      return;
    }
    button.hidden = false;
    menu.classList.add("is-collapsed");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-collapsed", !open);
    });
  }

  // On a narrow screen the search filters fold behind "Filter results".
  function filterToggle() {
    var button = document.querySelector("[data-filter-toggle]");
    var panel = document.querySelector("[data-filters]");
    if (!button || !panel || !window.matchMedia) {
      return;
    }
    var narrow = window.matchMedia("(max-width: 47.99em)");
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-collapsed", !open);
    }
    function layout() {
      button.hidden = !narrow.matches;
      set(!narrow.matches);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    // "Show N results" closes the panel and moves to the count. The panel's
    // contents are replaced on each live search, so it listens on the panel.
    panel.addEventListener("click", function (event) {
      var show = event.target.closest && event.target.closest("[data-show-results]");
      if (!show || !narrow.matches) {
        return;
      }
      event.preventDefault();
      set(false);
      var count = document.querySelector("[data-result-count]");
      if (count) {
        count.setAttribute("tabindex", "-1");
        count.focus();
        count.scrollIntoView({ block: "start" });
      }
    });
    if (narrow.addEventListener) {
      narrow.addEventListener("change", layout);
    }
    layout();
  }

  // Search results that follow the form: fetch the server's page for the
  // form's current state and swap in its results, counts and filters.
  function liveSearch() {
    var form = document.querySelector("[data-live-search]");
    if (!form || !window.fetch || !window.DOMParser || !window.history.pushState || !window.URLSearchParams) {
      return;
    }
    var count = document.querySelector("[data-result-count]");
    count.setAttribute("tabindex", "-1");
    var timer = null;
    var controller = null;
    var typing = false;

    function formUrl() {
      var out = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value === "" || (key === "sort" && value === "relevance")) {
          return;
        }
        out.append(key, value);
      });
      var query = out.toString();
      // The form's own action carries any base path the portal is served under.
      return (form.getAttribute("action") || "/search") + (query ? "?" + query : "");
    }

    function swapInto(selector, doc) {
      var here = document.querySelector(selector);
      var there = doc.querySelector(selector);
      if (here && there) {
        here.innerHTML = there.innerHTML;
      }
    }

    function swap(doc, fromHistory) {
      var focused = document.activeElement && document.activeElement.id;
      var open = {};
      var facets = form.querySelectorAll("details[data-facet]");
      for (var i = 0; i < facets.length; i++) {
        open[facets[i].getAttribute("data-facet")] = facets[i].open;
      }
      swapInto("[data-search-results]", doc);
      swapInto("[data-filters]", doc);
      swapInto("[data-applied-count]", doc);
      swapInto("[data-search-heading]", doc);
      var newCount = doc.querySelector("[data-result-count]");
      if (newCount && newCount.textContent !== count.textContent) {
        count.textContent = newCount.textContent;
      }
      var nowFacets = form.querySelectorAll("details[data-facet]");
      for (var j = 0; j < nowFacets.length; j++) {
        var name = nowFacets[j].getAttribute("data-facet");
        if (Object.prototype.hasOwnProperty.call(open, name) && !nowFacets[j].querySelector("input:checked")) {
          nowFacets[j].open = open[name];
        }
      }
      var back = doc.querySelector("#plan-form input[name=return]");
      var mine = document.querySelector("#plan-form input[name=return]");
      if (back && mine) {
        mine.value = back.value;
      }
      document.title = doc.title;
      if (fromHistory) {
        var q = doc.querySelector("#q");
        if (q) {
          document.querySelector("#q").value = q.value;
        }
      }
      var header = document.querySelector("#header-q");
      if (header) {
        header.value = document.querySelector("#q").value;
      }
      if (focused && focused !== "q" && document.getElementById(focused)) {
        document.getElementById(focused).focus();
      }
    }

    // `live` marks a search made while typing: the server does not count
    // its half-words as "searched and not found".
    function load(url, mode, live) {
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      form.setAttribute("aria-busy", "true");
      fetch(url, {
        headers: live ? { Accept: "text/html", "X-Waymark-Live": "typing" } : { Accept: "text/html" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          swap(new DOMParser().parseFromString(html, "text/html"), mode === "pop");
          if (mode === "push") {
            window.history.pushState({ waymark: true }, "", url);
          } else if (mode === "replace") {
            window.history.replaceState({ waymark: true }, "", url);
          }
          form.removeAttribute("aria-busy");
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") {
            return;
          }
          // Anything odd (a 400 for a bad filter, a lost network): load the
          // page the ordinary way, which shows the server's own answer.
          window.location.href = url;
        });
    }

    form.addEventListener("input", function (event) {
      if (event.target.id !== "q") {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        // The first keystroke of a burst makes a history entry; the rest
        // replace it, so Back returns to the search before the typing.
        load(formUrl(), typing ? "replace" : "push", true);
        typing = true;
      }, 300);
    });
    form.addEventListener("change", function (event) {
      if (event.target.form !== form || event.target.id === "q") {
        return;
      }
      typing = false;
      load(formUrl(), "push");
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      typing = false;
      load(formUrl(), "push");
    });
    form.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[data-search-link]") : null;
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
        return;
      }
      event.preventDefault();
      typing = false;
      load(link.getAttribute("href"), "push");
      count.focus();
    });
    window.addEventListener("popstate", function () {
      typing = false;
      load(window.location.pathname + window.location.search, "pop");
    });
  }

  function presenter() {
    var root = document.querySelector("[data-present]");
    if (!root) {
      return;
    }
    var slides = root.querySelectorAll(".slide");
    var current = 0;
    var speaker = null;
    var started = 0;
    var timer = null;
    function slideFromHash() {
      var match = /^#slide-(\d+)$/.exec(window.location.hash);
      return match ? Number(match[1]) - 1 : 0;
    }
    function paneOf(slide) {
      var box = slide ? slide.querySelector(".slide-box").cloneNode(true) : document.createElement("p");
      if (!slide) {
        box.textContent = "The end of the slides.";
      }
      box.removeAttribute("id");
      var headings = box.querySelectorAll("[id]");
      for (var i = 0; i < headings.length; i++) {
        headings[i].removeAttribute("id");
      }
      return box;
    }
    function drawSpeaker() {
      if (!speaker || speaker.hidden) {
        return;
      }
      speaker.querySelector("[data-now]").replaceChildren(paneOf(slides[current]));
      speaker.querySelector("[data-next]").replaceChildren(paneOf(slides[current + 1]));
      var notes = slides[current].querySelector(".speaker-notes");
      var target = speaker.querySelector("[data-notes]");
      target.replaceChildren();
      if (notes) {
        var paragraphs = notes.querySelectorAll("p");
        for (var i = 0; i < paragraphs.length; i++) {
          target.appendChild(paragraphs[i].cloneNode(true));
        }
      } else {
        target.textContent = "No speaker notes for this slide.";
      }
      speaker.querySelector("[data-count]").textContent = "Slide " + (current + 1) + " of " + slides.length;
    }
    function show(n) {
      slides[current].classList.remove("current");
      current = Math.max(0, Math.min(slides.length - 1, n));
      slides[current].classList.add("current");
      if (root.classList.contains("deck")) {
        slides[current].focus({ preventScroll: true });
        history.replaceState(null, "", "#slide-" + (current + 1));
      }
      drawSpeaker();
    }
    function tick() {
      var seconds = Math.floor((Date.now() - started) / 1000);
      var m = Math.floor(seconds / 60);
      var s = seconds % 60;
      speaker.querySelector("[data-timer]").textContent = m + ":" + (s < 10 ? "0" : "") + s;
    }
    function openSpeaker() {
      if (!speaker) {
        speaker = document.createElement("div");
        speaker.className = "speaker";
        speaker.setAttribute("role", "region");
        speaker.setAttribute("aria-label", "Speaker view");
        speaker.innerHTML = '<p class="speaker-bar"><span data-count></span> <span>Time: <span class="speaker-timer" data-timer>0:00</span></span> <button type="button" class="secondary" data-close-speaker>Close speaker view</button></p>' +
          '<div><p><strong>Now</strong></p><div data-now></div><h2>Speaker notes</h2><div class="speaker-notes-now" data-notes></div></div>' +
          '<div class="speaker-next"><p><strong>Next</strong></p><div data-next></div></div>';
        document.body.appendChild(speaker);
        speaker.querySelector("[data-close-speaker]").addEventListener("click", function () {
          speaker.hidden = true;
        });
        started = Date.now();
        timer = window.setInterval(tick, 1000);
      }
      speaker.hidden = false;
      drawSpeaker();
    }
    function start() {
      root.classList.add("deck");
      show(slideFromHash());
    }
    for (var i = 0; i < slides.length; i++) {
      slides[i].setAttribute("tabindex", "-1");
    }
    document.addEventListener("keydown", function (event) {
      var deck = root.classList.contains("deck") || (speaker && !speaker.hidden);
      if (!deck || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      var key = event.key;
      if (key === "ArrowRight" || key === "ArrowDown" || key === "PageDown" || key === " " || key === "Enter") {
        event.preventDefault();
        show(current + 1);
      } else if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp" || key === "Backspace") {
        event.preventDefault();
        show(current - 1);
      } else if (key === "Home") {
        event.preventDefault();
        show(0);
      } else if (key === "End") {
        event.preventDefault();
        show(slides.length - 1);
      } else if (key === "Escape") {
        root.classList.remove("deck");
        if (speaker) {
          speaker.hidden = true;
        }
        slides[current].scrollIntoView({ block: "start" });
      }
    });
    var startButton = root.querySelector("[data-start]");
    startButton.hidden = false;
    startButton.addEventListener("click", function () {
      start();
      if (document.documentElement.requestFullscreen) {
        document.documentElement.requestFullscreen().catch(function () {});
      }
    });
    var speakerButton = root.querySelector("[data-speaker]");
    speakerButton.hidden = false;
    speakerButton.addEventListener("click", function () {
      show(slideFromHash());
      openSpeaker();
    });
    slides[current].classList.add("current");
  }

  // Printing opens every folded section (the stylesheet does the same in
  // browsers that style ::details-content), and folds them again after.
  function printOpen() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      var closed = document.querySelectorAll("main details:not([open])");
      for (var i = 0; i < closed.length; i++) {
        closed[i].open = true;
        opened.push(closed[i]);
      }
    });
    window.addEventListener("afterprint", function () {
      while (opened.length) {
        opened.pop().open = false;
      }
    });
  }

  // ---------------------------------------------------------------- plan form
  var SHEET = "waymark.sheet";

  function storeOf(kept) {
    try {
      return kept ? window.localStorage : window.sessionStorage;
    } catch (e) {
      return null;
    }
  }

  function readSheet() {
    var stores = [storeOf(true), storeOf(false)];
    for (var i = 0; i < stores.length; i++) {
      try {
        var raw = stores[i] && stores[i].getItem(SHEET);
        if (raw) {
          return { sheet: JSON.parse(raw), kept: i === 0 };
        }
      } catch (e) {
        // Unreadable: treat as nothing stored.
      }
    }
    return null;
  }

  function writeSheet(sheet, kept) {
    var keep = storeOf(kept);
    var other = storeOf(!kept);
    try {
      if (other) other.removeItem(SHEET);
      if (keep) keep.setItem(SHEET, JSON.stringify(sheet));
    } catch (e) {
      // Storage full or disabled: the form still posts to the exports.
    }
  }

  function clearSheet() {
    [storeOf(true), storeOf(false)].forEach(function (store) {
      try {
        if (store) store.removeItem(SHEET);
      } catch (e) {
        // Nothing to clear.
      }
    });
  }

  function isWritten(el) {
    return (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && (el.type === "text" || el.type === "number"))) && el.name && el.name !== "items";
  }

  // What the form holds: written fields by name, and each group of boxes
  // (needs, each page's steps) with the values ticked.
  function collect(form) {
    var sheet = { fields: {}, groups: {} };
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (isWritten(el) && el.value !== "") {
        sheet.fields[el.name] = el.value;
      } else if (el.type === "checkbox" && el.name && el.name !== "keep") {
        var group = sheet.groups[el.name] || (sheet.groups[el.name] = []);
        if (el.checked) group.push(el.value);
      }
    }
    return sheet;
  }

  // Outcome rows: as many as the sheet has, one row copied for each more.
  function outcomeRows(form, wanted) {
    var body = form.querySelector("table.outcomes tbody");
    if (!body) return;
    while (body.rows.length < wanted && body.rows.length < 20) {
      var n = body.rows.length + 1;
      var row = body.rows[body.rows.length - 1].cloneNode(true);
      var fields = row.querySelectorAll("input, textarea");
      for (var i = 0; i < fields.length; i++) {
        fields[i].name = fields[i].name.replace(/^outcomes\.\d+\./, "outcomes." + n + ".");
        fields[i].value = "";
        var label = fields[i].getAttribute("aria-label");
        if (label) fields[i].setAttribute("aria-label", label.replace(/^Outcome \d+/, "Outcome " + n));
      }
      var cells = row.querySelectorAll("td[data-label]");
      for (var j = 0; j < cells.length; j++) {
        cells[j].setAttribute("data-label", cells[j].getAttribute("data-label").replace(/^Outcome \d+$/, "Outcome " + n));
      }
      body.appendChild(row);
    }
  }

  function apply(form, sheet) {
    var highest = 0;
    Object.keys(sheet.fields || {}).forEach(function (name) {
      var m = /^outcomes\.(\d+)\./.exec(name);
      if (m) highest = Math.max(highest, parseInt(m[1], 10));
    });
    outcomeRows(form, highest);
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (isWritten(el) && Object.prototype.hasOwnProperty.call(sheet.fields, el.name)) {
        el.value = sheet.fields[el.name];
      } else if (el.type === "checkbox" && sheet.groups && Object.prototype.hasOwnProperty.call(sheet.groups, el.name)) {
        el.checked = sheet.groups[el.name].indexOf(el.value) !== -1;
      }
    }
  }

  function planSheet() {
    var form = document.querySelector("[data-plan-form]");
    if (!form) return;
    var controls = form.querySelector("[data-keep-controls]");
    var keep = form.querySelector("[data-keep]");
    var stored = readSheet();
    if (form.hasAttribute("data-posted")) {
      // What was just posted is on the page: keep that, not an older copy.
      stored = { sheet: collect(form), kept: stored ? stored.kept : false };
      writeSheet(stored.sheet, stored.kept);
    } else if (stored) {
      apply(form, stored.sheet);
    }
    if (controls) controls.hidden = false;
    if (keep) keep.checked = !!(stored && stored.kept);
    var save = function () {
      writeSheet(collect(form), !!(keep && keep.checked));
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    var add = form.querySelector("[data-add-outcome]");
    if (add) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var body = form.querySelector("table.outcomes tbody");
        outcomeRows(form, body.rows.length + 1);
        var last = body.rows[body.rows.length - 1].querySelector("textarea");
        if (last) last.focus();
      });
    }
    var clear = form.querySelector("[data-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        if (!window.confirm("Clear everything written about this child from this browser? The pages in the plan stay.")) return;
        clearSheet();
        for (var i = 0; i < form.elements.length; i++) {
          var el = form.elements[i];
          if (isWritten(el) && el.name.indexOf("rate.") !== 0) {
            el.value = el.defaultValue && !form.hasAttribute("data-posted") ? el.defaultValue : "";
          } else if (el.type === "checkbox" && el.name) {
            // Needs start unchosen and every step ticked.
            el.checked = el.name.indexOf("steps.") === 0;
          }
        }
        if (keep) keep.checked = false;
        announce("Everything written in this plan was cleared from this browser.");
      });
    }
  }

  // A saved plan read here and shown, never sent to the server: its pages
  // go in the address, what was written into this tab's storage.
  function planOpen() {
    var forms = document.querySelectorAll("[data-plan-open]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        var input = form.querySelector("input[type=file]");
        if (!input || !input.files || !input.files[0] || !window.FileReader) return;
        event.preventDefault();
        var reader = new FileReader();
        reader.onload = function () {
          var plan;
          try {
            plan = JSON.parse(reader.result);
          } catch (e) {
            plan = null;
          }
          if (!plan || typeof plan !== "object" || !Array.isArray(plan.items)) {
            announce("That file is not a plan saved from this page. Choose a .json file saved with Saved plan (JSON).");
            return;
          }
          var sheet = { fields: {}, groups: {} };
          var put = function (name, value) {
            if (typeof value === "string" && value !== "") sheet.fields[name] = value;
            if (typeof value === "number") sheet.fields[name] = String(value);
          };
          var child = plan.child || {};
          Object.keys(child).forEach(function (k) { put("child." + k, child[k]); });
          ["family_views", "date", "people"].forEach(function (k) { put(k, plan[k]); });
          var review = plan.review || {};
          Object.keys(review).forEach(function (k) { put("review." + k, review[k]); });
          (plan.outcomes || []).forEach(function (o, i) {
            ["outcome", "measure", "by"].forEach(function (k) { put("outcomes." + (i + 1) + "." + k, o && o[k]); });
          });
          var delivery = plan.delivery || {};
          Object.keys(delivery).forEach(function (page) {
            Object.keys(delivery[page] || {}).forEach(function (k) { put("delivery." + page + "." + k, delivery[page][k]); });
          });
          var rates = plan.rates || {};
          Object.keys(rates).forEach(function (id) { put("rate." + id, rates[id]); });
          if (Array.isArray(plan.needs)) sheet.groups.needs = plan.needs.map(String);
          var steps = plan.steps || {};
          Object.keys(steps).forEach(function (page) {
            sheet.groups["steps." + page] = (steps[page] || []).map(String);
          });
          var stored = readSheet();
          writeSheet(sheet, !!(stored && stored.kept));
          var target = form.action + "?items=" + encodeURIComponent(plan.items.join(","));
          window.location.assign(target);
        };
        reader.readAsText(input.files[0]);
      });
    });
  }

  // Forms that undo something ("Empty the plan") ask first.
  function confirmForms() {
    var forms = document.querySelectorAll("form[data-confirm]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    syncPlan();
    copyLinks();
    menuToggle();
    filterToggle();
    liveSearch();
    presenter();
    printOpen();
    planSheet();
    planOpen();
    confirmForms();
  });
})();
