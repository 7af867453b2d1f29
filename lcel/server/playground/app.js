// The lcel playground: a form from the input schema, Run (invoke) and Stream (stream_log).
// Plain browser JavaScript, no dependencies: the server ships this file as is.
"use strict";

const base = new URL("../", window.location.href); // the route prefix, e.g. /joke/
let schema = null;
let controller = null;

const $ = (id) => document.getElementById(id);

function resolve(node) {
  // follow a local "$ref" (#/$defs/Name) once
  if (node && typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
    let target = schema;
    for (const part of node.$ref.slice(2).split("/")) target = target ? target[part] : undefined;
    return target || node;
  }
  return node || {};
}

function kindOf(node) {
  node = resolve(node);
  if (node.type === "string" && !node.enum) return "string";
  if (node.type === "integer" || node.type === "number") return "number";
  if (node.type === "boolean") return "boolean";
  if (Array.isArray(node.enum) && node.enum.every((v) => typeof v === "string")) return "enum";
  return "json";
}

function field(name, node, required) {
  node = resolve(node);
  const kind = kindOf(node);
  const id = "field-" + name;
  const wrap = document.createElement("div");
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = node.title || name;
  const hint = document.createElement("span");
  hint.className = "hint";
  hint.textContent = " " + (kind === "json" ? "JSON" : kind) + (required ? "" : " (optional)");
  label.appendChild(hint);
  wrap.appendChild(label);
  let input;
  if (kind === "boolean") {
    input = document.createElement("input");
    input.type = "checkbox";
    input.checked = node.default === true;
  } else if (kind === "enum") {
    input = document.createElement("select");
    for (const value of node.enum) {
      const option = document.createElement("option");
      option.value = option.textContent = value;
      input.appendChild(option);
    }
  } else if (kind === "json") {
    input = document.createElement("textarea");
    input.rows = 4;
    input.spellcheck = false;
    input.value = node.default !== undefined ? JSON.stringify(node.default, null, 2) : "";
  } else {
    input = document.createElement("input");
    input.type = kind === "number" ? "number" : "text";
    if (node.default !== undefined) input.value = String(node.default);
  }
  input.id = id;
  input.name = name;
  input.dataset.kind = kind;
  input.dataset.required = required ? "1" : "";
  wrap.appendChild(input);
  return wrap;
}

function buildForm() {
  const fields = $("fields");
  fields.textContent = "";
  const root = resolve(schema);
  if (root.type === "object" && root.properties) {
    const required = new Set(root.required || []);
    for (const [name, node] of Object.entries(root.properties)) {
      fields.appendChild(field(name, node, required.has(name)));
    }
  } else {
    fields.appendChild(field("input", root, true));
  }
}

function readValue(input) {
  const kind = input.dataset.kind;
  if (kind === "boolean") return input.checked;
  if (input.value === "" && !input.dataset.required) return undefined;
  if (kind === "number") return Number(input.value);
  if (kind === "json") {
    try {
      return JSON.parse(input.value);
    } catch (error) {
      throw new Error(`${input.name}: not valid JSON (${error.message})`);
    }
  }
  return input.value;
}

function readInput() {
  const inputs = Array.from($("fields").querySelectorAll("input, textarea, select"));
  const root = resolve(schema);
  if (!(root.type === "object" && root.properties)) return readValue(inputs[0]);
  const value = {};
  for (const input of inputs) {
    const v = readValue(input);
    if (v !== undefined) value[input.name] = v;
  }
  return value;
}

function readConfig() {
  try {
    return JSON.parse($("config").value || "{}");
  } catch (error) {
    throw new Error(`config: not valid JSON (${error.message})`);
  }
}

function show(value) {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof value.content === "string") return value.content;
  if (value && typeof value === "object" && typeof value.page_content === "string") {
    return value.page_content;
  }
  return JSON.stringify(value, null, 2);
}

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.className = isError ? "error" : "muted";
}

function busy(on) {
  $("run").disabled = on;
  $("stream").disabled = on;
  $("stop").disabled = !on;
}

