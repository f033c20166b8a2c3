import { complete } from './features/completion.js'
import type { Prompts } from './features/prompts.js'
import type { Resources } from './features/resources.js'
import { subscribe, unsubscribe, type Listeners } from './features/subscriptions.js'
import type { Tools } from './features/tools.js'
import type { ServerRequestHandler } from './options.js'

export type Builtin =
  | 'tools/list'
  | 'tools/call'
  | 'resources/list'
  | 'resources/templates/list'
  | 'resources/read'
  | 'resources/subscribe'
  | 'resources/unsubscribe'
  | 'prompts/list'
  | 'prompts/get'
  | 'completion/complete'
  | 'logging/setLevel'
  | 'subscriptions/listen'
  | 'ping'

/** What the built-in handlers serve from: the server's registries and its declared capabilities. */
export interface BuiltinParts {
  tools: Tools
  resources: Resources
  prompts: Prompts
  listeners: Listeners
  pageSize: number
  capabilities: () => Record<string, unknown>
}

/** The handlers of every method a server answers by itself, bound once to its registries. */
export function builtinHandlers({ tools, resources, prompts, listeners, pageSize, capabilities }: BuiltinParts): { [M in Builtin]: ServerRequestHandler<M> } {
  return {
    'tools/list': (p) => tools.list(p.cursor, pageSize),
    'tools/call': (p, ctx) => tools.call(p, ctx),
    'resources/list': (p, ctx) => resources.list(p.cursor, pageSize, ctx),
    'resources/templates/list': (p) => resources.listTemplates(p.cursor, pageSize),
    'resources/read': (p, ctx) => resources.read(p.uri, ctx),
    'resources/subscribe': (p, ctx) => subscribe(resources, ctx.session, p.uri),
    'resources/unsubscribe': (p, ctx) => unsubscribe(ctx.session, p.uri),
    'prompts/list': (p) => prompts.list(p.cursor, pageSize),
    'prompts/get': (p, ctx) => prompts.get(p, ctx),
    'completion/complete': (p, ctx) =>
      complete(p.ref.type === 'ref/prompt' ? prompts.completer(p.ref.name, p.argument.name) : resources.completer(p.ref.uri, p.argument.name), p, ctx),
    'logging/setLevel': (p, ctx) => {
      if (ctx.session) ctx.session.logLevel = p.level
      return {}
    },
    ping: () => ({}),
    'subscriptions/listen': (p, ctx) => listeners.listen(p.notifications, ctx, capabilities()) as never,
  }
}
