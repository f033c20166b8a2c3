/**
 * The line-oriented terminal the host's dialogs talk to: the interactive terminal implements it
 * over `node:readline`, tests and the demo with scripted answers. Dialogs (consent, sampling
 * review, elicitation forms) only use these two members, so each one can be tested without a TTY.
 */
export interface Prompter {
  /** Writes text as is (no newline added). */
  write(text: string): void
  /**
   * Shows `question` and resolves with the line the user typed (without its newline), or
   * `undefined` when the user cancels instead (Ctrl-C, Ctrl-D / end of input).
   */
  ask(question: string): Promise<string | undefined>
}

/**
 * A prompter that answers from a list, in order, and records what was written (and echoes it to
 * `echo`, if given, as a transcript with the answers typed in); `undefined` once the list runs out.
 */
export class ScriptedPrompter implements Prompter {
  readonly #answers: Array<string | undefined>
  readonly #echo: ((text: string) => void) | undefined
  output = ''

  constructor(answers: Array<string | undefined>, echo?: (text: string) => void) {
    this.#answers = [...answers]
    this.#echo = echo
  }

  /** Adds answers for the dialogs still to come. */
  push(...answers: Array<string | undefined>): void {
    this.#answers.push(...answers)
  }

  /** Answers not used yet. */
  get remaining(): number {
    return this.#answers.length
  }

  write(text: string): void {
    this.output += text
    this.#echo?.(text)
  }

  ask(question: string): Promise<string | undefined> {
    const answer = this.#answers.shift()
    this.write(`${question}${answer ?? '^C'}\n`)
    return Promise.resolve(answer)
  }
}
