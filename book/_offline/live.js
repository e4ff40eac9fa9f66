/* The book's own glue for the offline and live HTML (served from <site>/_offline/live.js).
 *
 * 1. Alt text: an ipywidgets Image has no alt attribute in its model, so
 *    nnlib's View.widget() puts the figure's description in a hidden HTML
 *    widget (class nnfs-alt) beside the image; this copies it into the
 *    <img>'s alt, for saved and live widgets alike.
 * 2. Live code: "Live Code" (the header button) starts a kernel on a Jupyter
 *    server, runs the chapter's cells in page order with each output under
 *    its own cell, and the sliders then recompute the figure in the page.
 *    thebe is loaded from this site, never from a CDN.
 * 3. Sliders without a kernel: the build drew each figure along each slider,
 *    the other sliders at their start values (book/_ext/nnfs_offline.py puts
 *    the list in window.nnfsFrames). Moving a slider snaps it to the nearest
 *    drawn value and shows that picture, so the readout always names what
 *    the figure shows; moving a second slider puts the first back to its
 *    start and says, beside the figure, that combining sliders needs Live
 *    Code. With a kernel (Live Code, JupyterLab) none of this runs.
 *
 * Which server: open any page once with ?jupyter=URL&token=TOKEN (what
 * `make serve` prints); the page keeps both in localStorage for the other
 * pages. Optional: &kernel_path=DIR, the kernel's working directory relative
 * to the server's root (default: the page's folder, e.g. "book").
 * ?jupyter=off forgets them.
 *
 * 4. Languages: a translated edition (book/_ext/nnfs_i18n.py) sets window.nnfsEdition
 *    {lang, prefix: "zh/", messages}: every message below goes through t() and is shown in
 *    the page's language (tools/translations.py finds each call of t for ui.po), and the
 *    labels of live sliders too (the kernel names them in English).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ASSETS = new URL(".", script ? script.src : location.href).href; // .../_offline/
  var SITE_ROOT = new URL("..", ASSETS).href;
  var STORE = "nnfs-live-server";
  var CDN_REQUIREJS = "https://cdnjs.cloudflare.com/ajax/libs/require.js/";

  // ---- 4. the page's language -------------------------------------------------
  var EDITION = window.nnfsEdition || { lang: "en", prefix: "", messages: {} };
  function t(message, values) {
    var text = (EDITION.messages || {})[message] || message;
    return text.replace(/\{(\w+)\}/g, function (all, key) { return values && key in values ? values[key] : all; });
  }
  // the slider labels of a live figure (its kernel's), their figure's description, and thebe's
  // buttons under each cell with their titles (tools/translations.py lists thebe's words)
  function translateLabels() {
    if (!EDITION.messages) return;
    document.querySelectorAll(".widget-label, .nnfs-alt, .thebe-button").forEach(function (label) {
      var text = label.textContent.trim(), shown = EDITION.messages[text];
      if (shown && !label.children.length) label.textContent = shown;
      var title = label.getAttribute("title");
      if (title && EDITION.messages[title]) label.setAttribute("title", EDITION.messages[title]);
    });
  }

  // ---- 1. alt text for widget images ---------------------------------------
  function describeImages() {
    translateLabels();
    document.querySelectorAll("img.widget-image").forEach(function (img) {
      var box = img.parentElement, described = null;
      while (box && !described) {
        described = box.querySelector(".nnfs-alt");
        box = box.parentElement;
      }
      var text = described && described.textContent.trim();
      if (text && img.getAttribute("alt") !== text) img.setAttribute("alt", text);
      else if (!text && !img.getAttribute("alt")) img.setAttribute("alt", t("Interactive figure: move the sliders above it"));
    });
  }
  var pending = false;
  var observer = new MutationObserver(function () {
    if (pending) return;
    pending = true;
    setTimeout(function () { pending = false; describeImages(); }, 0);
  });
  function startObserving() {
    describeImages();
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  }

  // ---- 3. sliders without a kernel --------------------------------------------
  var FRAMES = window.nnfsFrames || null;
  var statics = (window.nnfsStatic = []); // one entry per saved widget that has pictures

  function close(a, b) { return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)); }

  function nearest(spec, value) {
    var best = 0, bestDistance = Infinity;
    spec.values.forEach(function (v, i) {
      var d = spec.log ? Math.abs(Math.log(v) - Math.log(value)) : Math.abs(v - value);
      if (d < bestDistance) { best = i; bestDistance = d; }
    });
    return best;
  }

  function liveButton(text) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "nnfs-static-live btn btn-sm btn-outline-primary";
    button.textContent = text || t("Live Code");
    button.addEventListener("click", function () { startLive(button); });
    return button;
  }

  function noteText(figure) {
    var n = Math.min.apply(null, figure.manifest.sliders.map(function (s) { return s.values.length; }));
    return t("Without a kernel, each slider shows pictures drawn when the book was built (about {n} positions per slider, one slider at a time, the others at their start). Live Code recomputes the figure for any setting.", { n: n }) + " ";
  }

  function labelOf(figure, i) {
    var model = figure.sliders[i];
    return (model.get("description") || figure.manifest.sliders[i].name).trim();
  }

  function showFrame(figure) {
    var shown = null;
    figure.sliders.forEach(function (model, i) {
      var spec = figure.manifest.sliders[i], j = nearest(spec, model.get("value"));
      if (!close(spec.values[j], spec.start)) shown = spec.files[j];
    });
    var img = figure.el.querySelector("img.widget-image");
    if (!img) return;
    if (figure.saved === undefined) figure.saved = img.getAttribute("src"); // the notebook's own picture
    // every slider at its start: the saved picture (the build's start picture is the same figure)
    var src = shown ? FRAMES.base + figure.manifest.key + "/" + shown : figure.saved;
    if (img.getAttribute("src") !== src) img.setAttribute("src", src);
    img.dataset.nnfsFrame = shown ? figure.manifest.key + "/" + shown : "saved";
  }

  function onSlider(figure, i) {
    if (live.state !== "idle" || figure.busy) return;
    var model = figure.sliders[i], spec = figure.manifest.sliders[i], value = model.get("value");
    var j = nearest(spec, value), was = figure.index[i];
    if (j === was && !close(value, spec.values[was]) && performance.now() - figure.keyed < 1000) {
      // an arrow key moves the slider one small step: let it reach the next picture that way
      j = Math.max(0, Math.min(spec.values.length - 1, was + (value > spec.values[was] ? 1 : -1)));
    }
    if (!close(value, spec.values[j])) {
      model.set("value", spec.values[j]); // the readout then names the value whose picture is shown
      return;
    }
    figure.index[i] = j;
    if (!close(spec.values[j], spec.start)) {
      var reset = [];
      figure.busy = true;
      figure.sliders.forEach(function (other, k) {
        var start = figure.manifest.sliders[k].start;
        if (k !== i && !close(other.get("value"), start)) {
          figure.index[k] = nearest(figure.manifest.sliders[k], start);
          other.set("value", start);
          reset.push(labelOf(figure, k));
        }
      });
      figure.busy = false;
      if (reset.length) {
        figure.warning.hidden = false;
        var values = { reset: reset.join(t(", ")), moved: labelOf(figure, i) };
        figure.warning.firstChild.textContent = (reset.length > 1
          ? t("Combining sliders needs Live Code: without a kernel this figure shows one slider at a time, so {reset} went back to their starts when you moved {moved}.", values)
          : t("Combining sliders needs Live Code: without a kernel this figure shows one slider at a time, so {reset} went back to its start when you moved {moved}.", values)) + " ";
      }
    }
    showFrame(figure);
  }

  function attach(view, el) {
    if (!FRAMES || !view || !view.model) return;
    var children = view.model.get("children") || [];
    var marker = children.find(function (m) { return (m.get("_dom_classes") || []).indexOf("nnfs-frames") >= 0; });
    if (!marker) return;
    var spec;
    try { spec = JSON.parse(new DOMParser().parseFromString(marker.get("value"), "text/html").documentElement.textContent); }
    catch (e) { console.warn("[frames] unreadable marker", e); return; }
    var manifest = FRAMES.views[spec.key];
    var sliders = (children[0] && children[0].get("children")) || [];
    if (!manifest || sliders.length !== manifest.sliders.length) {
      console.warn("[frames] no pictures for", spec.view);
      return;
    }
    var figure = { manifest: manifest, sliders: sliders, el: view.el, busy: false,
                   index: manifest.sliders.map(function (spec) { return nearest(spec, spec.start); }) };
    var note = document.createElement("div");
    note.className = "nnfs-static-note";
    note.setAttribute("role", "note");
    note.appendChild(document.createTextNode(noteText(figure)));
    note.appendChild(liveButton());
    var warning = document.createElement("div");
    warning.className = "nnfs-static-warning";
    warning.setAttribute("role", "status");
    warning.hidden = true;
    warning.appendChild(document.createTextNode(""));
    warning.appendChild(liveButton());
    figure.note = note;
    figure.warning = warning;
    var anchor = el && el.parentNode ? el : view.el;
    anchor.parentNode.insertBefore(note, anchor);
    anchor.parentNode.insertBefore(warning, anchor);
    figure.keyed = -Infinity;
    view.el.addEventListener("keydown", function (event) {
      if (/^(Arrow|Page)/.test(event.key)) figure.keyed = performance.now();
    }, true);
    sliders.forEach(function (model, i) {
      model.on("change:value", function () { onSlider(figure, i); });
    });
    statics.push(figure);
    statics.sort(function (a, b) { return a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });
  }

  // The saved widgets are drawn by the ipywidgets HTML manager (embed-amd.js, on window load):
  // watch it display each one, to reach the slider and image models behind it.
  if (FRAMES && typeof window.require === "function" && window.define) {
    window.require(["@jupyter-widgets/html-manager"], function (manager) {
      var proto = manager.HTMLManager.prototype, display = proto.display_view;
      proto.display_view = function (view, el) {
        var shown = display.apply(this, arguments);
        Promise.resolve(shown).then(function () { attach(view, el); })
          .catch(function (e) { console.warn("[frames]", e); });
        return shown;
      };
    });
  }

  // ---- 2. live code ----------------------------------------------------------
  function serverSettings() {
    var params = new URLSearchParams(location.search);
    if (params.get("jupyter") === "off") localStorage.removeItem(STORE);
    else if (params.get("jupyter")) {
      localStorage.setItem(STORE, JSON.stringify({
        baseUrl: params.get("jupyter").replace(/\/?$/, "/"),
        token: params.get("token") || "",
        kernelPath: params.get("kernel_path"),
      }));
    }
    try { return JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }
  var server = serverSettings();

  // thebe-core fetches require.js from a CDN before it makes any widget: serve ours instead.
  var realFetch = window.fetch.bind(window);
  window.fetch = function (resource, init) {
    if (typeof resource === "string" && resource.indexOf(CDN_REQUIREJS) === 0) resource = ASSETS + "require.js";
    return realFetch(resource, init);
  };

  // The status line sits at the top of the article and stays in view while the page scrolls
  // (live.css); started from a figure's own button, it goes right under that button.
  function status(text, kind, near) {
    var box = document.querySelector(".nnfs-live-status");
    if (!box) {
      box = document.createElement("div");
      box.className = "nnfs-live-status";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
    }
    if (near) near.insertAdjacentElement("afterend", box);
    else if (!box.parentNode) {
      var article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
      article.insertBefore(box, article.firstChild);
    }
    box.dataset.kind = kind || "info";
    box.textContent = text;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(tag);
    });
  }

  // thebe pairs the i-th [data-executable] with the i-th [data-output]: give every code
  // cell exactly one output area (an empty one when the cell printed nothing).
  function markCells() {
    var cells = [];
    document.querySelectorAll("div.cell").forEach(function (cell) {
      var source = cell.querySelector(".cell_input pre");
      if (!source) return; // an input removed from the page cannot run
      // A folded cell (hide-cell, hide-output) keeps its output inside its <details>: find it
      // there, and put a new one there too, so a folded solution's output stays folded.
      var output = cell.querySelector(".cell_output");
      if (!output) {
        output = document.createElement("div");
        output.className = "cell_output docutils container";
        var folded = source.closest("details");
        (folded && cell.contains(folded) && !cell.classList.contains("tag_hide-input") ? folded : cell).appendChild(output);
      }
      source.setAttribute("data-executable", "true");
      source.setAttribute("data-language", "python");
      output.setAttribute("data-output", "");
      cell.querySelectorAll("button.copybtn").forEach(function (b) { b.remove(); });
      cells.push(cell);
    });
    return cells;
  }

  function pageFolder() {
    var page = location.href.split(/[?#]/)[0];
    var rel = page.indexOf(SITE_ROOT) === 0 ? page.slice(SITE_ROOT.length) : "";
    // a translated page runs in the folder of its English page (zh/book/x.html: book)
    if (EDITION.prefix && rel.indexOf(EDITION.prefix) === 0) rel = rel.slice(EDITION.prefix.length);
    return rel.split("/").slice(0, -1).join("/");
  }

  var live = (window.nnfsLive = { state: "idle" });

  function startLive(from) {
    var near = from && from.nodeType === 1 && from.closest(".nnfs-static-note, .nnfs-static-warning");
    if (live.state !== "idle") return live.promise;
    if (!server) {
      status(t("Live code needs a Jupyter server. In the book's folder run `make serve` and open the address it prints, or open this page with ?jupyter=SERVER_URL&token=TOKEN (see the README)."), "error", near);
      return Promise.resolve(null);
    }
    live.state = "starting";
    document.body.classList.add("nnfs-live-starting");
    live.clicked = performance.now();
    status(t("Starting a Python kernel on {server} …", { server: server.baseUrl }), "info", near);
    live.promise = (window.thebe && window.thebe.bootstrap ? Promise.resolve() : loadScript(ASSETS + "thebe/index.js"))
      .then(function () {
        var cells = markCells();
        live.cells = cells.length;
        var kernel = window.kernelName || "python3";
        return window.thebe.bootstrap({
          useBinder: false, useJupyterLite: false, requestKernel: true,
          mountActivateWidget: false, mountStatusWidget: false,
          selector: "[data-executable]", outputSelector: "[data-output]", predefinedOutput: true,
          serverSettings: { baseUrl: server.baseUrl, token: server.token, appendToken: true,
                            wsUrl: server.baseUrl.replace(/^http/, "ws") },
          kernelOptions: { name: kernel, kernelName: kernel,
                           path: server.kernelPath != null ? server.kernelPath : pageFolder() },
          mathjaxUrl: ASSETS + "mathjax/MathJax.js", mathjaxConfig: "TeX-AMS_CHTML",
          codeMirrorConfig: { mode: "python" },
        });
      })
      .then(function (started) {
        if (!started || !started.session) throw new Error("the server started no kernel");
        live.kernelReady = performance.now();
        live.state = "running";
        status(t("Kernel ready: running the chapter's {cells} cells …", { cells: live.cells }));
        var first = new MutationObserver(function () {
          if (!live.firstOutput && document.querySelector(".thebe-output .jp-OutputArea-child, [data-output] .jp-OutputArea-child")) {
            live.firstOutput = performance.now();
            first.disconnect();
          }
        });
        first.observe(document.body, { childList: true, subtree: true });
        return started.notebook.executeAll(true);
      })
      .then(function (results) {
        var failed = (results || []).filter(function (r) { return !r || r.error; }).length;
        live.done = performance.now();
        live.state = failed ? "error" : "live";
        status(failed ? t("A cell failed: see its output below. The cells after it did not run.")
                      : t("Live: every cell ran on {server}; the sliders now recompute the figures.", { server: server.baseUrl }),
               failed ? "error" : "ok");
        document.body.classList.add("nnfs-live");
        return live;
      })
      .catch(function (error) {
        live.state = "error";
        live.error = String(error && error.message || error);
        status(t("Live code could not start: {error}. Is the Jupyter server running, and does it allow this page's origin ({origin})?", { error: live.error, origin: location.origin }), "error");
        console.warn("[live]", error);
        return live;
      });
    return live.promise;
  }
  window.nnfsStartLive = startLive;

  // The theme's "Live Code" button calls initThebeSBT(), and sphinx-thebe's initThebe()
  // would fetch thebe 0.8 from a CDN and assume Binder: take over both.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".btn-launch-thebe, .thebe-launch-button");
    if (!button) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    closeMenu(button);
    startLive(button);
  }, true);
  // The click never reaches Bootstrap (taken over above), so close the rocket menu here:
  // left open, it would cover the status line.
  function closeMenu(button) {
    var menu = button.closest(".dropdown");
    if (!menu) return;
    var toggle = menu.querySelector("[data-bs-toggle=dropdown]");
    if (toggle && window.bootstrap && window.bootstrap.Dropdown) {
      window.bootstrap.Dropdown.getOrCreateInstance(toggle).hide();
      return;
    }
    menu.querySelectorAll(".show").forEach(function (e) { e.classList.remove("show"); });
    if (toggle) toggle.setAttribute("aria-expanded", "false");
  }

  // With no published repository (repository.url unset in _config.yml) the theme draws no
  // rocket menu, so a chapter gets its own "Live Code" button in the header.
  function addHeaderButton() {
    if (document.querySelector(".btn-launch-thebe, .thebe-launch-button")) return;
    if (!document.querySelector("div.cell .cell_input")) return;
    var bar = document.querySelector(".article-header-buttons");
    if (!bar) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-launch-thebe nnfs-header-live";
    button.title = t("Live Code: run this chapter on a Jupyter kernel");
    button.setAttribute("aria-label", button.title);
    button.innerHTML = '<i class="fas fa-rocket" aria-hidden="true"></i> <span></span>';
    button.querySelector("span").textContent = t("Live Code");
    bar.insertBefore(button, bar.firstChild);
  }

  // The language switch (nnfs_i18n) is a theme link button, which opens a new tab: stay in this one.
  function languageSwitch() {
    document.querySelectorAll("a.btn-nnfs-language").forEach(function (a) { a.removeAttribute("target"); });
  }

  function takeOver() {
    window.initThebe = function () { return startLive(); };
    window.initThebeSBT = window.initThebe;
  }
  takeOver();
  window.addEventListener("load", takeOver);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addHeaderButton);
    document.addEventListener("DOMContentLoaded", languageSwitch);
    document.addEventListener("DOMContentLoaded", startObserving);
  } else {
    addHeaderButton();
    languageSwitch();
    startObserving();
  }
})();
