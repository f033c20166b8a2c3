import type { ConsentStore, HostTask } from '@plugboard/host'
import type { PromptMessage } from '@plugboard/protocol'
import { SkillVerificationError } from '@plugboard/skills/client'
import type { HostApp } from '../app.js'
import { listServerSkills } from '../skills.js'
import { sanitize } from './sanitize.js'

/** What a slash command needs: the host, where to write, and the consent store behind "allow always". */
export interface CommandContext {
  app: HostApp
  write: (text: string) => void
  store?: ConsentStore
}

/** What the chat does after a command: go on, send a message to the model (`/prompt`), or exit. */
export type CommandOutcome = { next: 'continue' } | { next: 'send'; text: string } | { next: 'exit' }

export const HELP = `Commands:
  /servers                     each server's state, process and tool count, and whether it needs login
  /tools [server]              the tools the model can call
  /resources [server]          resources and resource templates
  /prompts [server]            prompts; /prompt <name> [json-args] sends one to the model
  /read <uri> [server]         reads a resource
  /tasks                       tool calls running as tasks: server, tool, id, status, age
  /cancel <task-id>            cancels a task (a unique start of its id will do)
  /skills                      the skills the servers offer (listed only: no skill file is read)
  /skills add <server> <name>  loads that skill, verified, into the conversation's context
  /approve                     the consent policy and the tools allowed always
  /approve <server>/<tool>     allows a tool always;  /approve revoke <server>/<tool> stops that
  /roots                       the roots offered to servers; /roots add <file-uri> [name], /roots remove <uri>
  /restart <server>            restarts a server
  /login <server>              signs in to a server that asks for OAuth (in the browser) and connects it
  /logout <server>             forgets that server's tokens and disconnects it
  /clear                       forgets the conversation and the skills added to it
  /exit                        shuts every server down and exits (also Ctrl-D)
Ctrl-C cancels the running answer or tool call; at an empty prompt, twice exits.
`

/** Runs one slash command. Never throws: a failure is written out and the chat goes on. */
export async function runCommand(line: string, context: CommandContext): Promise<CommandOutcome> {
  const [name = '', ...args] = line.trim().slice(1).split(/\s+/)
  const command = COMMANDS[name]
  if (!command) {
    context.write(`Unknown command /${sanitize(name)}; /help lists them.\n`)
    return { next: 'continue' }
  }
  try {
    return (await command(args, context, line.trim().slice(name.length + 1).trim())) ?? { next: 'continue' }
  } catch (error) {
    context.write(`/${name} failed: ${sanitize((error as Error).message)}\n`)
    return { next: 'continue' }
  }
}

type Command = (args: string[], context: CommandContext, rest: string) => Promise<CommandOutcome | void> | CommandOutcome | void

