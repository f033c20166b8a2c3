// The web host's page: no framework and no build step, because it is one screen of plain DOM and
// every byte of it is served by the host itself (no CDN, works offline). Everything a server or a
// model said is put in the page as text (textContent), never as HTML.

const token = new URLSearchParams(location.search).get('token') ?? ''
const $ = (id) => document.getElementById(id)
const log = $('log')
const dialogs = $('dialogs')

/** Builds an element: `el('p', { class: 'x' }, 'text', child)`. Strings become text nodes. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value)
    else node.setAttribute(key, value === true ? '' : String(value))
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child))
  return node
}

async function api(path, body) {
  const response = await fetch(`/api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const data = await response.json().catch(() => ({}))
  return { ok: response.ok, status: response.status, data }
}

const clip = (text, max = 4000) => (text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text)
const json = (value) => {
  try {
    return JSON.stringify(value, null, 2)
  } catch {
    return '(cannot be shown)'
  }
}
const scrollDown = () => log.lastElementChild?.scrollIntoView({ block: 'end' })

// ── state: servers, tools, roots, tasks ─────────────────────────────────────────────────────────

let state = { servers: [], tools: [], roots: [], tasks: [], busy: false, suggestions: [], scripted: false }

function renderState(next) {
  state = next
  $('model').textContent = next.model ? `model: ${next.model}${next.scripted ? ' (scripted, no LLM)' : ''}` : ''
  $('servers').replaceChildren(
    ...next.servers.map((s) => {
      const tools = next.tools.filter((t) => t.server === s.name)
      const actions = []
      if (s.state === 'unauthorized') actions.push(el('button', { type: 'button', 'data-action': 'login', onclick: () => command(`/login ${s.name}`) }, 'Log in'))
      if (s.state !== 'starting') actions.push(el('button', { type: 'button', 'data-action': 'restart', onclick: () => command(`/restart ${s.name}`) }, 'Restart'))
      return el(
        'li',
        { class: 'server', 'data-server': s.name, 'data-state': s.state },
        el('div', { class: 'row' }, el('strong', {}, s.name), el('span', { class: 'badge', 'data-state': s.state }, s.state), s.pid ? el('span', { class: 'muted small' }, `pid ${s.pid}`) : undefined, ...actions),
        s.error ? el('div', { class: 'error small' }, clip(s.error, 300)) : undefined,
        s.state === 'restarting' && s.retryInMs !== undefined ? el('div', { class: 'muted small' }, `retrying in ${Math.round(s.retryInMs / 100) / 10} s`) : undefined,
        el(
          'details',
          {},
          el('summary', {}, `${tools.length} ${tools.length === 1 ? 'tool' : 'tools'}`),
          el('ul', { class: 'tools' }, ...tools.map((t) => el('li', { title: t.description ?? '' }, el('code', {}, t.tool), claimsBadge(t.annotations)))),
        ),
      )
    }),
  )
  $('roots').replaceChildren(
    ...(next.roots.length
      ? next.roots.map((r) => el('li', { 'data-root': r.uri }, el('code', {}, r.uri), r.name ? ` ${r.name}` : '', ' ', el('button', { type: 'button', 'data-action': 'remove-root', onclick: () => command(`/roots remove ${r.uri}`) }, 'Remove')))
      : [el('li', { class: 'muted' }, 'none')]),
  )
  $('tasks').replaceChildren(
    ...(next.tasks.length ? next.tasks.map((t) => el('li', { 'data-task': t.taskId }, `${t.server}/${t.tool} `, el('span', { class: 'badge' }, t.status), t.statusMessage ? ` ${t.statusMessage}` : '')) : [el('li', { class: 'muted' }, 'none')]),
  )
  $('send').disabled = next.busy
  $('cancel').disabled = !next.busy
  document.body.dataset.busy = String(next.busy)
  $('suggestions').replaceChildren(
    ...next.suggestions.map((text) => el('button', { type: 'button', class: 'suggestion', disabled: next.busy, onclick: () => send(text) }, text)),
  )
}

function claimsBadge(annotations) {
  const claims = Object.entries(annotations ?? {})
    .filter(([key, value]) => key.endsWith('Hint') && value === true)
    .map(([key]) => key.replace(/Hint$/, ''))
  return claims.length ? el('span', { class: 'muted small' }, ` claims: ${claims.join(', ')}`) : undefined
}

// ── the conversation ────────────────────────────────────────────────────────────────────────────

let streaming // the assistant message receiving text pieces
const calls = new Map() // tool call id → its card

function addEntry(kind, ...children) {
  const entry = el('li', { class: `entry ${kind}`, 'data-kind': kind }, ...children)
  log.append(entry)
  scrollDown()
  return entry
}

function onEvent(event) {
  switch (event.type) {
    case 'text': {
      if (!streaming) streaming = addEntry('assistant', el('span', { class: 'who' }, state.scripted ? 'assistant (scripted, no LLM)' : 'assistant'), el('div', { class: 'text' }))
      streaming.querySelector('.text').append(event.text)
      return scrollDown()
    }
    case 'assistant': {
      if (!streaming && event.text) addEntry('assistant', el('span', { class: 'who' }, event.scripted ? 'assistant (scripted, no LLM)' : 'assistant'), el('div', { class: 'text' }, event.text))
      streaming = undefined
      return
    }
    case 'tool_call': {
      streaming = undefined
      const card = addEntry(
        'tool',
        el('div', { class: 'row' }, el('span', { class: 'who' }, 'tool call'), el('code', {}, event.server && event.tool ? `${event.server} / ${event.tool}` : event.name)),
        el('details', {}, el('summary', {}, 'arguments'), el('pre', {}, clip(json(event.arguments)))),
        el('div', { class: 'status muted' }, 'waiting for consent…'),
      )
      card.dataset.call = event.id
      return void calls.set(event.id, card)
    }
    case 'consent': {
      const card = calls.get(event.id)
      if (!card) return
      card.dataset.allowed = String(event.allowed)
      return void (card.querySelector('.status').textContent = `${event.allowed ? 'allowed' : 'denied'}: ${event.reason}`)
    }
    case 'progress': {
      const card = calls.get(event.id)
      if (!card) return
      let bar = card.querySelector('progress')
      if (!bar) {
        bar = el('progress', { max: 1 })
        card.append(el('div', { class: 'progress' }, bar, el('span', { class: 'progress-text small muted' })))
      }
      if (event.total !== undefined && event.total > 0) {
        bar.max = event.total
        bar.value = Math.min(event.progress, event.total)
      } else bar.removeAttribute('value') // no total: an indeterminate bar
      card.querySelector('.progress-text').textContent = `${event.progress}${event.total !== undefined ? ` / ${event.total}` : ''}${event.message ? ` — ${event.message}` : ''}`
      return scrollDown()
    }
    case 'tool_result': {
      const card = calls.get(event.id)
      const result = el('pre', { class: `result${event.isError ? ' error' : ''}` }, clip(event.text, 2000))
      if (card) {
        card.dataset.done = 'true'
        card.append(result)
      } else addEntry('tool', result)
      return scrollDown()
    }
    case 'sampling':
      return void addEntry('note', `sampling from ${event.server}: ${event.stage.replace(/_/g, ' ')}${event.model ? ` (${event.model})` : ''}${event.detail ? ` — ${event.detail}` : ''}`)
    case 'elicitation':
      return void addEntry('note', `${event.mode} elicitation from ${event.server}: ${event.action}`)
    case 'task':
      return void addEntry('note', `task ${event.taskId} (${event.server}/${event.tool}): ${event.status}${event.statusMessage ? ` — ${event.statusMessage}` : ''}${event.result ? `\n${clip(event.result.text, 1000)}` : ''}`)
    case 'authorization':
      return void addEntry('note', `${event.server} asks you to sign in: `, el('a', { href: event.url, target: '_blank', rel: 'noopener noreferrer' }, new URL(event.url).host), el('div', { class: 'small muted' }, event.url))
    case 'server':
      return event.state === 'failed' || event.state === 'restarting' ? void addEntry('note', `server ${event.name}: ${event.state}${event.error ? ` — ${event.error}` : ''}`) : undefined
    case 'log':
      return event.level === 'error' || event.level === 'critical' || event.level === 'alert' || event.level === 'emergency' ? void addEntry('note', `${event.server} log (${event.level}): ${clip(typeof event.data === 'string' ? event.data : json(event.data), 500)}`) : undefined
    case 'model_context':
      return void addEntry('note', el('span', {}, `${event.source} told the model:`), el('pre', { class: 'model-context' }, clip(event.text, 2000)))
    case 'cancelled':
      streaming = undefined
      return void addEntry('cancelled', 'Cancelled.')
    case 'error':
      return void addEntry('error', event.message)
  }
}

// ── dialogs ─────────────────────────────────────────────────────────────────────────────────────

function showDialog(id, dialog) {
  if (dialogs.querySelector(`[data-dialog="${CSS.escape(id)}"]`)) return
  const box = el('section', { class: 'dialog', 'data-dialog': id, 'data-kind': dialog.kind, role: 'dialog' })
  const error = el('p', { class: 'error dialog-error' })
  const answer = async (value) => {
    for (const b of box.querySelectorAll('button')) b.disabled = true
    error.textContent = ''
    for (const slot of box.querySelectorAll('[data-error-for]')) slot.textContent = ''
    const { ok, data } = await api(`dialogs/${encodeURIComponent(id)}`, { answer: value })
    for (const b of box.querySelectorAll('button')) b.disabled = false
    if (ok) return box.remove()
    error.textContent = data.error ?? 'The answer was not taken.'
    for (const [key, message] of Object.entries(data.errors ?? {})) {
      const slot = box.querySelector(`[data-error-for="${CSS.escape(key)}"]`)
      if (slot) slot.textContent = message
    }
  }
  const button = (label, action, value, primary) => el('button', { type: 'button', 'data-action': action, class: primary ? 'primary' : undefined, onclick: () => answer(typeof value === 'function' ? value() : value) }, label)
  box.append(...DIALOGS[dialog.kind](dialog, button, answer), error)
  // A field's complaint goes away as soon as the user changes that field.
  box.addEventListener('input', (event) => {
    const field = event.target.closest('[data-field]')
    if (field) field.querySelector('[data-error-for]').textContent = ''
    error.textContent = ''
  })
  dialogs.append(box)
  scrollDown() // the dialog took room from the conversation: keep its end in sight
  box.querySelector('button, input, select, textarea')?.focus()
}

const DIALOGS = {
  consent: (d, button) => [
    el('h3', {}, `Tool call to ${d.server}`),
    el('dl', {}, el('dt', {}, 'Tool'), el('dd', {}, el('code', {}, d.tool), d.name && d.name !== d.tool ? ` (the model calls it ${d.name})` : ''), el('dt', {}, 'Arguments'), el('dd', {}, el('pre', {}, clip(json(d.arguments), 2000)))),
    // The annotations are whatever the server declared: shown as its claims, never as checked facts.
    el(
      'div',
      { class: 'claims' },
      el('h4', {}, 'Annotations — claims the server made, not verified'),
      d.claims.hints.length ? el('ul', {}, ...d.claims.hints.map((h) => el('li', { 'data-hint': h.hint }, h.text))) : el('p', {}, d.claims.summary),
    ),
    el('p', { class: 'muted' }, `Asking because: ${d.reason}`),
    el('div', { class: 'buttons' }, button('Allow once', 'once', { answer: 'once' }, true), button('Allow always', 'always', { answer: 'always' }), button('Deny', 'deny', { answer: 'deny' })),
  ],

  sampling_request: (d, button) => {
    const p = d.params
    const messages = Array.isArray(p.messages) ? p.messages : []
    const lastUser = messages.findLastIndex((m) => m.role === 'user')
    const lastText = lastUser === -1 ? '' : blocks(messages[lastUser].content).filter((b) => b?.type === 'text').map((b) => b.text).at(-1) ?? ''
    const edit = el(
      'div',
      { class: 'edit', hidden: true },
      el('label', {}, 'System prompt', el('textarea', { name: 'systemPrompt', rows: 2 }, p.systemPrompt ?? '')),
      el('span', { class: 'error small', 'data-error-for': 'systemPrompt' }),
      el('label', {}, 'Last user message', el('textarea', { name: 'text', rows: 3 }, lastText)),
      el('span', { class: 'error small', 'data-error-for': 'text' }),
      el('label', {}, 'Max tokens', el('input', { name: 'maxTokens', value: String(p.maxTokens), inputmode: 'numeric' })),
      el('span', { class: 'error small', 'data-error-for': 'maxTokens' }),
    )
    const edited = () => ({
      action: 'approve',
      edit: { systemPrompt: edit.querySelector('[name=systemPrompt]').value || undefined, text: lastUser === -1 ? undefined : edit.querySelector('[name=text]').value, maxTokens: edit.querySelector('[name=maxTokens]').value },
    })
    const approve = button('Approve', 'approve', () => (edit.hidden ? { action: 'approve' } : edited()), true)
    const toggle = el('button', { type: 'button', 'data-action': 'edit', onclick: () => ((edit.hidden = !edit.hidden), (approve.textContent = edit.hidden ? 'Approve' : 'Approve edited')) }, 'Edit')
    return [
      el('h3', {}, `Sampling request from ${d.server}`),
      el('p', {}, `Answered by: ${d.model ?? '(no model chosen)'}${d.scripted ? ' (scripted, no LLM)' : ''}`),
      el('dl', {}, el('dt', {}, 'System prompt'), el('dd', {}, p.systemPrompt ?? '(none)'), el('dt', {}, 'Max tokens'), el('dd', {}, String(p.maxTokens))),
      el('ol', { class: 'messages' }, ...messages.map((m) => el('li', {}, el('span', { class: 'who' }, String(m.role)), el('pre', {}, clip(describeBlocks(m.content)))))),
      p.tools?.length ? el('p', {}, `Tools offered to the model: ${p.tools.map((t) => t.name).join(', ')}`) : undefined,
      edit,
      el('div', { class: 'buttons' }, approve, toggle, button('Reject', 'reject', { action: 'reject' })),
    ]
  },

  sampling_result: (d, button) => [
    el('h3', {}, `Model answer for ${d.server}`),
    el('p', {}, `Model: ${d.result.model}${d.scripted ? ' (scripted, no LLM)' : ''} · stop reason: ${d.result.stopReason ?? '(none given)'}`),
    el('pre', { class: 'answer' }, clip(describeBlocks(d.result.content))),
    el('div', { class: 'buttons' }, button(`Send to ${d.server}`, 'send', { send: true }, true), button('Do not send', 'keep', { send: false })),
  ],

  form: (d, button) => {
    const inputs = d.fields.map((f) => formField(f))
    const content = () => Object.fromEntries(d.fields.map((f, i) => [f.key, inputs[i].read()]).filter(([, v]) => v !== undefined))
    return [
      el('h3', {}, `${d.server} asks for information`),
      el('p', { class: 'message' }, clip(d.message)),
      el('form', { class: 'fields', onsubmit: (e) => e.preventDefault() }, ...inputs.map((i) => i.node)),
      el('div', { class: 'buttons' }, button('Submit', 'accept', () => ({ action: 'accept', content: content() }), true), button('Decline', 'decline', { action: 'decline' }), button('Cancel', 'cancel', { action: 'cancel' })),
    ]
  },

  url: (d, button, answer) => [
    el('h3', {}, `${d.server} asks you to open a URL`),
    el('p', { class: 'message' }, clip(d.message)),
    el('p', { class: 'url' }, el('code', {}, d.url.href)),
    ...d.url.warnings.map((w) => el('p', { class: 'warning' }, `⚠ ${w}`)),
    // The spec wants the target domain clear before consent: it gets a line of its own, in large type.
    el('p', { class: 'domain' }, 'Domain: ', el('strong', { 'data-domain': '' }, d.url.hostname)),
    el(
      'div',
      { class: 'buttons' },
      // The page opens the URL (a new tab with no opener, so the site cannot reach this page), then tells the host.
      el('button', { type: 'button', class: 'primary', 'data-action': 'accept', onclick: () => (window.open(d.url.href, '_blank', 'noopener,noreferrer'), answer({ action: 'accept' })) }, `Open ${d.url.hostname}`),
      button('Decline', 'decline', { action: 'decline' }),
      button('Cancel', 'cancel', { action: 'cancel' }),
    ),
  ],
}

/** One form field as its kind asks: text, a number, a checkbox, a choice, a list of checkboxes. */
function formField(f) {
  const id = `field-${f.key}-${Math.random().toString(36).slice(2)}`
  const hints = []
  if (f.kind === 'string') {
    if (f.minLength !== undefined) hints.push(`at least ${f.minLength} characters`)
    if (f.maxLength !== undefined) hints.push(`at most ${f.maxLength} characters`)
    if (f.format) hints.push(f.format)
    if (f.pattern !== undefined) hints.push(`matching ${f.pattern}`)
  }
  if (f.kind === 'number' || f.kind === 'integer') {
    hints.push(f.kind === 'integer' ? 'a whole number' : 'a number')
    if (f.minimum !== undefined) hints.push(`at least ${f.minimum}`)
    if (f.maximum !== undefined) hints.push(`at most ${f.maximum}`)
    if (f.exclusiveMinimum !== undefined) hints.push(`more than ${f.exclusiveMinimum}`)
    if (f.exclusiveMaximum !== undefined) hints.push(`less than ${f.exclusiveMaximum}`)
  }
  if (f.kind === 'multi' && f.minItems !== undefined) hints.push(`choose at least ${f.minItems}`)
  if (f.kind === 'multi' && f.maxItems !== undefined) hints.push(`choose at most ${f.maxItems}`)
  // The value is shown next to a title that differs: the value is what gets sent.
  const optionLabel = (o) => (o.title !== undefined && o.title !== o.value ? `${o.title} (${o.value})` : o.value)
  let control
  let read
  switch (f.kind) {
    case 'boolean':
      control = el('input', { id, type: 'checkbox', name: f.key, checked: f.default === true })
      read = () => control.checked
      break
    case 'single':
      control = el('select', { id, name: f.key }, el('option', { value: '' }, f.required ? '— choose —' : '— leave out —'), ...f.options.map((o) => el('option', { value: o.value, selected: o.value === f.default }, optionLabel(o))))
      read = () => (control.value === '' ? undefined : control.value)
      break
    case 'multi':
      control = el('fieldset', { id }, ...f.options.map((o) => el('label', {}, el('input', { type: 'checkbox', name: f.key, value: o.value, checked: Array.isArray(f.default) && f.default.includes(o.value) }), optionLabel(o))))
      read = () => [...control.querySelectorAll('input:checked')].map((i) => i.value)
      break
    default:
      // Numbers are sent as typed: the host reads them with the terminal form's rules.
      control = el('input', { id, name: f.key, value: f.default === undefined ? '' : String(f.default), inputmode: f.kind === 'string' ? undefined : 'decimal' })
      read = () => control.value
  }
  const node = el(
    'div',
    { class: 'field', 'data-field': f.key, 'data-kind': f.kind },
    el('label', { for: id }, f.title ?? f.key, f.required ? el('span', { class: 'required' }, ' *') : ''),
    f.description ? el('div', { class: 'small muted' }, clip(f.description, 1000)) : undefined,
    control,
    hints.length ? el('div', { class: 'small muted' }, hints.join(', ')) : undefined,
    el('div', { class: 'error small', 'data-error-for': f.key }),
  )
  return { node, read }
}

