import type { HostEvent } from '../events.js'
import { askConsent, reviewSamplingRequest, reviewSamplingResult } from './dialogs.js'
import { fillForm } from './form.js'
import { DialogQueue, type HostUi } from './host-ui.js'
import type { Prompter } from './prompter.js'
import { TextRenderer } from './render.js'
import { confirmUrl } from './url.js'

/**
 * A {@link HostUi} for a person at a terminal (or a scripted one, in the demo and tests): every
 * question is a dialog on the {@link Prompter}, one at a time; every event is rendered as text.
 */
export class PrompterUi implements HostUi {
  readonly #io: Prompter
  readonly #queue = new DialogQueue()
  readonly #renderer: TextRenderer
  readonly #open: ((url: string) => Promise<void>) | undefined

  constructor(io: Prompter, options: { scripted?: boolean; openUrl?: (url: string) => Promise<void>; onEvent?: (event: HostEvent) => void } = {}) {
    this.#io = io
    this.#renderer = new TextRenderer((text) => io.write(text), options)
    this.#open = options.openUrl
    this.onEvent = options.onEvent
  }

  /** Also gets every event (the chat uses it to know what is running). */
  onEvent: ((event: HostEvent) => void) | undefined

  askConsent: HostUi['askConsent'] = (prompt) => this.#queue.run(() => askConsent(this.#io, prompt))
  reviewSamplingRequest: HostUi['reviewSamplingRequest'] = (review) => this.#queue.run(() => reviewSamplingRequest(this.#io, review))
  reviewSamplingResult: HostUi['reviewSamplingResult'] = (review) => this.#queue.run(() => reviewSamplingResult(this.#io, review))
  elicitForm: HostUi['elicitForm'] = (request) => this.#queue.run(() => fillForm(this.#io, request))
  elicitUrl: HostUi['elicitUrl'] = (request) => this.#queue.run(() => confirmUrl(this.#io, request, this.#open))

  /** Resolves once no dialog is open or queued. */
  idle(): Promise<void> {
    return this.#queue.idle()
  }

  emit(event: HostEvent): void {
    this.#renderer.render(event)
    this.onEvent?.(event)
  }
}
