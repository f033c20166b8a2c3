import * as z from 'zod'
import type { McpServer } from '@plugboard/server'
import { clientSupportsApps, registerAppResource, registerAppTool } from '@plugboard/server/apps'

/** The counter view's resource URI. */
export const COUNTER_VIEW_URI = 'ui://everything/counter.html'

/**
 * The counter view: one self-contained page (inline style and script, nothing fetched) that speaks
 * the app side of MCP Apps over `postMessage` by hand — `ui/initialize`, then
 * `ui/notifications/initialized`; it shows the count from `ui/notifications/tool-result`, and its
 * button calls the app-only `counter-increment` tool back with `tools/call` through the host, then
 * tells the model the new count (`ui/update-model-context`, when the host takes it). It asks for full
 * screen or to float (picture-in-picture, `ui/request-display-mode`) when the host offers it, asks to be closed
 * (`ui/notifications/request-teardown`), exports the count as a file (`ui/download-file`, when the
 * host offers it), asks the host's model for a goal (`sampling/createMessage`, when offered), answers `ui/resource-teardown` (logging the count it
 * ends at) and `ping`, reports its size, and follows the host's theme and style variables.
 * @see https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#communication-protocol
 */
export const COUNTER_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Counter</title>
<style>
  :root { color-scheme: light dark; font-family: var(--font-sans, system-ui, sans-serif); }
  body { margin: 0; padding: 12px; color: var(--color-text-primary, CanvasText); background: var(--color-background-primary, Canvas); }
  output { font-size: 2rem; font-variant-numeric: tabular-nums; margin-right: 12px; }
  button { font: inherit; padding: 4px 12px; border-radius: var(--border-radius-md, 6px); }
  #status { color: var(--color-text-secondary, GrayText); font-size: 0.85rem; }
