import type { HostEvent } from '../events.js'
import type { HostUi } from './host-ui.js'

/**
 * What the one-shot mode approves without a person: `none` (every tool call the config's policy
 * would ask about is denied, every sampling request rejected), `read-only` (also run the tools
 * whose server claims `readOnlyHint: true`), `all` (run every tool the policy does not deny, and
 * let servers sample the model). Elicitation is always declined: there is no one to fill a form.
 */
export type ApprovePolicy = 'none' | 'read-only' | 'all'
export const APPROVE_POLICIES: readonly ApprovePolicy[] = ['none', 'read-only', 'all']

/**
 * A {@link HostUi} with no person behind it (scripts, CI): answers by the `--approve` policy and
 * hands every event to `sink`. Tool calls are allowed through the consent policy itself (see the
 * CLI), so what reaches `askConsent` here is what the policy leaves undecided: denied.
 */
export class PolicyUi implements HostUi {
  constructor(
    readonly approve: ApprovePolicy,
    readonly sink: (event: HostEvent) => void,
  ) {}

  askConsent: HostUi['askConsent'] = async () => 'deny'
  reviewSamplingRequest: HostUi['reviewSamplingRequest'] = async ({ params }) => (this.approve === 'all' ? { action: 'approve', params } : { action: 'reject' })
  reviewSamplingResult: HostUi['reviewSamplingResult'] = async () => this.approve === 'all'
  elicitForm: HostUi['elicitForm'] = async () => ({ action: 'decline' })
  elicitUrl: HostUi['elicitUrl'] = async () => ({ action: 'decline' })

  emit(event: HostEvent): void {
    this.sink(event)
  }
}
