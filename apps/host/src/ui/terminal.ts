import { createInterface, type Interface } from 'node:readline'
import type { Prompter } from './prompter.js'

/** What `readLine` resolves with when a dialog needed the terminal while the chat prompt was open. */
export const PREEMPTED = Symbol('preempted')

interface Question {
  resolve: (line: string | undefined | typeof PREEMPTED) => void
  controller: AbortController
  /** The chat's own prompt, which a dialog may take over. */
  idle: boolean
}

/**
 * The interactive terminal over `node:readline`: line editing and history for the chat, the
 * {@link Prompter} for dialogs. Ctrl-C answers an open dialog question with "cancel"; with no
 * question open it calls `onInterrupt` (the chat cancels the running turn, or exits). Ctrl-D
 * (end of input) cancels an open question and calls `onEnd`.
 */
export class Terminal implements Prompter {
  readonly #rl: Interface
  readonly #output: NodeJS.WritableStream
  #question: Question | undefined
  /** Lines that came while no question was open (typed ahead, or piped in): the next questions get them. */
  readonly #typedAhead: string[] = []
  #closed = false
  onInterrupt: (() => void) | undefined
  onEnd: (() => void) | undefined

  constructor(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout) {
    this.#output = output
    this.#rl = createInterface({ input, output, terminal: (output as { isTTY?: boolean }).isTTY === true, historySize: 200 })
    this.#rl.on('SIGINT', () => {
      if (this.#question && !this.#question.idle) return this.#answer(undefined)
      if (this.#question) this.#rl.write(null, { ctrl: true, name: 'u' }) // clear what was typed
      this.onInterrupt?.()
    })
    this.#rl.on('line', (line) => {
      if (!this.#question) this.#typedAhead.push(line)
    })
    this.#rl.on('close', () => {
      this.#closed = true
      this.#answer(undefined)
      this.onEnd?.()
    })
  }

  get closed(): boolean {
    return this.#closed
  }

  write(text: string): void {
    // Output while the chat prompt waits (a background task ended, a server restarted) goes above
    // the prompt, which is drawn again with what was typed so far.
    if (this.#question?.idle && (this.#rl as { terminal?: boolean }).terminal) {
      this.#output.write(`\r\x1b[K${text}`)
      this.#rl.prompt(true)
      return
    }
    this.#output.write(text)
  }

  /** A dialog's question. If the chat prompt is open, it is taken over (and re-shown later by the chat). */
  ask(question: string): Promise<string | undefined> {
    if (this.#question?.idle) this.#answer(PREEMPTED, '\n')
    return this.#ask(question, false) as Promise<string | undefined>
  }

  /** The chat's prompt: a line, `undefined` at end of input, or {@link PREEMPTED}. */
  readLine(prompt: string): Promise<string | undefined | typeof PREEMPTED> {
    return this.#ask(prompt, true)
  }

  close(): void {
    this.#rl.close()
  }

  #ask(question: string, idle: boolean): Promise<string | undefined | typeof PREEMPTED> {
    const ahead = this.#typedAhead.shift()
    if (ahead !== undefined) {
      this.#output.write(`${question}${ahead}\n`)
      return Promise.resolve(ahead)
    }
    if (this.#closed) return Promise.resolve(undefined)
    return new Promise((resolve) => {
      const controller = new AbortController()
      this.#question = { resolve, controller, idle }
      this.#rl.question(question, { signal: controller.signal }, (line) => this.#answer(line))
    })
  }

  #answer(value: string | undefined | typeof PREEMPTED, echo?: string): void {
    const question = this.#question
    if (!question) return
    this.#question = undefined
    if (typeof value !== 'string') {
      question.controller.abort()
      this.#output.write(echo ?? (value === undefined && !this.#closed ? '^C\n' : '\n'))
    }
    question.resolve(value)
  }
}
