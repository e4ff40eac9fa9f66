/* The book's own glue for the offline and live HTML (served from <site>/_offline/live.js).
 *
 * 1. Alt text: an ipywidgets Image has no alt attribute in its model, so
 *    nnlib's View.widget() puts the figure's description in a hidden HTML
 *    widget (class nnfs-alt) beside the image; this copies it into the
 *    <img>'s alt, for saved and live widgets alike.
 * 2. Live code: "Live Code" (the rocket menu) starts a kernel on a Jupyter
 *    server, runs the chapter's cells in page order with each output under
 *    its own cell, and the sliders then recompute the figure in the page.
 *    thebe is loaded from this site, never from a CDN.
 *
 * Which server: open any page once with ?jupyter=URL&token=TOKEN (what
 * `make serve` prints); the page keeps both in localStorage for the other
 * pages. Optional: &kernel_path=DIR, the kernel's working directory relative
 * to the server's root (default: the page's folder, e.g. "book").
 * ?jupyter=off forgets them.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ASSETS = new URL(".", script ? script.src : location.href).href; // .../_offline/
  var SITE_ROOT = new URL("..", ASSETS).href;
  var STORE = "nnfs-live-server";
  var CDN_REQUIREJS = "https://cdnjs.cloudflare.com/ajax/libs/require.js/";

  // ---- 1. alt text for widget images ---------------------------------------
  function describeImages() {
    document.querySelectorAll("img.widget-image").forEach(function (img) {
      var box = img.parentElement, described = null;
      while (box && !described) {
        described = box.querySelector(".nnfs-alt");
        box = box.parentElement;
      }
      var text = described && described.textContent.trim();
      if (text && img.getAttribute("alt") !== text) img.setAttribute("alt", text);
      else if (!text && !img.getAttribute("alt")) img.setAttribute("alt", "Interactive figure: move the sliders above it");
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

  function status(text, kind) {
    var box = document.querySelector(".nnfs-live-status");
    if (!box) {
      box = document.createElement("div");
      box.className = "nnfs-live-status";
      box.setAttribute("role", "status");
      var heading = document.querySelector("main h1, article h1, h1");
      (heading || document.body.firstChild).insertAdjacentElement(heading ? "afterend" : "beforebegin", box);
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
      var output = Array.prototype.find.call(cell.children, function (c) { return c.classList.contains("cell_output"); });
      if (!output) {
        output = document.createElement("div");
        output.className = "cell_output docutils container";
        cell.appendChild(output);
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
    return rel.split("/").slice(0, -1).join("/");
  }

  var live = (window.nnfsLive = { state: "idle" });

  function startLive() {
    if (live.state !== "idle") return live.promise;
    if (!server) {
      status("Live code needs a Jupyter server. In the book's folder run `make serve` and open the address it " +
        "prints, or open this page with ?jupyter=SERVER_URL&token=TOKEN (see the README).", "error");
      return Promise.resolve(null);
    }
    live.state = "starting";
    live.clicked = performance.now();
    status("Starting a Python kernel on " + server.baseUrl + " …");
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
        status("Kernel ready: running the chapter's " + live.cells + " cells …");
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
        status(failed ? "A cell failed: see its output below. The cells after it did not run."
                      : "Live: every cell ran on " + server.baseUrl + "; the sliders now recompute the figures.",
               failed ? "error" : "ok");
        document.body.classList.add("nnfs-live");
        return live;
      })
      .catch(function (error) {
        live.state = "error";
        live.error = String(error && error.message || error);
        status("Live code could not start: " + live.error + ". Is the Jupyter server running, and does it allow " +
          "this page's origin (" + location.origin + ")?", "error");
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
    startLive();
  }, true);
  function takeOver() { window.initThebe = startLive; window.initThebeSBT = startLive; }
  takeOver();
  window.addEventListener("load", takeOver);

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startObserving);
  else startObserving();
})();
