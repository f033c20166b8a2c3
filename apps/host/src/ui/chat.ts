import type { ConsentStore } from '@plugboard/host'
import type { HostApp } from '../app.js'
import { runCommand } from './commands.js'
import type { PrompterUi } from './prompter-ui.js'
import { PREEMPTED, type Terminal } from './terminal.js'

/**
 * The interactive chat: reads a line, runs a slash command or sends it to the model, and repeats
 * until `/exit` or Ctrl-D. Ctrl-C cancels the running turn (the tool call in flight gets
 * `notifications/cancelled`); at an idle prompt, a second Ctrl-C in a row exits.
 */
export async function runChat(options: { app: HostApp; terminal: Terminal; ui: PrompterUi; store?: ConsentStore }): Promise<void> {
  const { app, terminal, ui, store } = options
  const write = (text: string) => terminal.write(text)
  let turn: AbortController | undefined
  let interrupts = 0
  let exit: () => void = () => {}
  const exited = new Promise<void>((resolve) => (exit = resolve))
  terminal.onInterrupt = () => {
    if (turn) {
      if (!turn.signal.aborted) write('\n(cancelling…)\n')
      turn.abort(new Error('Cancelled by the user (Ctrl-C)'))
      return
    }
    if (++interrupts >= 2) return exit()
    write('\n(Ctrl-C again, /exit or Ctrl-D to quit)\n')
  }

  // End of input means nobody is there to answer: stop the running turn rather than finish it unattended.
  terminal.onEnd = () => turn?.abort(new Error('End of input (Ctrl-D)'))

  const tools = app.catalog.tools().length
  const ready = app.manager.statuses().filter((s) => s.state === 'ready').length
  write(`Plugboard host: ${ready}/${app.manager.names.length} servers ready, ${tools} tools. Model: ${app.provider.name} ${app.model ?? ''}${app.provider.scripted ? ' (scripted, no LLM)' : ''}.\n`)
  write('Type a message, or /help for commands. Ctrl-C cancels, Ctrl-D exits.\n')

  const loop = async () => {
    for (;;) {
      const line = await terminal.readLine('you> ')
      if (line === PREEMPTED) {
        await ui.idle()
        continue
      }
      if (line === undefined) return
      interrupts = 0
      const text = line.trim()
      if (!text) continue
      let input = text
      if (text.startsWith('/')) {
        const outcome = await runCommand(text, { app, write, store })
        if (outcome.next === 'exit') return
        if (outcome.next === 'continue') continue
        input = outcome.text
      }
      turn = new AbortController()
      try {
        await app.send(input, turn.signal)
      } catch (error) {
        write(`error: ${(error as Error).message}\n`)
      } finally {
        turn = undefined
      }
    }
  }
  await Promise.race([loop(), exited])
  terminal.onInterrupt = undefined
  terminal.onEnd = undefined
}
