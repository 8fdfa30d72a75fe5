/**
 * The /docs page: a small self-made renderer of /openapi.json (no CDN is needed or reachable).
 * The script is served as its own file so a strict Content-Security-Policy (script-src 'self')
 * allows it.
 */

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>translation-queue API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { background: #1d2330; color: #fff; padding: 18px 32px; }
  header h1 { margin: 0; font-size: 22px; }
  header p { margin: 4px 0 0; opacity: .8; }
  main { max-width: 1000px; margin: 0 auto; padding: 16px 32px 48px; }
  .op { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; margin: 14px 0; }
  .op > summary { cursor: pointer; padding: 10px 14px; display: flex; gap: 12px; align-items: baseline; }
  .method { font: bold 13px monospace; text-transform: uppercase; padding: 2px 8px; border-radius: 4px; color: #fff; min-width: 52px; text-align: center; }
  .get { background: #2f7dd1; } .post { background: #2e9d5b; } .delete { background: #c94141; } .put, .patch { background: #b7791f; }
  .path { font: 600 15px monospace; }
  .body { padding: 0 16px 12px; border-top: 1px solid #eef0f3; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0; }
  td, th { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
  pre { background: #f3f4f7; padding: 8px 10px; border-radius: 4px; overflow-x: auto; font-size: 13px; margin: 4px 0; }
  code { font-size: 13px; }
  h2 { margin-top: 32px; }
  h4 { margin: 12px 0 4px; }
  a { color: #2f6fb8; }
</style>
</head>
<body>
<header><h1 id="title">API</h1><p id="description"></p></header>
<main>
  <p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1)</p>
  <div id="operations">Loading…</div>
  <h2>Schemas</h2>
  <div id="schemas"></div>
</main>
<script src="/docs/docs.js"></script>
</body>
</html>
`;

export const DOCS_JS = `'use strict';
(async function () {
  const doc = await (await fetch('/openapi.json')).json();
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  };
  const refName = (ref) => ref.split('/').pop();
  const schemaView = (schema) => {
    if (schema && schema.$ref) {
      const name = refName(schema.$ref);
      return el('p', {}, 'Schema: ', el('a', { href: '#schema-' + name }, name));
    }
    return el('pre', {}, JSON.stringify(schema, null, 2));
  };
  const text = (s) => {
    const p = el('p');
    p.innerHTML = String(s || '').replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])
      .replace(/\`([^\`]+)\`/g, '<code>$1</code>');
    return p;
  };
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  document.getElementById('description').replaceWith(text(doc.info.description));
  const ops = document.getElementById('operations');
  ops.textContent = '';
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const body = el('div', { class: 'body' });
      if (op.description) body.append(text(op.description));
      if (op.parameters && op.parameters.length) {
        const rows = op.parameters.map((p) =>
          el('tr', {}, el('td', {}, el('code', {}, p.name)), el('td', {}, p.in), el('td', {}, p.required ? 'required' : ''), el('td', {}, text(p.description))));
        body.append(el('h4', {}, 'Parameters'), el('table', {}, ...rows));
      }
      if (op.requestBody) {
        body.append(el('h4', {}, 'Request body'));
        for (const [type, media] of Object.entries(op.requestBody.content)) body.append(el('p', {}, el('code', {}, type)), schemaView(media.schema));
      }
      body.append(el('h4', {}, 'Responses'));
      for (const [status, res] of Object.entries(op.responses)) {
        const cell = el('td', {}, text(res.description));
        for (const media of Object.values(res.content || {})) cell.append(schemaView(media.schema));
        body.append(el('table', {}, el('tr', {}, el('td', { style: 'width:60px' }, el('b', {}, status)), cell)));
      }
      const summary = el('summary', {}, el('span', { class: 'method ' + method }, method), el('span', { class: 'path' }, path), el('span', {}, op.summary || ''));
      ops.append(el('details', { class: 'op', open: '' }, summary, body));
    }
  }
  const schemas = document.getElementById('schemas');
  for (const [name, schema] of Object.entries((doc.components && doc.components.schemas) || {})) {
    schemas.append(el('h3', { id: 'schema-' + name }, name), el('pre', {}, JSON.stringify(schema, null, 2)));
  }
})();
`;