const blocks = (content) => (Array.isArray(content) ? content : [content])
function describeBlocks(content) {
  return blocks(content)
    .map((b) => (b?.type === 'text' ? b.text : b?.type === 'image' || b?.type === 'audio' ? `[${b.type} ${b.mimeType}]` : `[${b?.type ?? 'invalid'} content]`))
    .join('\n')
}

// ── MCP Apps: a tool's view in a sandboxed iframe, spoken to through AppBridge ─────────────────

/** The longest ui/message a view may put in the message box. */
const MAX_VIEW_MESSAGE = 10_000
/** Views kept running at once; past it the oldest is torn down (each is a document with its own scripts). */
const MAX_LIVE_VIEWS = 10
/** The tallest an inline view grows to. */
const INLINE_MAX_HEIGHT = 600

// callId → Promise<{ frame, iframe, bridge, viewId } | undefined>: results may arrive while the bridge module still loads.
const views = new Map()
/** Views being torn down (callIds). */
const closing = new Set()
let bridgeModule

const theme = () => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')
/** The page's look for views: its theme, the spec's CSS variables it defines (style.css), its font. */
const look = (readStyleVariables) => ({ theme: theme(), styles: { variables: readStyleVariables(getComputedStyle(document.documentElement)) } })

/**
 * Shows a tool call's view: an iframe on the host's origin at a path only this view has, with no
 * `allow-same-origin` in its sandbox (and in the CSP the host sends with it), so the view runs in an
 * opaque origin: it cannot reach this page, its token, or the host's API. Everything it may do goes
 * through the AppBridge: `tools/call` of its own server's app-visible tools (the host checks again,
 * and asks consent as for the model's calls), `resources/read` and `resources/list` of its own server's resources, links the user sees opened in a new tab, a message it
 * writes into the message box for the user to send, what it tells the model (shown in the chat when
 * the model gets it), full screen and back, its size, log lines to the page's console, and asking
 * to be closed. The card's Close button tears it down (`ui/resource-teardown`, then the iframe goes).
 */
