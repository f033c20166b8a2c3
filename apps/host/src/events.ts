import type { TaskStatus } from '@plugboard/client'
import type { LoggingLevel } from '@plugboard/protocol'
import type { ServerState } from '@plugboard/host'

/**
 * Everything the host reports while it runs, one shape for every interface: the terminal renders
 * these as text, `--json` prints each as one line of JSON (a stable format for scripts).
 */
export type HostEvent =
  /** A server changed state (`starting`, `ready`, `restarting`, `failed`, `authorizing`, `unauthorized`, `stopped`). */
  | { type: 'server'; name: string; state: ServerState; pid?: number; error?: string; retryInMs?: number }
  /** A server asks for OAuth authorization: the user signs in at `url` (the host also tries to open it in the browser). */
  | { type: 'authorization'; server: string; url: string }
  /** A piece of the model's answer, as it streams. */
  | { type: 'text'; text: string }
  /** The model finished one call: its whole text and how many tools it asked for. */
  | { type: 'assistant'; text: string; model: string; scripted: boolean; toolCalls: number }
  /** The model asked for a tool (`server`/`tool` are absent when the name is unknown). */
  | { type: 'tool_call'; id: string; name: string; server?: string; tool?: string; arguments: Record<string, unknown> }
  /** The consent decision for a tool call, and why. */
  | { type: 'consent'; id: string; name: string; allowed: boolean; reason: string }
  | { type: 'progress'; id: string; name: string; progress: number; total?: number; message?: string }
  | { type: 'tool_result'; id: string; name: string; isError: boolean; text: string }
  /**
   * A tool call running as a task (SEP-2663) was created, or its status or status message changed.
   * `result` comes with the end of a task that outlived its turn: that text is also added to the
   * conversation, for the model's next turn.
   */
  | { type: 'task'; taskId: string; server: string; tool: string; status: TaskStatus; statusMessage?: string; result?: { isError: boolean; text: string } }
  /** A server's `sampling/createMessage`, through its stages. */
  | { type: 'sampling'; server: string; stage: 'requested' | 'rejected' | 'rate_limited' | 'answered' | 'answer_rejected' | 'failed'; model?: string; detail?: string }
  /** A server's `elicitation/create` and the user's action. */
  | { type: 'elicitation'; server: string; mode: 'form' | 'url'; action: 'accept' | 'decline' | 'cancel' }
  | { type: 'log'; server: string; level: LoggingLevel; logger?: string; data: unknown }
  /**
   * What an MCP App view told the model (`ui/update-model-context`), as the model reads it: sent
   * with the next user message, shown so the user knows what the app said on their behalf.
   */
  | { type: 'model_context'; source: string; text: string }
  /** The user cancelled the running turn. */
  | { type: 'cancelled' }
  | { type: 'error'; message: string }
