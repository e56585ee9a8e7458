/**
 * GET /docs: a self-contained page (no CDN; the machine may be offline) that
 * renders the service's own /openapi.json: every operation with its
 * parameters and schemas, the component schemas, and a small console to get
 * a local token and send a request.
 */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SME service matchmaking: local API</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { background: #1d3557; color: #fff; padding: 14px 24px; }
  header h1 { margin: 0; font-size: 18px; }
  header p { margin: 4px 0 0; opacity: .85; }
  main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 48px; }
  section.console { background: #fff; border: 1px solid #d8dce3; border-radius: 6px; padding: 12px 14px; margin-bottom: 18px; }
  .op { background: #fff; border: 1px solid #d8dce3; border-radius: 6px; margin: 8px 0; }
  .op > summary { cursor: pointer; padding: 8px 12px; list-style: none; display: flex; gap: 10px; align-items: baseline; }
  .op > div { padding: 4px 14px 12px; border-top: 1px solid #eceef2; }
  .m { font: 600 12px ui-monospace, monospace; padding: 2px 6px; border-radius: 4px; color: #fff; min-width: 48px; text-align: center; }
  .GET { background: #2a9d8f; } .POST { background: #3a6ea5; } .PATCH { background: #e09f3e; } .PUT { background: #8d5a97; } .DELETE { background: #c0392b; }
  code, pre, textarea, input { font: 12px/1.4 ui-monospace, monospace; }
  pre { background: #f1f3f6; padding: 8px; border-radius: 4px; overflow: auto; max-height: 360px; }
  .lock { color: #8a6d00; font-size: 12px; }
  textarea { width: 100%; min-height: 80px; box-sizing: border-box; }
  input.url { width: 60%; }
  h2 { font-size: 16px; margin: 22px 0 8px; }
  .muted { color: #667; }
</style>
</head>
<body>
<header><h1 id="title">Local API</h1><p id="subtitle">Loading /openapi.json ...</p></header>
<main>
  <section class="console">
    <strong>Token</strong>
    <select id="role"><option>sme</option><option>provider</option><option>operator</option></select>
    <button id="getToken">Get a local token</button>
    <span class="muted">(POST /local/tokens; kept in this page only)</span>
    <div><input id="token" class="url" placeholder="Bearer token used by Send"></div>
  </section>
  <div id="ops"></div>
  <h2>Schemas</h2>
  <div id="schemas"></div>
</main>
<script>
(function () {
  'use strict';
  var el = function (tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  };
  var pretty = function (v) { return JSON.stringify(v, null, 2); };
  var tokenInput = document.getElementById('token');

  document.getElementById('getToken').onclick = function () {
    fetch('/local/tokens', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: document.getElementById('role').value }) })
      .then(function (r) { return r.json(); })
      .then(function (j) { tokenInput.value = j.token || ''; });
  };

  function send(method, url, body, out) {
    var headers = {};
    if (tokenInput.value) headers.authorization = 'Bearer ' + tokenInput.value;
    if (body) headers['content-type'] = 'application/json';
    out.textContent = '...';
    fetch(url, { method: method, headers: headers, body: body || undefined })
      .then(function (r) { return r.text().then(function (t) {
        var shown = t; try { shown = pretty(JSON.parse(t)); } catch (e) { /* not JSON: show as is */ }
        out.textContent = r.status + ' ' + r.statusText + '\\n' + shown;
      }); })
      .catch(function (e) { out.textContent = String(e); });
  }

  function operation(path, method, op, doc) {
    var secured = (op.security || doc.security || []).length > 0;
    var body = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
    var url = el('input', { class: 'url', value: path });
    var text = body ? el('textarea', { placeholder: 'JSON body' }) : null;
    if (text && body.example) text.value = pretty(body.example);
    var out = el('pre', { text: '' });
    var button = el('button', { text: 'Send' });
    button.onclick = function () { send(method.toUpperCase(), url.value, text && text.value, out); };
    var details = el('details', { class: 'op' }, [
      el('summary', {}, [
        el('span', { class: 'm ' + method.toUpperCase(), text: method.toUpperCase() }),
        el('code', { text: path }),
        el('span', { text: op.summary || op.operationId || '' }),
        secured ? el('span', { class: 'lock', text: 'JWT' }) : null,
      ]),
      el('div', {}, [
        op.description ? el('p', { text: op.description }) : null,
        op.parameters && op.parameters.length ? el('pre', { text: 'parameters ' + pretty(op.parameters) }) : null,
        body ? el('pre', { text: 'request body ' + pretty(body.schema) }) : null,
        op.responses ? el('pre', { text: 'responses ' + pretty(op.responses) }) : null,
        el('div', {}, [url, button]),
        text, out,
      ]),
    ]);
    return details;
  }

  fetch('/openapi.json').then(function (r) { return r.json(); }).then(function (doc) {
    var info = doc.info || {};
    document.getElementById('title').textContent = (info.title || 'API') + ' ' + (info.version || '');
    document.getElementById('subtitle').textContent = (info.description || '') + ' (OpenAPI ' + (doc.openapi || '?') + ')';
    var ops = document.getElementById('ops');
    Object.keys(doc.paths || {}).forEach(function (path) {
      var item = doc.paths[path];
      ['get', 'post', 'put', 'patch', 'delete'].forEach(function (m) { if (item[m]) ops.appendChild(operation(path, m, item[m], doc)); });
    });
    var schemas = (doc.components && doc.components.schemas) || {};
    var box = document.getElementById('schemas');
    Object.keys(schemas).forEach(function (name) {
      box.appendChild(el('details', { class: 'op' }, [el('summary', {}, [el('code', { text: name })]), el('div', {}, [el('pre', { text: pretty(schemas[name]) })])]));
    });
  }).catch(function (e) {
    document.getElementById('subtitle').textContent = 'Could not load /openapi.json: ' + e;
  });
})();
</script>
</body>
</html>
`;
