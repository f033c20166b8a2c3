import type { Catalog, ConsentPolicy, HostTask, TaskList } from '@plugboard/host'
import type { CallToolResult, ContentBlock, RequestOptions } from '@plugboard/protocol'
import type { HostEvent } from './events.js'
import type { ChatMessage, ModelProvider, ToolCall, ToolSpec } from './providers/provider.js'

/** What {@link runTurn} needs: the model, the tools, the consent gate and where to report. */
export interface AgentOptions {
  provider: ModelProvider
  catalog: Catalog
  consent: ConsentPolicy
  emit: (event: HostEvent) => void
  /** Model calls per user message before the turn is stopped (10). */
  maxSteps?: number
  system?: string
  /** The model to use; default the provider's first. */
  model?: string
  /** Per tool call, without progress (a call that reports progress restarts it). Default 120 000 ms. */
  toolTimeoutMs?: number
  /** The host's tasks: a call to a tool that runs as a task (SEP-2663) is started through it. */
  tasks?: TaskList
  /**
   * How long a turn waits for a task to end (5000 ms). A task still running then is handed to
   * `onTaskDetached` and the model is told it runs in the background, so the chat goes on;
   * `Infinity` waits for the end (one-shot mode).
   */
  taskWaitMs?: number
  /** A task outlived the turn's wait: the model was told it is running, and its result is due later. */
  onTaskDetached?: (task: HostTask) => void
  /**
   * Each tool call's whole result, as the call got it (`structuredContent` and `_meta` included,
   * which the model's text and the `tool_result` event leave out), before its `tool_result` event.
   * The web host hands it to the tool's MCP App view, matched by the call's `id`.
   */
  onToolResult?: (call: ToolCall, result: CallToolResult) => void
}

/** How long a turn waits for a task before the model is told it runs in the background. */
export const DEFAULT_TASK_WAIT_MS = 5000

/** How a turn ended: the model answered, it ran out of steps, or the user cancelled it. */
export type TurnEnd = 'answer' | 'max_steps' | 'cancelled'

export interface TurnResult {
  text: string
  steps: number
  end: TurnEnd
}

export const DEFAULT_SYSTEM_PROMPT =
  'You are a helpful assistant in a terminal. You can call the tools of the connected MCP servers; ' +
  'a tool name starts with its server name. The user approves each call, and may deny it. ' +
  'A long tool call may go on in the background as a task: its result then comes later in the conversation.'

/**
 * Runs one user message through the model: model → tool calls (each through consent) → results →
 * model …, until the model answers without calling tools, `maxSteps` model calls are used, or
 * `signal` aborts. `history` is the conversation so far; the turn's messages are appended to it,
 * and stay well-formed when cancelled (every tool call gets a result), so the chat can go on.
 */
export async function runTurn(history: ChatMessage[], input: string, options: AgentOptions, signal: AbortSignal): Promise<TurnResult> {
  const { provider, catalog, emit, maxSteps = 10 } = options
  history.push({ role: 'user', content: input })
  let last = ''
  for (let step = 1; step <= maxSteps; step++) {
    if (signal.aborted) return cancelled(emit, last, step - 1)
    const tools: ToolSpec[] = catalog.tools().map(({ name, tool }) => ({ name, description: tool.description ?? tool.title, inputSchema: tool.inputSchema }))
    let response
    try {
      response = await provider.complete(
        { model: options.model, system: options.system ?? DEFAULT_SYSTEM_PROMPT, messages: history, tools, signal },
        (event) => (event.type === 'text' ? emit({ type: 'text', text: event.text }) : undefined),
      )
    } catch (error) {
      if (signal.aborted) return cancelled(emit, last, step - 1)
      throw error
    }
    last = response.text
    history.push({ role: 'assistant', content: response.text, ...(response.toolCalls.length ? { toolCalls: response.toolCalls } : {}) })
    emit({ type: 'assistant', text: response.text, model: response.model, scripted: provider.scripted, toolCalls: response.toolCalls.length })
    if (response.toolCalls.length === 0) return { text: response.text, steps: step, end: 'answer' }

    for (const call of response.toolCalls) {
      if (signal.aborted) {
        history.push({ role: 'tool', toolCallId: call.id, name: call.name, content: 'Cancelled by the user before it ran.', isError: true })
        continue
      }
      const result = await callTool(call, options, signal)
      options.onToolResult?.(call, result)
      const text = resultText(result)
      history.push({ role: 'tool', toolCallId: call.id, name: call.name, content: text, ...(result.isError ? { isError: true } : {}) })
      emit({ type: 'tool_result', id: call.id, name: call.name, isError: result.isError === true, text })
    }
  }
  emit({ type: 'error', message: `Stopped after ${maxSteps} model calls without a final answer (the step limit).` })
  return { text: last, steps: maxSteps, end: 'max_steps' }
}

