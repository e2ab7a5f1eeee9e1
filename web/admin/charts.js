/* Line charts in inline SVG from the performance route's `series` (one
 * point per minute). SVG elements built with createElementNS and text
 * through textContent: no markup strings, nothing for the CSP to refuse
 * (presentation attributes, not style attributes). */
"use strict";

DF.chart = (function () {
	var NS = "http://www.w3.org/2000/svg";
	var W = 600, H = 200, L = 48, R = 10, T = 10, B = 26;

	function svg(tag, attrs, text) {
		var e = document.createElementNS(NS, tag);
		Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
		if (text !== undefined) e.textContent = String(text);
		return e;
	}

	/* A "nice" axis maximum: 1, 2 or 5 times a power of ten. */
	function niceMax(v) {
		if (!(v > 0)) return 1;
		var p = Math.pow(10, Math.floor(Math.log10(v)));
		var m = v / p;
		return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
	}

	function hhmm(iso) {
		var m = /T(\d\d:\d\d)/.exec(String(iso || ""));
		return m ? m[1] : "";
	}

	/* Draws points [{t, v}] into node; label names the quantity (for the
	 * accessible title). Replaces whatever the node held. */
	function line(node, points, label, unit) {
		DF.clear(node);
		var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img",
			"class": "chart-svg", "data-points": points.length });
		s.appendChild(svg("title", {}, label));
		var max = niceMax(points.reduce(function (a, p) { return Math.max(a, p.v); }, 0));
		var pw = W - L - R, ph = H - T - B;
		var x = function (i) { return L + (points.length > 1 ? i * pw / (points.length - 1) : pw / 2); };
		var y = function (v) { return T + ph - (v / max) * ph; };

		/* Grid and axis labels: 0, half, max. */
		[0, max / 2, max].forEach(function (g) {
			s.appendChild(svg("line", { x1: L, x2: W - R, y1: y(g), y2: y(g), "class": "grid" }));
			s.appendChild(svg("text", { x: L - 6, y: y(g) + 4, "text-anchor": "end", "class": "axis" },
				Math.round(g * 1000) / 1000));
		});
		if (points.length) {
			/* First, middle, last minute; the ends anchored inward so
			 * that no label is cut at the edge. */
			[[0, "start"], [Math.floor((points.length - 1) / 2), "middle"],
				[points.length - 1, "end"]].forEach(function (a) {
				s.appendChild(svg("text", { x: x(a[0]), y: H - 8, "text-anchor": a[1], "class": "axis" },
					hhmm(points[a[0]].t)));
			});
		}
		if (points.length === 0) {
			s.appendChild(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", "class": "axis" },
				"no data"));
			node.appendChild(s);
			return;
		}

		var d = points.map(function (p, i) {
			return (i ? "L" : "M") + x(i).toFixed(1) + " " + y(p.v).toFixed(1);
		}).join(" ");
		var area = d + " L" + x(points.length - 1).toFixed(1) + " " + y(0) +
			" L" + x(0).toFixed(1) + " " + y(0) + " Z";
		s.appendChild(svg("path", { d: area, "class": "area" }));
		s.appendChild(svg("path", { d: d, "class": "line", "data-series": label }));
		/* One dot per non-zero minute, with its value as a tooltip. */
		points.forEach(function (p, i) {
			if (!(p.v > 0)) return;
			var c = svg("circle", { cx: x(i).toFixed(1), cy: y(p.v).toFixed(1), r: 2.5, "class": "dot" });
			c.appendChild(svg("title", {}, hhmm(p.t) + " UTC: " + p.v + (unit ? " " + unit : "")));
			s.appendChild(c);
		});
		node.appendChild(s);
	}

	return { line: line };
})();
