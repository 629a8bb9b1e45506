/* Kernel-free explorers: each control picks one of the pictures pre-rendered at build time
   (tools/book/explorers.py), with the readout the live explorer shows for that setting.
   Plain DOM, no library, works from file:// and from any static server. */
(function () {
  "use strict";
  function setup(root) {
    var data = JSON.parse(root.querySelector("script.nnbook-data").textContent);
    var controls = Array.prototype.slice.call(root.querySelectorAll("[data-control]"));
    var img = root.querySelector("img.nnbook-frame");
    var readout = root.querySelector(".nnbook-readout");
    var base = root.getAttribute("data-base");
    var preloaded = {};
    function frameIndex() {
      var k = 0;
      for (var c = 0; c < data.sizes.length; c++) {
        k = k * data.sizes[c] + Number(controls[c].value);
      }
      return k;
    }
    function show() {
      var k = frameIndex();
      var frame = data.frames[k];
      controls.forEach(function (el, c) {
        var label = data.labels[c][Number(el.value)];
        if (el.type === "range") {
          el.setAttribute("aria-valuetext", label);
          var out = root.querySelector('output[for="' + el.id + '"]');
          if (out) out.textContent = label;
        }
      });
      img.src = base + frame[0];
      if (k === data.start && data.authorAlt) {
        img.alt = data.authorAlt;
      } else {
        img.alt = "The explorer's picture for " + controls.map(function (el, c) {
          return data.names[c] + " = " + data.labels[c][Number(el.value)];
        }).join(", ") + ".";
      }
      readout.innerHTML = frame[1];
      // the neighbours next, so that the next key press swaps at once
      [k - 1, k + 1].forEach(function (j) {
        if (j >= 0 && j < data.frames.length && !preloaded[j]) {
          preloaded[j] = new Image();
          preloaded[j].src = base + data.frames[j][0];
        }
      });
    }
    controls.forEach(function (el) {
      el.addEventListener("input", show);
      el.addEventListener("change", show);
    });
    root.classList.add("nnbook-ready");
  }
  function init() {
    var all = document.querySelectorAll(".nnbook-explorer");
    for (var i = 0; i < all.length; i++) setup(all[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
