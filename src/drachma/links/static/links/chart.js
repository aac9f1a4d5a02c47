// The link chart page: draws the chart the API returns with Cytoscape.js, and lets the user
// switch layouts, expand an entity, find the shortest connection and save a PNG. A static
// file (the Content-Security-Policy allows no inline script); what it draws is also listed in
// the page's table, for those who do not use the picture.
(function () {
  "use strict";

  var COLOURS = {
    group: "#d4351c",
    account: "#f47738",
    person: "#1d70b8",
    incident: "#00703c",
    footage: "#912b88",
    report: "#5694ca",
    exhibit: "#505a5f",
    phone: "#b58840",
    handle: "#28a197",
  };
  var SHAPES = {
    group: "hexagon",
    account: "round-rectangle",
    person: "ellipse",
    incident: "diamond",
    footage: "rectangle",
    report: "tag",
    exhibit: "barrel",
    phone: "triangle",
    handle: "vee",
  };

  var box = document.getElementById("link-chart");
  if (!box || typeof window.cytoscape !== "function") {
    return;
  }
  var layoutSelect = document.getElementById("chart-layout");
  var expandButton = document.getElementById("chart-expand");
  var pngButton = document.getElementById("chart-png");
  var selectedText = document.getElementById("chart-selected");
  var pathForm = document.getElementById("chart-path");
  var pathResult = document.getElementById("path-result");
  var query = box.dataset.query || "";
  var selected = null;

  function label(node) {
    return node.label + (node.not_shown ? " (+" + node.not_shown + " not shown)" : "");
  }

  function elements(data) {
    var els = [];
    data.nodes.forEach(function (n) {
      els.push({
        group: "nodes",
        data: {
          id: n.id,
          label: label(n),
          name: n.label,
          type: n.type,
          typeLabel: n.type_label,
          notShown: n.not_shown,
          url: n.url,
          degree: n.degree,
          colour: COLOURS[n.type] || "#0b0c0c",
          shape: SHAPES[n.type] || "ellipse",
        },
      });
    });
    data.links.forEach(function (l) {
      els.push({
        group: "edges",
        data: {
          id: l.id,
          source: l.source,
          target: l.target,
          label: l.label + (l.count > 1 ? " ×" + l.count : ""),
          kind: l.kind,
        },
      });
    });
    return els;
  }

  function layoutOptions(name) {
    var options = { name: name, animate: false, fit: true, padding: 20 };
    if (name === "concentric" || name === "breadthfirst") {
      options.roots = "#" + CSS.escape(box.dataset.start);
    }
    if (name === "concentric") {
      options.concentric = function (node) {
        return node.id() === box.dataset.start ? 10 : node.degree();
      };
      options.levelWidth = function () {
        return 2;
      };
    }
    if (name === "cose") {
      options.numIter = 500;
      options.randomize = true;
    }
    return options;
  }

  var cy;

  function runLayout() {
    var name = layoutSelect ? layoutSelect.value : "cose";
    if (cy.nodes().length > 1500 && name === "cose") {
      name = "grid"; // a force-directed layout of thousands of entities takes too long
    }
    cy.layout(layoutOptions(name)).run();
  }

  function show(node) {
    selected = node;
    if (!node) {
      selectedText.textContent = "Select an entity to see it here.";
      expandButton.disabled = true;
      return;
    }
    var d = node.data();
    selectedText.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = d.name;
    selectedText.appendChild(strong);
    selectedText.appendChild(
      document.createTextNode(
        " (" + d.typeLabel + "), " + node.degree() + " link" + (node.degree() === 1 ? "" : "s") +
          " drawn" + (d.notShown ? ", " + d.notShown + " more not shown" : "") + ". "
      )
    );
    if (d.url) {
      var a = document.createElement("a");
      a.className = "govuk-link";
      a.href = d.url;
      a.textContent = "Open the record";
      selectedText.appendChild(a);
    }
    expandButton.disabled = false;
  }

  function load(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            var errors = (body && body.errors) || [];
            throw new Error(
              errors.map(function (e) { return e.field + ": " + e.message; }).join("; ") ||
                "The chart could not be read."
            );
          }
          return body;
        });
      });
  }

  // Past this many entities the chart is drawn for speed: no link labels or arrows, labels
  // only when zoomed in enough to read them, a cached picture while panning.
  var LARGE = 800;

  function stylesheet(large) {
    return [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          shape: "data(shape)",
          label: "data(label)",
          "font-size": 10,
          "min-zoomed-font-size": large ? 8 : 0,
          "text-valign": "bottom",
          "text-margin-y": 3,
          "text-wrap": "ellipsis",
          "text-max-width": 140,
          width: 22,
          height: 22,
        },
      },
      { selector: "node[notShown > 0]", style: { "border-width": 3, "border-style": "dashed", "border-color": "#0b0c0c" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffdd00", "border-style": "solid" } },
      { selector: "node.on-path", style: { "border-width": 4, "border-color": "#ffdd00" } },
      {
        selector: "edge",
        style: large
          ? { width: 1, "line-color": "#8e9ba3", "curve-style": "haystack" }
          : {
              width: 1.5,
              "line-color": "#8e9ba3",
              "target-arrow-color": "#8e9ba3",
              "target-arrow-shape": "triangle",
              "curve-style": "bezier",
              label: "data(label)",
              "font-size": 8,
              "text-rotation": "autorotate",
              color: "#505a5f",
            },
      },
      { selector: "edge.on-path", style: { width: 4, "line-color": "#0b0c0c", "target-arrow-color": "#0b0c0c" } },
    ];
  }

  function draw(data) {
    var large = data.nodes.length > LARGE;
    cy = window.cytoscape({
      container: box,
      elements: elements(data),
      layout: { name: "preset" }, // laid out once, below, by the chosen layout
      wheelSensitivity: 0.3,
      style: stylesheet(large),
      textureOnViewport: large,
      hideEdgesOnViewport: large,
      pixelRatio: large ? 1 : "auto",
    });
    cy.on("tap", "node", function (event) { show(event.target); });
    cy.on("tap", function (event) { if (event.target === cy) { show(null); } });
    runLayout();
    cy.one("render", function () {
      box.dataset.linksReady = String(cy.nodes().length);
    });
    cy.resize();
  }

  function withoutDepth() {
    return query ? "&" + query : "";
  }

  function expand(id) {
    var base = box.dataset.chartUrl.split("?")[0];
    var url = base.replace(/\/charts\/[^/]+$/, "/charts/" + encodeURIComponent(id)) + "?depth=1" + withoutDepth();
    var node = cy.getElementById(id);
    var name = node.nonempty() ? node.data("name") : id;
    expandButton.disabled = true;
    return load(url)
      .then(function (data) {
        var fresh = elements(data).filter(function (el) { return cy.getElementById(el.data.id).empty(); });
        cy.add(fresh);
        data.nodes.forEach(function (n) {
          var drawn = cy.getElementById(n.id);
          drawn.data("notShown", n.not_shown);
          drawn.data("label", label(n));
        });
        runLayout();
        cy.$(":selected").unselect();
        cy.getElementById(id).select();
        selectedText.textContent = "Expanded " + name + ": " +
          fresh.filter(function (el) { return el.group === "nodes"; }).length + " entities added.";
        box.dataset.linksReady = String(cy.nodes().length);
        box.dataset.expanded = String(Number(box.dataset.expanded || 0) + 1);
        expandButton.disabled = !selected;
      })
      .catch(function (error) {
        selectedText.textContent = error.message;
        expandButton.disabled = !selected;
      });
  }

  expandButton.addEventListener("click", function () {
    if (selected) {
      expand(selected.id());
    }
  });

  // The table's buttons expand without the pointer (the keyboard's way into the chart).
  document.querySelectorAll("button[data-expand]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (cy) {
        expand(button.dataset.expand);
        box.scrollIntoView({ block: "center" });
      }
    });
  });

  layoutSelect.addEventListener("change", runLayout);

  pngButton.addEventListener("click", function () {
    var blob = cy.png({ full: true, output: "blob", bg: "#ffffff", scale: 2 });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "link-chart-" + box.dataset.start.replace(/[^A-Za-z0-9]+/g, "-") + ".png";
    a.hidden = true;
    a.textContent = "Download the chart as PNG";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  });

  pathForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var end = document.getElementById("path-end").value.trim();
    if (!end) {
      pathResult.textContent = "Give the entity to connect to, as type:key.";
      return;
    }
    var url = box.dataset.pathUrl.replace("END", encodeURIComponent(end));
    var dates = new URLSearchParams(query);
    dates.delete("depth");
    load(url + (dates.toString() ? "?" + dates.toString() : ""))
      .then(function (data) {
        cy.elements().removeClass("on-path");
        if (!data.path.length) {
          pathResult.textContent = "No connection within six links that your role may see.";
          return;
        }
        var fresh = elements(data).filter(function (el) { return cy.getElementById(el.data.id).empty(); });
        cy.add(fresh);
        data.nodes.forEach(function (n) { cy.getElementById(n.id).addClass("on-path"); });
        data.links.forEach(function (l) { cy.getElementById(l.id).addClass("on-path"); });
        if (fresh.length) {
          runLayout();
        }
        pathResult.textContent = "Connected in " + (data.path.length - 1) + " link" +
          (data.path.length === 2 ? "" : "s") + ": " +
          data.nodes.map(function (n) { return n.label; }).join(" → ") + ".";
      })
      .catch(function (error) { pathResult.textContent = error.message; });
  });

  load(box.dataset.chartUrl)
    .then(draw)
    .catch(function (error) {
      box.textContent = error.message;
      box.dataset.linksReady = "error";
    });
})();