async function showApp(message) {
  const card = calls.get(message.callId)
  if (!card) return undefined
  bridgeModule ??= import('/assets/app-bridge.js')
  const { AppBridge, readStyleVariables } = await bridgeModule
  const label = `the ${message.tool.name} view of ${message.server}`
  // One of the view's requests, relayed to the host's API for this view: its result, or its error (with the JSON-RPC code) for the view.
  const viewRequest = async (what, body, failure) => {
    const { ok, data } = await api(`apps/${encodeURIComponent(message.viewId)}/${what}`, body)
    if (!ok) throw Object.assign(new Error(data.error ?? failure), { code: data.code })
    return data.result
  }
  const iframe = el('iframe', { class: `app-view${message.prefersBorder === false ? '' : ' bordered'}`, sandbox: message.sandbox, allow: message.allow || undefined, src: message.src, title: `${message.server} / ${message.tool.name}` })
  const fullscreen = el('button', { type: 'button', 'data-action': 'fullscreen', hidden: true, onclick: () => setDisplayMode(view, frame.dataset.displayMode === 'fullscreen' ? 'inline' : 'fullscreen') }, 'Full screen')
  const dock = el('button', { type: 'button', 'data-action': 'dock', onclick: () => setDisplayMode(view, 'inline') }, 'Dock')
  const close = el('button', { type: 'button', 'data-action': 'close-view', onclick: () => void closeView(message.callId, 'The user closed the view') }, 'Close')
  const frame = el('div', { class: 'app-frame', 'data-view': message.viewId, 'data-display-mode': 'inline' }, el('div', { class: 'app-bar row' }, el('span', { class: 'small muted' }, `${message.server} / ${message.tool.name} (MCP App)`), dock, fullscreen, close), iframe)
  const bridge = new AppBridge({
    post: (m) => iframe.contentWindow?.postMessage(m, '*'), // an opaque origin has no name to target
    tools: message.tools,
    callTool: (name, args) => viewRequest('call', { name, arguments: args }, 'The call failed.'),
    // Its own server's resources (the host refuses any other server's).
    readResource: (uri) => viewRequest('read', { uri }, 'The read failed.'),
    listResources: (cursor) => viewRequest('resources', cursor === undefined ? {} : { cursor }, 'The listing failed.'),
    hostInfo: { name: 'plugboard-host', version: 'web' },
    hostContext: {
      toolInfo: { id: message.callId, tool: message.tool },
      ...look(readStyleVariables),
      displayMode: 'inline',
      availableDisplayModes: ['inline', 'fullscreen', 'pip'],
      containerDimensions: { maxHeight: INLINE_MAX_HEIGHT },
      platform: 'web',
      locale: navigator.language,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      userAgent: 'plugboard-host',
      deviceCapabilities: { touch: matchMedia('(pointer: coarse)').matches, hover: matchMedia('(hover: hover)').matches },
      safeAreaInsets: { top: 0, right: 0, bottom: 0, left: 0 },
    },
    // Text is what the message box and the model's context take here.
    accepts: { message: { text: {} }, updateModelContext: { text: {}, structuredContent: {} } },
    onSizeChanged: ({ height }) => {
      if (typeof height === 'number') iframe.style.height = `${Math.min(Math.max(height, 40), INLINE_MAX_HEIGHT)}px`
    },
    onOpenLink: ({ url }) => void window.open(url, '_blank', 'noopener,noreferrer'),
    // A view's ui/message goes into the message box, not straight to the model: pressing Send is the
    // user's consent, as the spec leaves it to the host to let the user review what a view says for them.
    onMessage: ({ content }) => {
      const text = (Array.isArray(content) ? content : [content]).map((b) => b.text).join('\n')
      if (text.length > MAX_VIEW_MESSAGE) throw new Error(`The message is longer than ${MAX_VIEW_MESSAGE} characters.`)
      // Never over what the user is typing: they could press Enter on the view's words unawares.
      if ($('message').value.trim() !== '') throw new Error('The user is writing a message; the view’s was not put in the message box.')
      $('message').value = text
      $('message').focus()
      addEntry('output', el('pre', {}, `${capitalize(label)} wrote a message for you in the message box; press Send to send it.`))
    },
    // The host keeps it for the model's next turn (each update replaces the last) and shows it then.
    onUpdateModelContext: async (context) => void (await viewRequest('context', context, 'The host refused the context.')),
    // The view asks the host's model: reviewed like a server's sampling (the request, then the answer).
    onCreateMessage: (params) => viewRequest('sample', params, 'The model was not asked.'),
    // A sandboxed view cannot download: it hands the files over, and the user says whether to save them.
    onDownloadFile: ({ contents }) => confirmDownload(label, message.viewId, contents),
    onRequestDisplayMode: ({ mode }) => setDisplayMode(view, mode),
    // The spec lets the host decide: this one closes a view that asks, as the user's Close would.
    onRequestTeardown: () => void closeView(message.callId, 'The view asked to be closed'),
    // A view's log lines are for whoever debugs it, not for the chat: the page's console has them.
    onLog: ({ level, logger, data }) => console.info(`view of ${message.server}/${message.tool.name} [${level}]${logger ? ` ${logger}` : ''}:`, data),
    onError: (error) => console.warn(`view of ${message.server}/${message.tool.name}:`, error.message),
  })
  const view = { callId: message.callId, viewId: message.viewId, frame, iframe, bridge }
  // The host offers its own Full screen button to views that said they can be shown so.
  void bridge.initialized.then(() => (fullscreen.hidden = !bridge.app?.appCapabilities?.availableDisplayModes?.includes('fullscreen')), () => undefined)
  card.dataset.app = 'true'
  card.insertBefore(frame, card.querySelector('.result'))
  bridge.sendToolInput(message.arguments ?? {})
  scrollDown()
  // Bounded: the oldest live views are closed past MAX_LIVE_VIEWS.
  const live = [...views.keys()].filter((id) => id !== message.callId && !closing.has(id))
  for (const old of live.slice(0, Math.max(0, live.length + 1 - MAX_LIVE_VIEWS))) void closeView(old, 'Too many views are open; the oldest was closed')
  return view
}

