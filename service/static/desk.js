// The triage desk: classify one complaint or a CSV batch, correct labels, work the
// review queue. Talks only to this service's own API.
"use strict";

const state = { labels: [], batch: [], queue: [], queuePos: 0, current: null };
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = Array.isArray(data.detail)
      ? data.detail.map((d) => d.msg).join("; ")
      : data.detail || response.statusText;
    throw new Error(detail);
  }
  return data;
}

function labelName(id) {
  const found = state.labels.find((label) => label.id === id);
  return found ? found.name : id;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Wrap the deciding words in <mark>, matching case-insensitively in the original text.
function highlight(text, terms) {
  const words = terms.map((t) => t.term).filter((t) => t.length > 1).sort((a, b) => b.length - a.length);
  const original = text.normalize("NFC");
  if (!words.length) return escapeHtml(original);
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "giu");
  let html = "";
  let last = 0;
  for (const match of original.matchAll(pattern)) {
    const before = original[match.index - 1];
    const after = original[match.index + match[0].length];
    if ((before && /[\p{L}\p{N}]/u.test(before)) || (after && /[\p{L}\p{N}]/u.test(after))) continue;
    html += escapeHtml(original.slice(last, match.index)) + "<mark>" + escapeHtml(match[0]) + "</mark>";
    last = match.index + match[0].length;
  }
  return html + escapeHtml(original.slice(last));
}

function correctionButtons(container, current, onPick) {
  container.replaceChildren();
  state.labels.forEach((label, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.label = label.id;
    button.textContent = `${i + 1}. ${label.name}`;
    if (label.id === current) button.classList.add("current");
    button.addEventListener("click", () => onPick(label.id));
    container.append(button);
  });
}

async function sendFeedback(text, correct, predicted, statusEl) {
  statusEl.className = "";
  statusEl.textContent = "Đang gửi phản hồi…";
  try {
    const saved = await api("/v1/feedback", { text, correct_label: correct, predicted_label: predicted });
    statusEl.className = "ok";
    statusEl.textContent = `Đã lưu phản hồi #${saved.id}: ${labelName(correct)}`;
    return true;
  } catch (error) {
    statusEl.className = "error";
    statusEl.textContent = `Chưa lưu được phản hồi: ${error.message}`;
    return false;
  }
}

async function classifyOne() {
  const text = $("complaint").value;
  const status = $("single-status");
  status.className = "";
  status.textContent = "Đang phân loại…";
  try {
    const result = await api("/v1/classify", { text });
    state.current = { text, result };
    status.textContent = "";
    $("result").hidden = false;
    $("result-label").textContent = `${result.label_name} (${result.label})`;
    $("result-label").dataset.label = result.label;
    $("result-review").hidden = !result.needs_review;
    $("result-department").textContent = result.department.name;
    $("result-confidence").textContent = `${Math.round(result.confidence * 100)}%`;
    $("result-secondary").textContent = result.secondary_label ? labelName(result.secondary_label) : "—";
    $("result-version").textContent = result.model_version;
    $("result-text").innerHTML = highlight(text, result.explanation);
    $("feedback-status").textContent = "";
    correctionButtons($("corrections"), result.label, (label) =>
      sendFeedback(text, label, result.label, $("feedback-status")));
  } catch (error) {
    status.className = "error";
    status.textContent = `Lỗi: ${error.message}`;
  }
}

// A small RFC 4180 CSV parser: quoted fields, doubled quotes, CRLF, newlines in quotes.
function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.some((v) => v.trim()));
}

function toCsv(rows) {
  const cell = (v) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return rows.map((r) => r.map(cell).join(",")).join("\n") + "\n";
}

async function classifyFile(file) {
  const status = $("batch-status");
  status.className = "";
  const rows = parseCsv((await file.text()).replace(/^\uFEFF/, ""));
  const header = (rows.shift() || []).map((h) => h.trim());
  const textAt = header.indexOf("text");
  const idAt = header.indexOf("id");
  if (textAt < 0) {
    status.className = "error";
    status.textContent = "Tệp cần có cột text ở dòng đầu.";
    return;
  }
  const all = rows.map((r, i) => ({ id: idAt >= 0 ? r[idAt] : String(i + 1), text: r[textAt] || "" }));
  const items = all.filter((item) => item.text.trim());
  const skipped = all.length - items.length;
  state.batch = [];
  for (let start = 0; start < items.length; start += 500) {
    status.textContent = `Đang phân loại ${Math.min(start + 500, items.length)}/${items.length}…`;
    try {
      const answer = await api("/v1/classify/batch", { items: items.slice(start, start + 500) });
      answer.results.forEach((result, i) => state.batch.push({ ...result, text: items[start + i].text }));
    } catch (error) {
      status.className = "error";
      status.textContent = `Lỗi: ${error.message}`;
      return;
    }
  }
  renderBatch();
  state.queue = state.batch.filter((r) => r.needs_review);
  state.queuePos = 0;
  renderQueue();
  status.textContent = `Đã phân loại ${state.batch.length} phản ánh; ${state.queue.length} cần xem lại.` +
    (skipped ? ` Bỏ qua ${skipped} dòng trống (không có nội dung).` : "");
  $("download").disabled = false;
}

