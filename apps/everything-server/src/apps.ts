import * as z from 'zod'
import type { McpServer } from '@plugboard/server'
import { clientSupportsApps, registerAppResource, registerAppTool } from '@plugboard/server/apps'

/** The counter view's resource URI. */
export const COUNTER_VIEW_URI = 'ui://everything/counter.html'

/**
 * The counter view: one self-contained page (inline style and script, nothing fetched) that speaks
 * the app side of MCP Apps over `postMessage` by hand — `ui/initialize`, then
 * `ui/notifications/initialized`; it shows the count from `ui/notifications/tool-result`, and its
 * button calls the app-only `counter-increment` tool back with `tools/call` through the host. It
 * answers `ui/resource-teardown` and `ping`, reports its size, and follows the host's theme.
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
<p id="status">Waiting for the host...</p>
<script>
(function () {
  'use strict';
  var host = window.parent;
  var nextId = 1;
  var pending = {};
  var count = document.getElementById('count');
  var button = document.getElementById('increment');
  var status = document.getElementById('status');
  var own = function (table, key) { return Object.prototype.hasOwnProperty.call(table, key); };

  function post(message) { message.jsonrpc = '2.0'; host.postMessage(message, '*'); }
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
  }
  function applyContext(context) {
    if (context && (context.theme === 'light' || context.theme === 'dark')) document.documentElement.style.colorScheme = context.theme;
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
    'ui/resource-teardown': function () { button.disabled = true; return {}; },
    'ping': function () { return {}; }
  };

  window.addEventListener('message', function (event) {
    if (event.source !== host) return;
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
      .then(show, function (error) { status.textContent = 'Could not count: ' + error.message; })
      .then(function () { button.disabled = false; });
  });

  request('ui/initialize', { appInfo: { name: 'everything-counter', version: '1.0.0' }, appCapabilities: {}, protocolVersion: '2026-01-26' }).then(function (result) {
    applyContext(result && result.hostContext);
    notify('ui/notifications/initialized');
    button.disabled = false;
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
