import type { ConsentAnswer, ConsentPrompt } from '@plugboard/host'
import type { CreateMessageRequestParams, CreateMessageResult, ElicitRequestFormParams, ElicitRequestURLParams, ElicitResult } from '@plugboard/protocol'
import type { HostEvent } from '../events.js'

/** A sampling request as shown for review: which server asks, what, and which model would answer. */
export interface SamplingReview {
  server: string
  params: CreateMessageRequestParams
  model?: string
  scripted?: boolean
}

export type SamplingDecision = { action: 'approve'; params: CreateMessageRequestParams } | { action: 'reject' }

/**
 * Where the host asks the user and reports to them. The terminal answers through dialogs; the
 * one-shot mode through an `--approve` policy; the demo through a scripted user. Each method may
 * take as long as the user does; the host never runs two dialogs at once.
 */
export interface HostUi {
  askConsent(prompt: ConsentPrompt & { name?: string }): Promise<ConsentAnswer>
  reviewSamplingRequest(review: SamplingReview): Promise<SamplingDecision>
  reviewSamplingResult(review: { server: string; result: CreateMessageResult; scripted?: boolean }): Promise<boolean>
  elicitForm(request: { server: string; params: ElicitRequestFormParams }): Promise<ElicitResult>
  elicitUrl(request: { server: string; params: ElicitRequestURLParams }): Promise<ElicitResult>
  emit(event: HostEvent): void
}

/**
 * Runs one dialog at a time: two servers asking at once (a sampling request while a consent
 * prompt is open) would otherwise interleave their questions on one terminal.
 */
export class DialogQueue {
  #tail: Promise<unknown> = Promise.resolve()

  run<T>(dialog: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(dialog, dialog)
    this.#tail = result.catch(() => undefined)
    return result
  }

  /** Resolves once every dialog queued so far has ended. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined)
  }
}