async function errorText(response) {
  try {
    const body = await response.json();
    return `${response.status}: ${body.message || JSON.stringify(body.detail || body)}`;
  } catch (_) {
    return `${response.status} ${response.statusText}`;
  }
}

async function post(endpoint, body) {
  controller = new AbortController();
  const response = await fetch(new URL(endpoint, base), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  if (!response.ok) throw new Error(await errorText(response));
  return response;
}

async function run() {
  let body;
  try {
    body = { input: readInput(), config: readConfig(), kwargs: {} };
  } catch (error) {
    return setStatus(error.message, true);
  }
  $("output").textContent = "";
  busy(true);
  setStatus("running…");
  try {
    const response = await post("invoke", body);
    const data = await response.json();
    appendChunk(show(data.output));
    setStatus("done");
  } catch (error) {
    setStatus(error.name === "AbortError" ? "stopped" : error.message, error.name !== "AbortError");
  } finally {
    busy(false);
  }
}

function appendChunk(text) {
  const span = document.createElement("span");
  span.className = "chunk";
  span.textContent = text;
  $("output").appendChild(span);
}

// -- stream_log: output chunks and the intermediate steps ------------------------------------

const steps = new Map();

function stepBox(name, value) {
  const box = document.createElement("details");
  box.className = "step";
  const summary = document.createElement("summary");
  summary.textContent = name + " ";
  const kind = document.createElement("span");
  kind.className = "kind";
  kind.textContent = value && value.type ? `(${value.type})` : "";
  summary.appendChild(kind);
  box.appendChild(summary);
  const output = document.createElement("pre");
  output.className = "step-output";
  box.appendChild(output);
  $("steps").appendChild(box);
  return { box, output, chunks: [] };
}

function applyOp(op) {
  const path = op.path || "";
  if (path === "/streamed_output/-") {
    appendChunk(show(op.value));
    return;
  }
  const match = /^\/logs\/([^/]+)(\/.*)?$/.exec(path);
  if (!match) return;
  const name = match[1].replace(/~1/g, "/").replace(/~0/g, "~");
  const rest = match[2] || "";
  if (!rest) {
    steps.set(name, stepBox(name, op.value));
    return;
  }
  const step = steps.get(name);
  if (!step) return;
  if (rest === "/streamed_output/-") {
    step.chunks.push(show(op.value));
    step.output.textContent = step.chunks.join("");
  } else if (rest === "/final_output") {
    step.output.textContent = show(op.value);
  }
}

async function* sseEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      yield { event, data: data.length ? JSON.parse(data.join("\n")) : null };
    }
  }
}

async function stream() {
  let body;
  try {
    body = { input: readInput(), config: readConfig(), kwargs: {} };
  } catch (error) {
    return setStatus(error.message, true);
  }
  $("output").textContent = "";
  $("steps").textContent = "";
  steps.clear();
  busy(true);
  setStatus("streaming…");
  try {
    const response = await post("stream_log", body);
    let ended = false;
    for await (const { event, data } of sseEvents(response)) {
      if (event === "data") data.ops.forEach(applyOp);
      else if (event === "error") throw new Error(`${data.status_code}: ${data.message}`);
      else if (event === "end") {
        ended = true;
        break;
      }
    }
    setStatus(ended ? "done" : "the stream ended early", !ended);
  } catch (error) {
    setStatus(error.name === "AbortError" ? "stopped" : error.message, error.name !== "AbortError");
  } finally {
    busy(false);
  }
}

async function init() {
  $("endpoint").textContent = base.pathname;
  $("run").addEventListener("click", run);
  $("stream").addEventListener("click", stream);
  $("stop").addEventListener("click", () => controller && controller.abort());
  busy(false);
  try {
    const response = await fetch(new URL("input_schema", base));
    if (!response.ok) throw new Error(await errorText(response));
    schema = await response.json();
    $("title").textContent = schema.title ? "· " + schema.title : "";
    buildForm();
    document.body.dataset.ready = "1";
  } catch (error) {
    $("fields").textContent = "";
    setStatus(`cannot load the input schema: ${error.message}`, true);
  }
}

init();