const capitalize = (text) => text.charAt(0).toUpperCase() + text.slice(1)

/** A file name the browser may save to: the last path segment, no separators or control characters. */
function fileName(name) {
  const safe = String(name).replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_').replace(/^\.+/, '').slice(-120)
  return safe || 'download'
}
const lastSegment = (uri) => {
  try {
    return decodeURIComponent(new URL(uri).pathname.split('/').filter(Boolean).at(-1) ?? '')
  } catch {
    return ''
  }
}
const bytesOf = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
const formatSize = (n) => (n < 1024 ? `${n} bytes` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`)

/** What the dialog says of one file, and how to get its bytes. */
function describeFile(item, viewId) {
  if (item.type === 'resource') {
    const { resource } = item
    const type = resource.mimeType ?? (typeof resource.text === 'string' ? 'text/plain' : 'application/octet-stream')
    const blob = () => new Blob([typeof resource.text === 'string' ? resource.text : bytesOf(resource.blob)], { type })
    const size = typeof resource.text === 'string' ? new Blob([resource.text]).size : Math.floor((resource.blob.replace(/=+$/, '').length * 3) / 4)
    return { name: fileName(lastSegment(resource.uri) || 'download'), type, size, blob: async () => blob() }
  }
  // A link: read from the view's own server when the user saves it.
  return {
    name: fileName(item.name || lastSegment(item.uri)),
    type: item.mimeType ?? 'application/octet-stream',
    size: item.size,
    blob: async () => {
      const { ok, data } = await api(`apps/${encodeURIComponent(viewId)}/read`, { uri: item.uri })
      if (!ok) throw new Error(data.error ?? `${item.uri} could not be read.`)
      const content = data.result.contents.find((c) => c.uri === item.uri) ?? data.result.contents[0]
      if (!content) throw new Error(`${item.uri} has no content.`)
      const type = content.mimeType ?? item.mimeType ?? 'application/octet-stream'
      return new Blob([typeof content.text === 'string' ? content.text : bytesOf(content.blob ?? '')], { type })
    },
  }
}

/** Views with a download waiting for the user: one at a time each. */
const downloading = new Set()

/**
 * Asks the user whether to save the files a view hands over (names, types and sizes shown), then
 * saves them through the browser's own download. `{ isError: true }` when the user said no.
 */
async function confirmDownload(label, viewId, contents) {
  if (downloading.has(viewId)) throw new Error('A download from this view is already waiting for the user.')
  downloading.add(viewId)
  try {
    const files = contents.map((item) => describeFile(item, viewId))
    const save = await new Promise((resolve) => {
      const box = el(
        'section',
        { class: 'dialog', 'data-kind': 'download', role: 'dialog' },
        el('h3', {}, `${capitalize(label)} wants to save ${files.length === 1 ? 'a file' : `${files.length} files`}`),
        el('ul', { class: 'files' }, ...files.map((f) => el('li', { 'data-file': f.name }, el('code', {}, f.name), ` — ${f.type}${f.size === undefined ? '' : `, ${formatSize(f.size)}`}`))),
        el(
          'div',
          { class: 'buttons' },
          el('button', { type: 'button', class: 'primary', 'data-action': 'save', onclick: () => (box.remove(), resolve(true)) }, files.length === 1 ? 'Save' : 'Save all'),
          el('button', { type: 'button', 'data-action': 'cancel', onclick: () => (box.remove(), resolve(false)) }, 'Cancel'),
        ),
      )
      dialogs.append(box)
      scrollDown()
      box.querySelector('button').focus()
    })
    if (!save) return { isError: true }
    for (const file of files) {
      const url = URL.createObjectURL(await file.blob())
      el('a', { href: url, download: file.name }).click()
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
    }
    addEntry('output', el('pre', {}, `Saved ${files.map((f) => f.name).join(', ')} from ${label}.`))
    return {}
  } finally {
    downloading.delete(viewId)
  }
}

/** Shows a view inline or over the whole page, and tells it its new mode and room. Returns the mode. */
function setDisplayMode(view, mode) {
  view.frame.dataset.displayMode = mode
  view.frame.querySelector('[data-action="fullscreen"]').textContent = mode === 'fullscreen' ? 'Exit full screen' : 'Full screen'
  // Full screen and picture-in-picture are fixed boxes: the view gets their size; inline it grows up to a height.
  const containerDimensions = mode === 'inline' ? { maxHeight: INLINE_MAX_HEIGHT } : { width: view.iframe.clientWidth, height: view.iframe.clientHeight }
  view.bridge.setHostContext({ displayMode: mode, containerDimensions })
  if (mode === 'inline') view.iframe.scrollIntoView({ block: 'nearest' })
  return mode
}

/**
 * Tears a view down: asks it to wind down (`ui/resource-teardown`, answered or timed out), removes
 * its iframe, and tells the host to forget it (its document, its calls, what it told the model).
 */
async function closeView(callId, reason) {
  if (closing.has(callId)) return
  closing.add(callId)
  const view = await views.get(callId)
  if (!view) return void (views.delete(callId), closing.delete(callId))
  view.frame.dataset.closing = 'true'
  // Still in `views` until it answered: its answer comes through the page's message listener.
  await view.bridge.teardown(reason)
  views.delete(callId)
  closing.delete(callId)
  const card = view.frame.closest('.entry')
  view.frame.replaceWith(el('div', { class: 'small muted app-closed' }, `View closed: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}.`))
  if (card) card.dataset.app = 'closed'
  await api(`apps/${encodeURIComponent(view.viewId)}/close`, {})
}

window.addEventListener('message', (event) => {
  for (const view of views.values()) {
    void view.then((v) => {
      if (v && event.source === v.iframe.contentWindow) v.bridge.receive(event.data)
    })
  }
})

// The page is going away: each view is told (it cannot answer in time, but it may save what it can).
window.addEventListener('pagehide', () => {
  for (const view of views.values()) void view.then((v) => v?.bridge.teardown('The page was closed'))
})

// Esc brings full-screen and floating views back inline, as the browser's own full screen does.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return
  for (const view of views.values()) void view.then((v) => v && v.frame.dataset.displayMode !== 'inline' && setDisplayMode(v, 'inline'))
})

// The system's theme changed: the page follows (style.css), and so do the views.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', async () => {
  if (!bridgeModule) return
  const { readStyleVariables } = await bridgeModule
  for (const view of views.values()) void view.then((v) => v?.bridge.setHostContext(look(readStyleVariables)))
})

// ── the event stream, and what the user does ────────────────────────────────────────────────────

function onMessage(message) {
  if (message.type === 'state') return renderState(message.state)
  if (message.type === 'event') return onEvent(message.event)
  if (message.type === 'dialog') return showDialog(message.id, message.dialog)
  if (message.type === 'dialog_closed') return dialogs.querySelector(`[data-dialog="${CSS.escape(message.id)}"]`)?.remove()
  if (message.type === 'output') return void addEntry('output', el('pre', {}, message.text))
  if (message.type === 'app') return void views.set(message.callId, showApp(message).catch((error) => (addEntry('error', `The view could not be shown: ${error.message}`), undefined)))
  if (message.type === 'app_result') return void views.get(message.callId)?.then((v) => v?.bridge.sendToolResult(message.result))
  if (message.type === 'app_cancelled') return void views.get(message.callId)?.then((v) => v?.bridge.sendToolCancelled(message.reason))
}

async function listen() {
  const badge = $('connection')
  for (;;) {
    try {
      const response = await fetch('/api/events', { headers: { authorization: `Bearer ${token}` } })
      if (response.status === 401) {
        badge.dataset.state = 'refused'
        badge.textContent = 'wrong token: open the URL the host printed'
        return
      }
      badge.dataset.state = 'connected'
      badge.textContent = 'connected'
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += value
        let end
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = frame
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n')
          if (data) onMessage(JSON.parse(data))
        }
      }
    } catch {
      // The host stopped or restarted: try again below.
    }
    badge.dataset.state = 'disconnected'
    badge.textContent = 'disconnected — retrying'
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
}

async function send(text) {
  if (!text.startsWith('/')) addEntry('user', el('span', { class: 'who' }, 'you'), el('div', { class: 'text' }, text))
  const { ok, data } = await api('send', { text })
  if (!ok) addEntry('error', data.error ?? 'The message was not sent.')
}
const command = (line) => send(line)

$('composer').addEventListener('submit', (event) => {
  event.preventDefault()
  const text = $('message').value.trim()
  if (!text || state.busy) return
  $('message').value = ''
  void send(text)
})
$('cancel').addEventListener('click', () => void api('cancel', {}))
$('add-root').addEventListener('submit', (event) => {
  event.preventDefault()
  const uri = $('root-uri').value.trim()
  if (!uri) return
  $('root-uri').value = ''
  void command(`/roots add ${uri}`)
})

void listen()