</style>
</head>
<body>
<output id="count">-</output>
<button id="increment" type="button" disabled>+1</button>
<button id="fullscreen" type="button" hidden>Full screen</button>
<button id="float" type="button" hidden>Float</button>
<button id="export" type="button" hidden>Export</button>
<button id="suggest" type="button" hidden>Suggest a goal</button>
<button id="done" type="button" disabled>Done</button>
<p id="status">Waiting for the host...</p>
<script>
(function () {
  'use strict';
  var parent = window.parent;
  var nextId = 1;
  var pending = {};
  var count = document.getElementById('count');
  var button = document.getElementById('increment');
  var status = document.getElementById('status');
  var fullscreen = document.getElementById('fullscreen');
  var floatButton = document.getElementById('float');
  var done = document.getElementById('done');
  var exportButton = document.getElementById('export');
  var suggest = document.getElementById('suggest');
  var host = { capabilities: {}, displayMode: 'inline' };
  var own = function (table, key) { return Object.prototype.hasOwnProperty.call(table, key); };

  function post(message) { message.jsonrpc = '2.0'; parent.postMessage(message, '*'); }
  function request(method, params) {
    var id = nextId++;
    return new Promise(function (resolve, reject) {
      pending[id] = { resolve: resolve, reject: reject };
      post({ id: id, method: method, params: params });
    });
  }
  function notify(method, params) { post({ method: method, params: params || {} }); }
  function show(result) {
    var value = result && result.structuredContent && result.structuredContent.count;
    if (typeof value === 'number') count.textContent = String(value);
    status.textContent = result && result.isError ? 'The tool failed.' : 'Ready.';
    return value;
  }
  // What the model should know of the view: the count it shows (only if the host takes it).
  function tellModel(value) {
    if (typeof value !== 'number' || !host.capabilities.updateModelContext) return;
    request('ui/update-model-context', { content: [{ type: 'text', text: 'The counter view shows ' + value + '.' }], structuredContent: { count: value } })
      .catch(function (error) { status.textContent = 'The host refused the context: ' + error.message; });
  }
  function applyContext(context) {
    if (!context) return;
    var root = document.documentElement;
    if (context.theme === 'light' || context.theme === 'dark') root.style.colorScheme = context.theme;
    var variables = context.styles && context.styles.variables;
    if (variables) Object.keys(variables).forEach(function (name) { if (/^--[a-z0-9-]+$/.test(name) && typeof variables[name] === 'string') root.style.setProperty(name, variables[name]); });
    if (context.displayMode) host.displayMode = context.displayMode;
    if (context.availableDisplayModes) {
      fullscreen.hidden = context.availableDisplayModes.indexOf('fullscreen') === -1;
      floatButton.hidden = context.availableDisplayModes.indexOf('pip') === -1;
    }
    fullscreen.textContent = host.displayMode === 'fullscreen' ? 'Exit full screen' : 'Full screen';
    floatButton.textContent = host.displayMode === 'pip' ? 'Dock' : 'Float';
  }
  function reportSize() {
    var root = document.documentElement;
    notify('ui/notifications/size-changed', { width: root.scrollWidth, height: root.scrollHeight });
  }

  // Host -> view notifications, and the requests a host may send a view.
  var notifications = {
    'ui/notifications/tool-input': function () { status.textContent = 'Counting...'; },
    'ui/notifications/tool-result': show,
    'ui/notifications/tool-cancelled': function (params) { status.textContent = 'Cancelled' + (params && params.reason ? ': ' + params.reason : '.'); },
    'ui/notifications/host-context-changed': applyContext
  };
  var requests = {
    'ui/resource-teardown': function (params) {
      button.disabled = true;
      notify('notifications/message', { level: 'info', logger: 'everything-counter', data: 'torn down at ' + count.textContent + (params && params.reason ? ' (' + params.reason + ')' : '') });
      return {};
    },
    'ping': function () { return {}; }
  };

  window.addEventListener('message', function (event) {
    if (event.source !== parent) return;
    var message = event.data;
    if (!message || message.jsonrpc !== '2.0') return;
    if (message.method === undefined) {
      if (!own(pending, message.id)) return;
      var waiter = pending[message.id];
      delete pending[message.id];
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    } else if (message.id === undefined) {
      if (own(notifications, message.method)) notifications[message.method](message.params);
    } else if (own(requests, message.method)) {
      post({ id: message.id, result: requests[message.method](message.params) });
    } else {
      post({ id: message.id, error: { code: -32601, message: 'Method not found: ' + message.method } });
    }
  });

  button.addEventListener('click', function () {
    button.disabled = true;
    request('tools/call', { name: 'counter-increment', arguments: { by: 1 } })
      .then(function (result) { tellModel(show(result)); }, function (error) { status.textContent = 'Could not count: ' + error.message; })
      .then(function () { button.disabled = false; });
  });
  function displayMode(mode) {
    request('ui/request-display-mode', { mode: host.displayMode === mode ? 'inline' : mode })
      .then(function (result) { applyContext({ displayMode: result.mode }); }, function (error) { status.textContent = 'No ' + mode + ': ' + error.message; });
  }
  fullscreen.addEventListener('click', function () { displayMode('fullscreen'); });
  floatButton.addEventListener('click', function () { displayMode('pip'); });
  // A sandboxed view cannot download: it hands the file to the host, which asks the user.
  exportButton.addEventListener('click', function () {
    var file = { type: 'resource', resource: { uri: 'file:///counter.json', mimeType: 'application/json', text: JSON.stringify({ count: Number(count.textContent) }) } };
    request('ui/download-file', { contents: [file] })
      .then(function (result) { status.textContent = result && result.isError ? 'Export cancelled.' : 'Exported.'; }, function (error) { status.textContent = 'Could not export: ' + error.message; });
  });
  // The view asks the host's model (the host shows the request and the answer to the user first).
  suggest.addEventListener('click', function () {
    var ask = { role: 'user', content: { type: 'text', text: 'Suggest a goal for the counter, now at ' + count.textContent + '.' } };
    request('sampling/createMessage', { messages: [ask], maxTokens: 50 })
      .then(function (result) { status.textContent = 'The model says: ' + (result && result.content && result.content.text); }, function (error) { status.textContent = 'No suggestion: ' + error.message; });
  });
  // The view is finished with: it asks the host to close it (the host decides, then tears it down).
  done.addEventListener('click', function () { notify('ui/notifications/request-teardown'); });

  request('ui/initialize', { appInfo: { name: 'everything-counter', version: '1.0.0' }, appCapabilities: { availableDisplayModes: ['inline', 'fullscreen', 'pip'] }, protocolVersion: '2026-01-26' }).then(function (result) {
    host.capabilities = (result && result.hostCapabilities) || {};
    exportButton.hidden = !host.capabilities.downloadFile;
    suggest.hidden = !host.capabilities.sampling;
    applyContext(result && result.hostContext);
    notify('ui/notifications/initialized');
    button.disabled = false;
    done.disabled = false;
    status.textContent = 'Ready.';
    reportSize();
    if (typeof ResizeObserver === 'function') new ResizeObserver(reportSize).observe(document.body);
  }, function (error) { status.textContent = 'The host refused the view: ' + error.message; });
})();
</script>
</body>
</html>
`

/**
 * An MCP App (SEP-1865): `show-counter` shows a counter view the host renders from
 * {@link COUNTER_VIEW_URI}; the view's button calls `counter-increment`, a tool only apps may call
 * (`visibility: ['app']`, which hosts keep from the model). Clients without MCP Apps get the count as text.
 * The count belongs to the server instance, shared by its clients.
 * @see https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx
 */
export function registerApps(server: McpServer): void {
  let count = 0

  registerAppResource(
    server,
    'Counter',
    COUNTER_VIEW_URI,
    // No `csp`: the page reaches nothing beyond its host, so the spec's restrictive default applies.
    { title: 'Counter view', description: 'An interactive counter: the view of the show-counter tool.', _meta: { ui: { prefersBorder: true } } },
    (uri) => ({ contents: [{ uri: uri.href, text: COUNTER_HTML }] }),
  )

  registerAppTool(
    server,
    'show-counter',
    {
      title: 'Show counter',
      description: 'Shows an interactive counter (an MCP App); the count is in the text too, for clients without apps.',
      outputSchema: z.object({ count: z.number() }),
      annotations: { readOnlyHint: true },
      _meta: { ui: { resourceUri: COUNTER_VIEW_URI } },
    },
    (_args, ctx) => ({
      content: [{ type: 'text', text: clientSupportsApps(ctx) ? `Showing the counter, at ${count}.` : `The counter is at ${count}.` }],
      structuredContent: { count },
    }),
  )

  registerAppTool(
    server,
    'counter-increment',
    {
      title: 'Increment the counter',
      description: "Adds to the counter; called by the counter view's button.",
      inputSchema: z.object({ by: z.number().int().min(1).max(100).default(1).describe('How much to add') }),
      outputSchema: z.object({ count: z.number() }),
      annotations: { readOnlyHint: false, idempotentHint: false, openWorldHint: false },
      _meta: { ui: { resourceUri: COUNTER_VIEW_URI, visibility: ['app'] } },
    },
    ({ by }) => {
      count += by
      return { content: [{ type: 'text', text: `The counter is at ${count}.` }], structuredContent: { count } }
    },
  )
}