function cancelled(emit: AgentOptions['emit'], text: string, steps: number): TurnResult {
  emit({ type: 'cancelled' })
  return { text, steps, end: 'cancelled' }
}

async function callTool(call: ToolCall, options: AgentOptions, signal: AbortSignal): Promise<CallToolResult> {
  const { catalog, consent, emit } = options
  const entry = catalog.resolve(call.name)
  emit({ type: 'tool_call', id: call.id, name: call.name, server: entry?.server, tool: entry?.tool.name, arguments: call.arguments })
  if (!entry) return { isError: true, content: [{ type: 'text', text: `There is no tool "${call.name}". Available: ${catalog.tools().map((t) => t.name).join(', ') || 'none'}.` }] }
  const outcome = await consent.authorize({ server: entry.server, tool: entry.tool.name, arguments: call.arguments, annotations: entry.tool.annotations })
  emit({ type: 'consent', id: call.id, name: call.name, allowed: outcome.allowed, reason: outcome.reason })
  if (!outcome.allowed) return outcome.result
  const requestOptions = {
    signal,
    timeout: options.toolTimeoutMs ?? 120_000,
    resetTimeoutOnProgress: true,
    onprogress: (progress: { progress: number; total?: number; message?: string }) => emit({ type: 'progress', id: call.id, name: call.name, ...progress }),
  }
  if (options.tasks?.runsAsTask(call.name)) return callAsTask(call, options.tasks, options, requestOptions)
  const result = await catalog.callTool(call.name, call.arguments, requestOptions)
  if (signal.aborted) return CANCELLED
  return result
}

const CANCELLED: CallToolResult = { isError: true, content: [{ type: 'text', text: 'Cancelled by the user.' }] }

/**
 * Runs a call as a task and waits up to `taskWaitMs` for it: a task that ended gives its result like
 * any call; one still running is detached, and the model reads that it runs in the background.
 * Cancelling the turn while it waits cancels the task.
 */
async function callAsTask(call: ToolCall, tasks: TaskList, options: AgentOptions, requestOptions: RequestOptions & { signal: AbortSignal }): Promise<CallToolResult> {
  const { signal } = requestOptions
  const started = await tasks.start(call.name, call.arguments, requestOptions)
  if ('result' in started) return signal.aborted ? CANCELLED : started.result
  const { taskId } = started.task
  const waited = await tasks.settled(taskId, { timeoutMs: options.taskWaitMs ?? DEFAULT_TASK_WAIT_MS, signal })
  if (waited.result) return waited.result
  if (signal.aborted) {
    await tasks.cancel(taskId).catch(() => undefined)
    return { isError: true, content: [{ type: 'text', text: `Cancelled by the user (task ${taskId} was cancelled).` }] }
  }
  // It may have ended since the wait gave up: then its result is here.
  const task = tasks.get(taskId) ?? waited
  if (task.result) return task.result
  options.onTaskDetached?.(task)
  const status = `${task.status}${task.statusMessage ? `: ${task.statusMessage}` : ''}`
  return {
    content: [
      {
        type: 'text',
        text:
          `The tool is still running in the background as task ${taskId} (${status}). Its result will be added to the conversation when it ends. ` +
          `The user can follow it with /tasks and stop it with /cancel ${taskId}.`,
      },
    ],
  }
}

/** A tool result as the text a model reads: text blocks as they are, other blocks described. */
export function resultText(result: CallToolResult): string {
  const parts = (result.content ?? []).map(blockText)
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent))
  return parts.join('\n')
}

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${Math.round((block.data.length * 3) / 4)} bytes]`
    case 'resource_link':
      return `[resource ${block.uri}${block.name ? ` "${block.name}"` : ''}]`
    case 'resource': {
      const { resource } = block
      return 'text' in resource ? `[resource ${resource.uri}]\n${resource.text}` : `[resource ${resource.uri}, binary ${resource.mimeType ?? ''}]`
    }
    default:
      return `[${(block as { type: string }).type} content]`
  }
}
