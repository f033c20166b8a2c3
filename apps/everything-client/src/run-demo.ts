import { fileURLToPath } from 'node:url'
import type { Writable } from 'node:stream'
import { Client, ErrorCode, McpError } from '@plugboard/client'
import type { CallToolResult, ContentBlock, PromptMessage } from '@plugboard/protocol'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { DEMO_ROOTS, SCRIPTED_MODEL, scriptedModel, scriptedUser } from './scripted.js'
import { args, brief, Transcript } from './transcript.js'

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The server to spawn: a JS file run with this Node. Default: the built everything-server's bin. */
  serverPath?: string
  /** Where the transcript goes. Default stdout. */
  out?: Writable
  /** How long the cancelled call runs before it is cancelled, in ms. Default 300. */
  cancelAfterMs?: number
}

/** The everything-server's bin, built beside this app in the monorepo (apps/everything-server/dist). */
export const EVERYTHING_SERVER_BIN = fileURLToPath(new URL('../../everything-server/dist/bin.js', import.meta.url))

/**
 * Spawns the everything-server over stdio and walks through one of each MCP feature with our
 * `Client`, printing a short transcript. Resolves with the process exit code to use: 0 when every
 * step worked and the server exited cleanly.
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const say = new Transcript(options.out)
  const serverPath = options.serverPath ?? EVERYTHING_SERVER_BIN
  const transport = new StdioClientTransport({ command: process.execPath, args: [serverPath] })
  const client = new Client(
    { name: 'plugboard-everything-client', version: '0.0.0' },
    {
      sampling: (params) => {
        const question = params.messages.at(-1)?.content
        say.receive(`sampling/createMessage ${brief(!Array.isArray(question) && question?.type === 'text' ? question.text : question, 50)}`, 1)
        const result = scriptedModel(params)
        const answer = !Array.isArray(result.content) && result.content.type === 'text' ? result.content.text : result.content
        say.send(`answered by the scripted model: ${brief(answer, 50)}`, 1)
        return result
      },
      elicitation: {
        form: (params) => {
          say.receive(`elicitation/create ${brief(params.message)} fields: ${Object.keys(params.requestedSchema.properties).join(', ')}`, 1)
          const result = scriptedUser(params)
          say.send(`the scripted user answers ${result.action}: ${args(result.content ?? {})}`, 1)
          return result
        },
      },
      roots: {
        list: () => {
          say.receive('roots/list', 1)
          say.send(`${DEMO_ROOTS.length} roots: ${DEMO_ROOTS.map((root) => root.uri).join(', ')}`, 1)
          return DEMO_ROOTS
        },
      },
    },
  )
  client.on('log', ({ level, logger, data }) => say.receive(`log [${level}]${logger ? ` ${logger}:` : ''} ${brief(data, 60)}`, 1))
  client.on('resourceUpdated', ({ uri }) => say.receive(`resources/updated ${uri}`, 1))

  say.plain(`Plugboard everything-client demo (sampling and elicitation answers are scripted, model "${SCRIPTED_MODEL}")`)
  say.send(`spawn node ${serverPath.split(/[\\/]/).slice(-4).join('/')}, connect (server/discover, or initialize for an older server)`)
  try {
    await client.connect(transport)
    const info = client.getServerVersion()
    say.receive(`connected to ${info?.name} ${info?.version}, protocol ${client.getNegotiatedProtocolVersion()}`)

    say.send('tools/list')
    const { tools } = await client.listTools()
    say.receive(`${tools.length} tools: ${tools.map((tool) => tool.name).join(', ')}`)

    await call(client, say, 'add', { a: 2, b: 3 }, {}, { structured: true })
    await call(client, say, 'long-running-operation', { durationMs: 600, steps: 3 }, {
      onprogress: ({ progress, total, message }) => say.receive(`progress ${progress}/${total ?? '?'}${message ? ` ${brief(message)}` : ''}`, 1),
    })
    await call(client, say, 'sample-llm', { prompt: 'What is the capital of France?' })
    await call(client, say, 'elicit-input', {})
    await call(client, say, 'list-roots', {})

    say.send('set the log level to info (debug is filtered out)')
    await client.setLoggingLevel('info')
    await call(client, say, 'log', { message: 'hello' })

    say.send('resources/read everything://static/readme')
    const read = await client.readResource({ uri: 'everything://static/readme' })
    const contents = read.contents[0]
    say.receive(`${contents?.mimeType} ${brief(contents && 'text' in contents ? contents.text : contents)}`)

    say.send('subscribe to everything://items/3, then update it')
    await client.subscribeResource({ uri: 'everything://items/3' })
    await call(client, say, 'update-item', { id: '3' })

    say.send('completion/complete everything://items/{id} id="1"')
    const completion = await client.complete({ ref: { type: 'ref/resource', uri: 'everything://items/{id}' }, argument: { name: 'id', value: '1' } })
    say.receive(`${completion.completion.values.join(', ')}`)

    say.send(`prompts/get complex ${args({ temperature: '0.7', style: 'formal' })}`)
    const prompt = await client.getPrompt({ name: 'complex', arguments: { temperature: '0.7', style: 'formal' } })
    say.receive(`${prompt.messages.length} messages: ${prompt.messages.map(describeMessage).join('; ')}`)

    const cancelAfterMs = options.cancelAfterMs ?? 300
    say.send(`tools/call slow ${args({ durationMs: 60_000 })}, cancelled after ${cancelAfterMs} ms`)
    try {
      await client.callTool({ name: 'slow', arguments: { durationMs: 60_000 } }, { signal: AbortSignal.timeout(cancelAfterMs) })
      say.fail('slow finished without being cancelled')
      return 1
    } catch (error) {
      if (!(error instanceof McpError) || error.code !== ErrorCode.RequestCancelled) throw error
      say.receive(`rejected with McpError ${error.code} (RequestCancelled); the server was sent notifications/cancelled`)
    }

    say.send('ping, to show the server is still serving')
    await client.ping()
    say.receive('pong')
  } catch (error) {
    say.fail(`${error instanceof Error ? error.message : String(error)}`)
    await client.close().catch(() => {})
    const tail = transport.stderrTail.trim()
    if (tail) say.plain(`server stderr:\n${tail}`)
    return 1
  }

  say.send('close (stdin EOF)')
  await client.close()
  const code = transport.exitCode
  const signal = transport.exitSignal
  say.receive(signal ? `server was killed by ${signal}` : `server exited with code ${code}`)
  return code === 0 ? 0 : 1
}

async function call(
  client: Client,
  say: Transcript,
  name: string,
  toolArgs: Record<string, unknown>,
  options: Parameters<Client['callTool']>[1] = {},
  show: { structured?: boolean } = {},
): Promise<CallToolResult> {
  say.send(`tools/call ${name} ${args(toolArgs)}`)
  const result = await client.callTool({ name, arguments: toolArgs }, options)
  const content = (result.content ?? []).map(describeContent).join(', ')
  const structured = show.structured && result.structuredContent !== undefined ? `  structuredContent ${brief(result.structuredContent, 40)}` : ''
  say.receive(`${result.isError ? 'isError ' : ''}${content}${structured}`)
  return result
}

function describeContent(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return brief(block.text, 80)
    case 'image':
    case 'audio':
      return `${block.type} ${block.mimeType} (${Math.floor((block.data.length * 3) / 4)} bytes)`
    case 'resource_link':
      return `link ${block.uri}`
    case 'resource':
      return `resource ${block.resource.uri}`
    default:
      return (block as { type: string }).type
  }
}

function describeMessage(message: PromptMessage): string {
  return `${message.role} ${describeContent(message.content as ContentBlock)}`
}
