// The review page. Every piece of document text goes into the page as a text node
// (textContent / createTextNode), never as markup: scraped text can hold <script>.
"use strict";

const state = { run: null, doc: null, index: 0, selected: null, editing: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// -- talking to the server -----------------------------------------------------------------

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function say(text, bad) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("bad", Boolean(bad));
}

async function guarded(work) {
  try {
    await work();
  } catch (error) {
    say("not saved: " + error.message, true);
  }
}

// -- items: the changes, flags and removed lines of the current document -------------------

function items() {
  const doc = state.doc;
  const out = doc.edits.map((e) => ({ ...e, type: "change", kind: "change", score: null }));
  for (const f of doc.flags) out.push({ ...f, type: "flag" });
  for (const d of doc.drops) {
    out.push({ ...d, type: "drop", kind: "removed line", stage: "review", rule: "drop-line", score: null });
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);  // in text order, for j/k
}

function decisionOf(item) {
  return state.doc.decisions[item] || null;
}

function visibleItems() {
  const stage = $("f-stage").value;
  const kind = $("f-kind").value;
  const minScore = Number($("f-score").value);
  const undecided = $("f-undecided").checked;
  return items().filter((it) =>
    (!stage || it.stage === stage) &&
    (!kind || it.kind === kind) &&
    (it.score === null || it.score >= minScore) &&
    (!undecided || !decisionOf(it.item)));
}

function fillSelect(select, values) {
  const current = select.value;
  select.replaceChildren(el("option", { value: "" }, "all"));
  for (const value of [...new Set(values)].sort()) select.append(el("option", { value }, value));
  select.value = values.includes(current) ? current : "";
}

// -- rendering -----------------------------------------------------------------------------

function renderRun() {
  const list = $("doc-list");
  list.replaceChildren();
  let pending = 0;
  for (const d of state.run.documents) {
    pending += d.pending;
    const link = el("a", {
      href: "#", className: d.index === state.index ? "current" : null,
      onclick: (event) => { event.preventDefault(); guarded(() => openDoc(d.index)); },
    }, d.id, " ", el("span", { className: d.pending ? "pending" : "done" }, d.failed ? "failed" : String(d.pending)));
    list.append(el("li", {}, link));
  }
  const stale = state.run.stale ? `; ${state.run.stale} earlier decisions fit no item of this run` : "";
  $("pending-total").textContent = `${pending} undecided in ${state.run.documents.length} documents${stale}`;
  $("undo").disabled = !state.run.undo;
  $("undo").title = state.run.last_step ? `Undo: ${state.run.last_step} (u)` : "Nothing to undo";
}

function renderDoc() {
  const doc = state.doc;
  $("doc-title").textContent = doc.id;
  $("doc-source").textContent = doc.source;
  const decided = Object.keys(doc.decisions).length;
  $("doc-counts").textContent = doc.error ? `failed: ${doc.error}` :
    `${doc.edits.length} changes, ${doc.flags.length} flags, ${doc.pending} undecided, ${decided} decided`;
  $("conflicts").replaceChildren(...doc.conflicts.map((c) => el("li", {}, "conflict: " + c)));
  const all = items();
  fillSelect($("f-stage"), all.map((it) => it.stage));
  fillSelect($("f-kind"), all.map((it) => it.kind));
  renderText();
  renderItems();
}

function renderText() {
  const view = $("view").value;
  const pane = $("text-pane");
  const caption = el("p", { className: "counts" }, "the input \u2192 the text as your decisions leave it");
  if (view === "marked") pane.replaceChildren(markedText());
  else if (view === "inline") {
    pane.replaceChildren(caption, el("pre", { className: "text diff", id: "text" }, diffRuns("both")));
  } else {
    pane.replaceChildren(caption, el("div", { className: "side", id: "text" },
      el("pre", { className: "text diff before" }, diffRuns("before")),
      el("pre", { className: "text diff after" }, diffRuns("after"))));
  }
}

function diffRuns(side) {
  return state.doc.diff.flatMap(([op, text]) => {
    if (op === "equal") return [el("span", {}, text)];
    if (op === "delete" && side !== "after") return [el("del", {}, text)];
    if (op === "insert" && side !== "before") return [el("ins", {}, text)];
    return [];
  });
}

function statusClass(item) {
  const d = decisionOf(item);
  return d ? d.verdict === "accept" ? "accepted" : d.verdict === "reject" ? "rejected" : "custom" : "undecided";
}

