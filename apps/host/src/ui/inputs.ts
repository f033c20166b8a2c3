import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import type { ConfigInput, InputPrompt } from '@plugboard/host'
import { sanitizeLine } from './sanitize.js'

/**
 * Why an input of the config got no value: nobody could be asked (no terminal, `--json`) and no
 * environment variable gave it, or the user cancelled the prompt (`cancelled`).
 */
export class InputError extends Error {
  override readonly name = 'InputError'
  constructor(
    message: string,
    readonly cancelled: boolean,
  ) {
    super(message)
  }
}

/**
 * The environment variable that gives input `id` its value without a prompt: `PLUGBOARD_INPUT_`
 * and the id upper-cased, other characters than letters and digits as `_` (`api-key` →
 * `PLUGBOARD_INPUT_API_KEY`).
 */
export function inputEnvName(id: string): string {
  return `PLUGBOARD_INPUT_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`
}

/** How the input dialog talks to the user: a question and the line typed, hidden for a password. */
export interface InputAsker {
  write(text: string): void
  /** The line typed, or `undefined` when the user cancelled (Ctrl-C, end of input). */
  ask(question: string, options: { hidden: boolean }): Promise<string | undefined>
}

/** Options of {@link createInputPrompt}. */
export interface InputPromptOptions {
  /** Where `PLUGBOARD_INPUT_<ID>` is looked up; a value there is taken without asking. */
  env: Record<string, string | undefined>
  /** The user, if one can be asked (a terminal, not `--json`); else an input needs its variable or a default. */
  asker?: InputAsker
  /** Gets every password value (typed or from the environment), for the app to keep out of its output. */
  onSecret?: (value: string) => void
}

/**
 * The `promptInput` of `loadConfig` for the CLI: each input of the config a server uses comes
 * from `PLUGBOARD_INPUT_<ID>` if set, else is asked for on the terminal (a password without
 * echo; a pickString as a numbered list), else takes its `default`; with none of these it is
 * an {@link InputError} naming the variable to set.
 */
export function createInputPrompt(options: InputPromptOptions): InputPrompt {
  return async (input, { servers }) => {
    const secret = input.type === 'promptString' && input.password
    const fromEnv = options.env[inputEnvName(input.id)]
    const value = fromEnv ?? (options.asker ? await askInput(input, servers, options.asker) : input.default)
    if (value === undefined) {
      throw new InputError(
        `the config's input "${input.id}" (${input.description}), used by ${servers.join(', ')}, has no value: ` +
          `set ${inputEnvName(input.id)}, or run plugboard-host in a terminal (without --json) to be asked`,
        false,
      )
    }
    if (secret && value) options.onSecret?.(value)
    return value
  }
}

/** Asks for one input until the answer is usable; an empty answer takes the default. */
async function askInput(input: ConfigInput, servers: string[], asker: InputAsker): Promise<string> {
  const users = `for ${servers.map((s) => sanitizeLine(s)).join(', ')}`
  const fallback = input.default === undefined ? '' : ` [${sanitizeLine(input.default)}]`
  if (input.type === 'promptString') {
    const hidden = input.password
    const answer = await asker.ask(`${sanitizeLine(input.description)} (${users}${hidden ? ', not shown as you type' : ''})${fallback}: `, { hidden })
    if (answer === undefined) throw cancelled(input)
    return answer === '' && input.default !== undefined ? input.default : answer
  }
  asker.write(`${sanitizeLine(input.description)} (${users}):\n`)
  input.options.forEach((option, i) => asker.write(`  ${i + 1}) ${sanitizeLine(option.label)}${option.label === option.value ? '' : ` (${sanitizeLine(option.value)})`}\n`))
  for (;;) {
    const answer = await asker.ask(`Choose 1-${input.options.length}${fallback}: `, { hidden: false })
    if (answer === undefined) throw cancelled(input)
    const text = answer.trim()
    if (text === '' && input.default !== undefined) return input.default
    const picked = /^\d+$/.test(text) ? input.options[Number(text) - 1] : input.options.find((o) => o.value === text || o.label === text)
    if (picked) return picked.value
    asker.write(`Type a number from 1 to ${input.options.length}.\n`)
  }
}

function cancelled(input: ConfigInput): InputError {
  return new InputError(`cancelled: the config's input "${input.id}" was not given`, true)
}

/**
 * An {@link InputAsker} on a terminal, used before the chat's own readline exists. A hidden
 * question runs readline in raw mode (so the terminal itself does not echo) over an output that
 * drops what readline would draw of the typed text. `signal` (SIGTERM, SIGHUP) cancels the question.
 */
export function terminalAsker(input: NodeJS.ReadableStream & { isTTY?: boolean }, output: NodeJS.WritableStream, signal?: AbortSignal): InputAsker {
  return {
    write: (text) => void output.write(text),
    ask: (question, { hidden }) =>
      new Promise((resolve) => {
        let muted = false
        const sink = hidden ? new Writable({ write: (chunk, _encoding, done) => (muted || output.write(chunk), done()) }) : output
        const rl = createInterface({ input, output: sink, terminal: hidden ? input.isTTY === true : (output as { isTTY?: boolean }).isTTY === true })
        let answered = false
        // Ctrl-C at the question cancels it (and the start of the host), as at any dialog.
        rl.on('SIGINT', () => rl.close())
        const stop = () => rl.close()
        signal?.addEventListener('abort', stop, { once: true })
        rl.on('close', () => {
          signal?.removeEventListener('abort', stop)
          if (answered) return
          output.write('^C\n')
          resolve(undefined)
        })
        rl.question(question, (line) => {
          answered = true
          if (hidden) output.write('\n')
          rl.close()
          resolve(line)
        })
        muted = true
        if (signal?.aborted) rl.close()
      }),
  }
}

/**
 * `stream` with every write scrubbed of `secrets` (each replaced by `***`, also as escaped in
 * JSON): what the host prints — server errors naming their arguments, a server's stderr, the
 * `--json` events — never shows a password typed at startup. Secrets shorter than 4 characters
 * are left alone, as hiding them would garble ordinary text. Everything else (isTTY, columns,
 * events) is the stream's own.
 */
export function redactedStream<T extends NodeJS.WritableStream>(stream: T, secrets: readonly string[]): T {
  const hidden = [...new Set(secrets.filter((s) => s.length >= 4).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length)
  if (hidden.length === 0) return stream
  const scrub = (text: string) => hidden.reduce((out, secret) => out.split(secret).join('***'), text)
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? scrub(chunk) : Buffer.isBuffer(chunk) ? scrub(chunk.toString('utf8')) : chunk, ...rest)
      }
      const value = Reflect.get(target, property, target) as unknown
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}