const COMMANDS: Record<string, Command> = {
  help: (_, { write }) => write(HELP),
  exit: () => ({ next: 'exit' }),
  quit: () => ({ next: 'exit' }),
  clear: (_, { app, write }) => {
    app.clear()
    write('The conversation is forgotten.\n')
  },
  tasks: (_, { app, write }) => {
    const tasks = app.tasks.list()
    if (tasks.length === 0) return write('No tasks.\n')
    const now = Date.now()
    for (const t of tasks) {
      // A task that completed or was cancelled may still carry the message of its running days.
      const message = t.statusMessage && t.status !== 'completed' && t.status !== 'cancelled' ? ` (${sanitize(t.statusMessage)})` : ''
      write(`${t.server}/${sanitize(t.tool)}  ${t.taskId}  ${t.status}${message}  ${age(now - t.startedAt)}\n`)
    }
  },
  cancel: async ([id], { app, write }) => {
    if (!id) return write('Usage: /cancel <task-id>; /tasks lists them.\n')
    const matches = app.tasks.list().filter((t) => t.taskId === id || t.taskId.startsWith(id))
    const task = matches.find((t) => t.taskId === id) ?? (matches.length === 1 ? matches[0] : undefined)
    if (!task) {
      return write(matches.length > 1 ? `"${sanitize(id)}" starts ${matches.length} task ids: ${matches.map((t) => t.taskId).join(', ')}; give more of it.\n` : `No task "${sanitize(id)}"; /tasks lists them.\n`)
    }
    if (task.result) return write(`Task ${task.taskId} already ended: ${task.status}.\n`)
    const ended: HostTask | undefined = await app.tasks.cancel(task.taskId)
    write(ended?.status === 'cancelled' ? `Task ${task.taskId} is cancelled.\n` : `Asked ${task.server} to cancel task ${task.taskId}; it is ${ended?.status ?? 'unknown'}.\n`)
  },
  skills: async ([action, server, name], { app, write }) => {
    if (action === 'add') {
      if (!server || !name) return write('Usage: /skills add <server> <name>; /skills lists them.\n')
      try {
        const skill = await app.addSkill(server, name)
        return write(`Skill ${skill.name} of ${skill.server} is in the conversation's context (${skill.body.length} characters, verified); the model reads it from the next message.\n`)
      } catch (error) {
        if (error instanceof SkillVerificationError) {
          return write(`Refused skill "${sanitize(name)}" of ${server}: ${sanitize(error.message)} (check: ${error.reason}). Nothing was added to the context.\n`)
        }
        return write(`${sanitize((error as Error).message)}\n`)
      }
    }
    if (action !== undefined) return write('Usage: /skills | /skills add <server> <name>\n')
    const { skills, errors } = await listServerSkills(app.manager)
    for (const { server: s, error } of errors) write(`${s}: listing skills failed: ${sanitize(error.message)}\n`)
    if (skills.length === 0 && errors.length === 0) return write('No server offers skills.\n')
    const added = new Set(app.skills.map((s) => `${s.server}\0${s.name}`))
    for (const skill of skills) {
      write(`${sanitize(skill.name)}  ${sanitize(skill.description)}  (${skill.server})${added.has(`${skill.server}\0${skill.name}`) ? ' [in context]' : ''}\n`)
    }
  },
  servers: (_, { app, write }) => {
    const tools = app.catalog.tools()
    for (const s of app.manager.statuses()) {
      const info = s.serverInfo ? ` ${sanitize(s.serverInfo.name)} ${sanitize(s.serverInfo.version)}` : ''
      const count = tools.filter((t) => t.server === s.name).length
      const login = s.state === 'unauthorized' ? ` — needs login: /login ${s.name}` : s.state === 'authorizing' ? ' — waiting for you to sign in in the browser' : ''
      write(`${s.name}: ${s.state}${info}${s.pid ? ` pid ${s.pid}` : ''}, ${count} tools${s.failures ? `, ${s.failures} failures` : ''}${login}${s.error ? ` — ${sanitize(s.error.message)}` : ''}\n`)
    }
  },
  tools: ([server], { app, write }) => {
    const tools = app.catalog.tools().filter((t) => !server || t.server === server)
    if (tools.length === 0) return write('No tools.\n')
    for (const { name, tool } of tools) {
      const hints = Object.entries(tool.annotations ?? {})
        .filter(([key, value]) => key.endsWith('Hint') && value === true)
        .map(([key]) => key.replace(/Hint$/, ''))
      write(`${name}${hints.length ? ` [claims: ${hints.join(', ')}]` : ''}  ${sanitize(tool.title ?? tool.description ?? '')}\n`)
    }
  },
  resources: ([server], { app, write }) => {
    const resources = app.catalog.resources().filter((r) => !server || r.server === server)
    const templates = app.catalog.templates().filter((t) => !server || t.server === server)
    if (resources.length + templates.length === 0) return write('No resources.\n')
    for (const { server: s, resource } of resources) write(`${s}: ${sanitize(resource.uri)}  ${sanitize(resource.title ?? resource.name)}\n`)
    for (const { server: s, template } of templates) write(`${s}: ${sanitize(template.uriTemplate)} (template)  ${sanitize(template.title ?? template.name)}\n`)
  },
  prompts: ([server], { app, write }) => {
    const prompts = app.catalog.prompts().filter((p) => !server || p.server === server)
    if (prompts.length === 0) return write('No prompts.\n')
    for (const { name, prompt } of prompts) {
      const args = (prompt.arguments ?? []).map((a) => (a.required ? a.name : `${a.name}?`)).join(', ')
      write(`${name}(${sanitize(args)})  ${sanitize(prompt.description ?? '')}\n`)
    }
  },
  prompt: async ([name], { app, write }, rest) => {
    if (!name) return write('Usage: /prompt <name> [json-arguments]\n')
    const entry = app.catalog.resolvePrompt(name)
    if (!entry) return write(`No prompt "${sanitize(name)}"; /prompts lists them.\n`)
    const json = rest.slice(name.length).trim()
    const args = json ? (JSON.parse(json) as Record<string, string>) : undefined
    const client = app.manager.client(entry.server)
    if (!client) return write(`${entry.server} is not ready.\n`)
    const result = await client.getPrompt({ name: entry.prompt.name, arguments: args })
    const text = result.messages.map(messageText).join('\n\n')
    write(`[prompt] ${entry.server}/${sanitize(entry.prompt.name)}:\n${sanitize(text)}\n`)
    return { next: 'send', text }
  },
  read: async ([uri, server], { app, write }) => {
    if (!uri) return write('Usage: /read <uri> [server]\n')
    const owner = server ?? app.catalog.resources().find((r) => r.resource.uri === uri)?.server ?? (app.manager.names.length === 1 ? app.manager.names[0] : undefined)
    const client = owner ? app.manager.client(owner) : undefined
    if (!client) return write(`No ready server serves ${sanitize(uri)}; name one: /read <uri> <server>\n`)
    const { contents } = await client.readResource({ uri })
    for (const item of contents) {
      const { text, blob } = item as { text?: unknown; blob?: unknown }
      write(typeof text === 'string' ? `${sanitize(item.uri)}:\n${sanitize(text)}\n` : `${sanitize(item.uri)}: binary, ${item.mimeType ?? 'unknown type'}, ${String(blob ?? '').length} base64 characters\n`)
    }
  },
  approve: async (args, { app, write, store }) => {
    const [first, second] = args
    const target = first === 'revoke' ? second : first
    if (!target) {
      const { deny = [], alwaysAllow = [], autoApproveReadOnly = false } = app.policy
      write(`Policy: deny ${deny.join(', ') || '(none)'}; always allow ${alwaysAllow.join(', ') || '(none)'}; read-only tools ${autoApproveReadOnly ? 'run without asking (the server\'s claim is trusted)' : 'ask like any other'}.\n`)
      const allowed = store?.allowed ?? []
      write(allowed.length ? `Allowed always:\n${allowed.map((t) => `  ${t.server}/${t.tool}`).join('\n')}\n` : 'No tool is allowed always; each call asks.\n')
      if (store) write(`(kept in ${store.path})\n`)
      return
    }
    const slash = target.indexOf('/')
    if (slash <= 0) return write('Name the tool as <server>/<tool>.\n')
    const tool = { server: target.slice(0, slash), tool: target.slice(slash + 1) }
    if (first === 'revoke') {
      await app.consent.forget(tool)
      write(`${target} asks again from now on.\n`)
    } else {
      await app.consent.remember(tool)
      write(`${target} is allowed always from now on.\n`)
    }
  },
  roots: async ([action, uri, ...name], { app, write }) => {
    if (!action) {
      if (app.roots.length === 0) return write('No roots are offered.\n')
      return write(app.roots.map((r) => `${r.uri}${r.name ? `  ${r.name}` : ''}\n`).join(''))
    }
    if (!uri || (action !== 'add' && action !== 'remove')) return write('Usage: /roots add <file-uri> [name] | /roots remove <uri>\n')
    if (action === 'add') {
      if (!uri.startsWith('file://')) return write('A root is a file:// URI.\n')
      await app.setRoots([...app.roots.filter((r) => r.uri !== uri), { uri, ...(name.length ? { name: name.join(' ') } : {}) }])
    } else await app.setRoots(app.roots.filter((r) => r.uri !== uri))
    write(`Roots are now: ${app.roots.map((r) => r.uri).join(', ') || 'none'} (servers were notified).\n`)
  },
  restart: async ([server], { app, write }) => {
    if (!server || !app.manager.status(server)) return write(`Usage: /restart <server>; servers: ${app.manager.names.join(', ')}\n`)
    await app.manager.restart(server)
  },
  // The sign-in URL is shown (and opened) by the host's `authorization` event; this waits for the browser to come back.
  login: async ([server], { app, write }) => {
    if (!server || !app.manager.status(server)) return write(`Usage: /login <server>; servers: ${app.manager.names.join(', ')}\n`)
    await app.manager.login(server)
    write(`Signed in to ${server}.\n`)
  },
  logout: async ([server], { app, write }) => {
    if (!server || !app.manager.status(server)) return write(`Usage: /logout <server>; servers: ${app.manager.names.join(', ')}\n`)
    await app.manager.logout(server)
    write(`Signed out of ${server}: its tokens are forgotten and it is disconnected. /login ${server} signs in again.\n`)
  },
}

/** `42s`, `3m 5s`, `2h 10m`. */
function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
}

function messageText(message: PromptMessage): string {
  const content = message.content
  if (content.type === 'text') return content.text
  if (content.type === 'resource' && typeof (content.resource as { text?: unknown }).text === 'string') return (content.resource as { text: string }).text
  return `[${content.type}]`
}