// The cleaned text cut at every edge of a change, flag or removed line; each piece knows
// its offset (data-at) so that a selection can be turned back into a position.
function markedText() {
  const doc = state.doc;
  const text = doc.text;
  const cuts = new Set([0, text.length]);
  const spans = [...doc.edits, ...doc.flags, ...doc.drops];
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const pre = el("pre", { className: "text marked", id: "text" });
  for (let i = 0; i < points.length; i++) {
    const left = points[i];
    for (const e of doc.edits) {
      if (e.start === left && e.before) {
        pre.append(el("del", { className: `${statusClass(e.item)} ${sel(e.item)}`, "data-item": e.item,
          title: `${e.stage}:${e.rule}: ${e.reason}` }, shown(e.before)));
      }
    }
    if (i + 1 >= points.length) break;
    const right = points[i + 1];
    let node = el("span", { "data-at": left }, text.slice(left, right));
    const edit = doc.edits.find((e) => e.start <= left && left < e.end);
    if (edit) {
      node = el("ins", { className: `${statusClass(edit.item)} ${sel(edit.item)}`, "data-item": edit.item,
        title: `${edit.stage}:${edit.rule}: ${edit.reason}` }, node);
    }
    const flags = doc.flags.filter((f) => f.start <= left && left < f.end);
    if (flags.length) {
      const best = flags.reduce((a, b) => (b.score > a.score ? b : a));
      node = el("mark", { className: `flag ${best.kind} ${statusClass(best.item)} ${sel(best.item)}`,
        "data-item": best.item, title: `${best.kind} ${best.score.toFixed(2)}: ${best.message}` }, node);
    }
    const drop = doc.drops.find((d) => d.start <= left && left < d.end);
    if (drop) node = el("s", { className: `dropped ${sel(drop.item)}`, "data-item": drop.item }, node);
    pre.append(node);
  }
  pre.addEventListener("click", (event) => {
    const target = event.target.closest("[data-item]");
    if (target) select(target.getAttribute("data-item"));
  });
  return pre;
}

function sel(item) {
  return item === state.selected ? "selected" : "";
}

function shown(text) {
  // A change that is only white space gets visible symbols.
  return text.trim() ? text : text.replace(/ /g, "\u2423").replace(/\n/g, "\u00b6\n").replace(/\t/g, "\u2192");
}

function renderItems() {
  const box = $("items");
  const visible = visibleItems();
  box.replaceChildren(el("p", { className: "counts" }, `${visible.length} of ${items().length} shown`));
  for (const it of visible) box.append(itemCard(it));
  const current = box.querySelector(".item.selected");
  if (current) current.scrollIntoView({ block: "nearest" });
}

function itemCard(it) {
  const decision = decisionOf(it.item);
  const status = statusClass(it.item);
  const card = el("div", {
    className: `item ${it.type} ${status} ${sel(it.item)}`, "data-item": it.item, "data-status": status,
    onclick: () => select(it.item),
  });
  const title = it.type === "flag" ? `${it.kind} · ${it.stage}:${it.rule} · score ${it.score.toFixed(2)}`
    : it.type === "change" ? `change · ${it.stage}:${it.rule}` : "line removed by you";
  card.append(el("div", { className: "head" }, el("span", {}, title), el("span", { className: "badge" }, status)));
  if (it.type === "change") {
    card.append(el("div", { className: "pair" }, el("del", {}, shown(it.before)), " \u2192 ",
      el("ins", {}, shown(it.after))), el("div", { className: "reason" }, it.reason));
  } else if (it.type === "flag") {
    card.append(el("div", {}, el("q", {}, it.text), " ", it.message));
    const evidence = Object.entries(it.evidence).map(([k, v]) =>
      `${k}=${typeof v === "number" && !Number.isInteger(v) ? v.toPrecision(3) : v}`);
    if (evidence.length) card.append(el("div", { className: "evidence" }, evidence.join(", ")));
    const suggestions = el("div", { className: "suggestions" }, "suggestions: ");
    for (const s of it.suggestions) {
      const chosen = decision && decision.verdict === "accept" && decision.text === s;
      suggestions.append(el("button", { type: "button", className: chosen ? "chosen" : null,
        onclick: (event) => { event.stopPropagation(); guarded(() => decide(it.item, "accept", s)); } }, s), " ");
    }
    if (!it.suggestions.length) suggestions.append("none");
    card.append(suggestions);
  } else {
    card.append(el("div", {}, el("del", {}, shown(state.doc.text.slice(it.start, it.end)))));
  }
  if (decision && decision.verdict === "custom") card.append(el("div", { className: "own" }, "your text: ", el("ins", {}, shown(decision.text))));
  card.append(actions(it));
  if (state.editing === it.item) card.append(ownTextForm(it));
  return card;
}