function renderBatch() {
  const body = $("batch-table").querySelector("tbody");
  body.replaceChildren();
  for (const r of state.batch) {
    const tr = document.createElement("tr");
    if (r.needs_review) tr.className = "review";
    for (const [value, cls] of [[r.id, ""], [r.text, "text"], [r.label_name, ""], [r.department.name, ""],
      [`${Math.round(r.confidence * 100)}%`, ""], [r.needs_review ? "Có" : "", ""]]) {
      const td = document.createElement("td");
      td.textContent = value;
      if (cls) td.className = cls;
      tr.append(td);
    }
    body.append(tr);
  }
  $("batch-table").hidden = false;
}

function download() {
  const rows = [["id", "text", "predicted_label", "label_name", "department", "confidence", "needs_review"]];
  for (const r of state.batch) {
    rows.push([r.id, r.text, r.label, r.label_name, r.department.id, r.confidence.toFixed(4), r.needs_review]);
  }
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = "phan-loai.csv";
  link.click();
  URL.revokeObjectURL(url);
}

function renderQueue() {
  $("queue-count").textContent = String(state.queue.length);
  const item = state.queue[state.queuePos];
  $("queue-empty").hidden = Boolean(item);
  $("queue-item").hidden = !item;
  if (!item) return;
  $("queue-pos").textContent = `${state.queuePos + 1} / ${state.queue.length}`;
  $("queue-text").innerHTML = highlight(item.text, item.explanation);
  $("queue-label").textContent = item.label_name;
  $("queue-confidence").textContent = `${Math.round(item.confidence * 100)}%`;
  correctionButtons($("queue-choices"), item.label, (label) => resolveQueueItem(label));
}

async function resolveQueueItem(label) {
  const item = state.queue[state.queuePos];
  if (!item) return;
  if (label !== item.label) {
    if (!(await sendFeedback(item.text, label, item.label, $("queue-status")))) return;
  } else {
    $("queue-status").className = "ok";
    $("queue-status").textContent = `Giữ nhãn ${item.label_name}.`;
  }
  state.queue.splice(state.queuePos, 1);
  state.queuePos = Math.min(state.queuePos, Math.max(0, state.queue.length - 1));
  renderQueue();
}

function showView(name) {
  for (const view of ["single", "batch", "queue"]) {
    $(`view-${view}`).hidden = view !== name;
    $(`tab-${view}`).setAttribute("aria-selected", String(view === name));
  }
}

document.addEventListener("keydown", (event) => {
  if ($("view-single").hidden === false && event.ctrlKey && event.key === "Enter") classifyOne();
  if ($("view-queue").hidden || event.target.tagName === "TEXTAREA" || event.target.tagName === "INPUT") return;
  const item = state.queue[state.queuePos];
  if (event.key === "j") { state.queuePos = Math.min(state.queuePos + 1, Math.max(0, state.queue.length - 1)); renderQueue(); }
  else if (event.key === "k") { state.queuePos = Math.max(state.queuePos - 1, 0); renderQueue(); }
  else if (/^[1-6]$/.test(event.key) && item) resolveQueueItem(state.labels[Number(event.key) - 1].id);
  else if (event.key === "Enter" && item) resolveQueueItem(item.label);
});

document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => showView(b.dataset.view)));
$("classify").addEventListener("click", classifyOne);
$("csv-file").addEventListener("change", (e) => e.target.files[0] && classifyFile(e.target.files[0]));
$("download").addEventListener("click", download);
api("/v1/labels").then((labels) => { state.labels = labels; renderQueue(); })
  .catch((error) => { $("single-status").textContent = `Không tải được danh sách nhãn: ${error.message}`; });