function actions(it) {
  const stop = (fn) => (event) => { event.stopPropagation(); guarded(fn); };
  const row = el("div", { className: "actions" });
  if (it.type !== "drop") {
    row.append(
      el("button", { type: "button", onclick: stop(() => accept(it)) }, "Accept (a)"),
      el("button", { type: "button", onclick: stop(() => decide(it.item, "reject")) }, "Reject (r)"),
      el("button", { type: "button", onclick: stop(async () => { startEditing(it.item); }) }, "Own text (e)"));
  }
  row.append(el("button", { type: "button", onclick: stop(() => decide(it.item, null)) }, "Clear (c)"));
  if (it.type !== "drop") {
    row.append(el("span", { className: "bulk" }, `all ${it.rule}: `,
      el("button", { type: "button", onclick: stop(() => bulk("accept", { rule: it.rule, stage: it.stage })) }, "accept"),
      el("button", { type: "button", onclick: stop(() => bulk("reject", { rule: it.rule, stage: it.stage })) }, "reject"),
      ` · all ${it.stage}: `,
      el("button", { type: "button", onclick: stop(() => bulk("accept", { stage: it.stage })) }, "accept"),
      el("button", { type: "button", onclick: stop(() => bulk("reject", { stage: it.stage })) }, "reject")));
  }
  return row;
}

function ownTextForm(it) {
  const decision = decisionOf(it.item);
  const initial = decision && decision.text !== undefined ? decision.text : it.type === "change" ? it.after : it.text;
  const input = el("textarea", { className: "own-text", rows: 2, "aria-label": "your correction" });
  input.value = initial;
  const save = () => guarded(async () => { state.editing = null; await decide(it.item, "custom", input.value); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); save(); }
    if (event.key === "Escape") { state.editing = null; renderItems(); }
  });
  setTimeout(() => input.focus(), 0);
  return el("div", { className: "own-form" }, input,
    el("button", { type: "button", onclick: (event) => { event.stopPropagation(); save(); } }, "Save"));
}

// -- actions -------------------------------------------------------------------------------

function select(item) {
  state.selected = item;
  renderText();
  renderItems();
}

function startEditing(item) {
  state.selected = item;
  state.editing = item;
  renderItems();
}

// The server counts characters in code points, as Python does; a JavaScript string counts
// UTF-16 units, in which a character beyond U+FFFF (an emoji) takes two. So the spans of a
// document are turned into units when it arrives, and a position picked in the page goes
// back to code points (pointAt) before it names an item.
function inUnits(doc) {
  doc.units = null;
  if (!/[\uD800-\uDFFF]/.test(doc.text)) return doc;
  const units = [0];  // units[i]: where code point i starts; the last entry is the length
  for (const ch of doc.text) units.push(units[units.length - 1] + ch.length);
  for (const s of [...doc.edits, ...doc.flags, ...doc.drops]) {
    s.start = units[s.start];
    s.end = units[s.end];
  }
  doc.units = units;
  return doc;
}

function pointAt(doc, unit) {
  if (!doc.units) return unit;
  let low = 0;
  let high = doc.units.length - 1;
  while (low < high) {  // the first code point starting at or after `unit`
    const middle = (low + high) >> 1;
    if (doc.units[middle] < unit) low = middle + 1; else high = middle;
  }
  return low;
}

async function openDoc(index, item) {
  state.index = index;
  state.doc = inUnits(await api(`/api/doc/${index}`));
  state.editing = null;
  state.selected = item !== undefined ? item : (visibleItems()[0] || {}).item || null;
  renderRun();
  renderDoc();
}

async function refreshRun() {
  state.run = await api("/api/run");
  renderRun();
}

async function decide(item, verdict, text) {
  const doc = await api("/api/decide", { doc: state.index, item, verdict, text });
  state.doc = inUnits(doc);
  state.editing = null;
  await refreshRun();
  renderDoc();
  say(verdict ? `saved: ${verdict} ${item}` : `saved: cleared ${item}`);
}

// Accept a change, or a flag's best suggestion; a flag without one asks for the reviewer's text.
async function accept(it) {
  if (it.type === "flag" && !it.suggestions.length) { startEditing(it.item); return false; }
  await decide(it.item, "accept", it.type === "flag" ? it.suggestions[0] : undefined);
  return true;
}

async function bulk(verdict, filter) {
  const body = { verdict, doc: $("bulk-everywhere").checked ? null : state.index, ...filter };
  const result = await api("/api/bulk", body);
  state.run = result;
  await openDoc(state.index, state.selected);
  say(`saved: ${verdict} ${result.count} items`);
}

async function bulkShown(verdict) {
  const kind = $("f-kind").value;
  const filter = {
    stage: $("f-stage").value || null,
    kind: kind || null,
    min_score: Number($("f-score").value) || null,
  };
  await bulk(verdict, filter);
}

async function undo() {
  const result = await api("/api/undo", {});
  state.run = result;
  if (result.undone === null) { say("nothing to undo"); return; }
  await openDoc(result.doc === null ? state.index : result.doc, result.item);
  say(`undone: ${result.undone}`);
}

function move(step) {
  const visible = visibleItems();
  if (!visible.length) return;
  const at = visible.findIndex((it) => it.item === state.selected);
  const next = at < 0 ? 0 : Math.min(visible.length - 1, Math.max(0, at + step));
  select(visible[next].item);
}

async function nextUndecided() {
  const visible = visibleItems();
  const at = visible.findIndex((it) => it.item === state.selected);
  const here = visible.slice(at + 1).concat(visible.slice(0, at + 1)).find((it) => !decisionOf(it.item));
  if (here) { select(here.item); return; }
  const docs = state.run.documents;
  for (let step = 1; step < docs.length; step++) {
    const d = docs[(state.index + step) % docs.length];
    if (d.pending) {
      await openDoc(d.index);
      const first = items().find((it) => !decisionOf(it.item));
      if (first) select(first.item);
      return;
    }
  }
  say("nothing left to decide");
}

async function dropSelectedLine() {
  const selection = window.getSelection();
  const anchor = selection && selection.anchorNode;
  const piece = anchor && (anchor.nodeType === Node.TEXT_NODE ? anchor.parentElement : anchor).closest("[data-at]");
  if (!piece) { say("select some text of the line to remove first (text with marks view)", true); return; }
  const text = state.doc.text;
  const at = Number(piece.getAttribute("data-at")) + selection.anchorOffset;
  const start = text.lastIndexOf("\n", at - 1) + 1;
  const newline = text.indexOf("\n", at);
  const end = newline < 0 ? text.length : newline + 1;
  if (end <= start) return;
  await decide(`x${pointAt(state.doc, start)}-${pointAt(state.doc, end)}`, "custom", "");
}

async function decideSelected(verdict) {
  const it = items().find((x) => x.item === state.selected);
  if (!it) return;
  if (verdict === "accept") { if (!(await accept(it))) return; } else if (verdict === "reject" && it.type !== "drop") await decide(it.item, "reject");
  else if (verdict === null) await decide(it.item, null);
  else return;
  move(1);
}

const keys = {
  j: () => move(1),
  k: () => move(-1),
  a: () => guarded(() => decideSelected("accept")),
  r: () => guarded(() => decideSelected("reject")),
  c: () => guarded(() => decideSelected(null)),
  e: () => state.selected && startEditing(state.selected),
  u: () => guarded(undo),
  n: () => guarded(nextUndecided),
  x: () => guarded(dropSelectedLine),
};

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest && event.target.closest("input, textarea, select")) return;
  const handler = keys[event.key];
  if (handler && state.doc) { event.preventDefault(); handler(); }
});

function start() {
  for (const id of ["f-stage", "f-kind", "f-undecided"]) $(id).addEventListener("change", renderItems);
  $("f-score").addEventListener("input", () => { $("f-score-out").textContent = Number($("f-score").value).toFixed(2); renderItems(); });
  $("view").addEventListener("change", renderText);
  $("undo").addEventListener("click", () => guarded(undo));
  $("bulk-accept").addEventListener("click", () => guarded(() => bulkShown("accept")));
  $("bulk-reject").addEventListener("click", () => guarded(() => bulkShown("reject")));
  guarded(async () => {
    await refreshRun();
    if (state.run.documents.length) await openDoc(0);
    document.body.setAttribute("data-ready", "1");
  });
}

start();
