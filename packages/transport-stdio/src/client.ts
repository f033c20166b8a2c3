import { spawn, type ChildProcess } from 'node:child_process'
import { PassThrough, type Readable } from 'node:stream'
import {
  ErrorCode,
  McpError,
  parseMessage,
  serializeMessage,
  type JSONRPCPayload,
  type MessageInfo,
  type Transport,
} from '@plugboard/protocol'
import { getDefaultEnvironment } from './env.js'
import { DEFAULT_MAX_MESSAGE_SIZE, keepNumericIds, LineWriter, ReadBuffer } from './framing.js'
import { groupRunning, signalTree, waitUntil, within } from './process-tree.js'
import { resolveSpawn, type SpawnCommand } from './resolve-command.js'

/** Options of {@link StdioClientTransport}. */
export interface StdioClientTransportOptions {
  /**
   * The executable to run (`node`, `npx`, `uvx`, a path). Not run through a shell. On Windows it
   * is looked up in `PATH` with `PATHEXT` (`npx` is `npx.cmd`), and a `.cmd`/`.bat` file runs
   * through `cmd.exe` with every argument quoted; an argument holding `"`, `%` or a line break
   * cannot be passed to one safely, and `start()` rejects.
   */
  command: string
  /** Its arguments. */
  args?: string[]
  /** Variables added to {@link getDefaultEnvironment}; the rest of this process's environment is not passed on. */
  env?: Record<string, string>
  /** Working directory of the server. Default: this process's. */
  cwd?: string
  /** `'pipe'` (default) exposes the server's stderr as {@link StdioClientTransport.stderr}; `'inherit'` shares ours. */
  stderr?: 'pipe' | 'inherit' | 'ignore'
  /** Longest accepted message in bytes; a longer line is reported to `onerror` and skipped. Default 16 MiB. */
  maxMessageSize?: number
  /**
   * Most bytes of stderr kept unread for the `stderr` stream; past it, new output is dropped (and
   * still seen by `stderrTail`) rather than buffered without bound or stalling the server. Default 1 MiB.
   */
  maxStderrBuffer?: number
  /** How long each shutdown step (stdin EOF, SIGTERM) waits for the process to exit. Default 2000 ms. */
  closeGraceMs?: number
}

/** How the server process ended: an exit code, or the signal that killed it. */
export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

const STDERR_TAIL_BYTES = 64 * 1024
/** Default {@link StdioClientTransportOptions.maxStderrBuffer}. */
export const DEFAULT_MAX_STDERR_BUFFER = 1024 * 1024
const ERROR_TAIL_CHARS = 4096

/** How long a SIGKILLed server may take to be reported dead before `close()` gives up on it. */
const SIGKILL_WAIT_MS = 5000

/**
 * Spawns an MCP server and talks to it over its stdin and stdout, one JSON-RPC message per line.
 *
 * The server runs in its own process group (POSIX), so closing ends the whole tree, wrappers like
 * `npx` or `uvx` included. `close()` follows the spec's shutdown: end stdin, wait, SIGTERM, wait,
 * SIGKILL. The server inherits only {@link getDefaultEnvironment} plus `env`, and its stderr is
 * captured (`stderr` stream, `stderrTail`) rather than mixed into the host's output. If the server
 * dies on its own, `onerror` gets an Error naming the command, its exit code or signal and the end
 * of its stderr, then `onclose` fires.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#stdio
 * @example
 * import { Client } from '@plugboard/client'
 * import { StdioClientTransport } from '@plugboard/transport-stdio'
 *
 * const transport = new StdioClientTransport({ command: 'node', args: ['server.js'] })
 * transport.stderr?.on('data', (chunk) => process.stderr.write(chunk))
 * const client = new Client({ name: 'host', version: '1.0.0' })
 * await client.connect(transport)
 * console.log(await client.listTools())
 * await client.close() // EOF, then SIGTERM, then SIGKILL to the server's process group
 */
export class StdioClientTransport implements Transport {
  onmessage?: (message: JSONRPCPayload, info?: MessageInfo) => void
  onclose?: () => void
  onerror?: (error: Error) => void
  /** Called once when the server process exits, for whatever reason. */
  onexit?: (info: ExitInfo) => void

  private child: ChildProcess | undefined
  private writer: LineWriter | undefined
  private readonly reader: ReadBuffer
  private readonly stderrStream: PassThrough | null
  private tail: Buffer[] = []
  private tailBytes = 0
  private exitInfo: ExitInfo | undefined
  private readonly exited: Promise<void>
  private markExited!: () => void
  private readonly stdioClosed: Promise<void>
  private markStdioClosed!: () => void
  private state: 'idle' | 'starting' | 'open' | 'closing' | 'closed' = 'idle'
  private starting: Promise<void> | undefined
  private closing: Promise<void> | undefined
  private killed = false
  /** Ids past 2^53 of the server's requests not yet answered, answered as the numbers they were sent as. */
  private readonly numericIds = new Set<string>()

  constructor(private readonly options: StdioClientTransportOptions) {
    this.reader = new ReadBuffer(
      { line: (text) => this.onLine(text), oversize: (bytes) => this.onOversize(bytes) },
      options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    )
    // Created up front so listeners can be attached before start() and miss nothing.
    this.stderrStream = (options.stderr ?? 'pipe') === 'pipe' ? new PassThrough() : null
    this.exited = new Promise((resolve) => (this.markExited = resolve))
    this.stdioClosed = new Promise((resolve) => (this.markStdioClosed = resolve))
  }

  /** The server's process id, once spawned. */
  get pid(): number | undefined {
    return this.child?.pid
  }

  /** The server's stderr when `stderr: 'pipe'` (the default), else `null`. Available before `start()`. */
  get stderr(): Readable | null {
    return this.stderrStream
  }

  /** The last 64 KiB the server wrote to stderr (empty unless `stderr: 'pipe'`). */
  get stderrTail(): string {
    return Buffer.concat(this.tail, this.tailBytes).subarray(-STDERR_TAIL_BYTES).toString('utf8')
  }

  /** The exit code: `undefined` while running, `null` if a signal killed it. */
  get exitCode(): number | null | undefined {
    return this.exitInfo?.code
  }

  /** The signal that killed the server, `null` if it exited, `undefined` while running. */
  get exitSignal(): NodeJS.Signals | null | undefined {
    return this.exitInfo?.signal
  }

  /** Spawns the server. Rejects with a clear Error if it cannot be started (e.g. command not found). */
  start(): Promise<void> {
    if (this.state !== 'idle') return Promise.reject(new Error('StdioClientTransport already started; connect() calls start() for you'))
    this.state = 'starting'
    this.starting = this.spawn()
    return this.starting
  }

  /**
   * Writes one message (or batch) as a line on the server's stdin. Resolves once written; waits
   * for `'drain'` when the pipe is full. Rejects with `McpError(ConnectionClosed)` when not
   * connected or when the server closed its stdin (EPIPE).
   */
  send(message: JSONRPCPayload): Promise<void> {
    if (this.state !== 'open' || !this.writer) return Promise.reject(new McpError(ErrorCode.ConnectionClosed, 'Not connected'))
    return this.writer.write(serializeMessage(message, this.numericIds))
  }

  /**
   * Shuts the server down and resolves once it has exited: end its stdin, wait `closeGraceMs`,
   * SIGTERM its process group, wait again, SIGKILL the group. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async spawn(): Promise<void> {
    const { command, args = [], env, cwd } = this.options
    const childEnv = { ...getDefaultEnvironment(), ...env }
    let target: SpawnCommand = { file: command, args, windowsVerbatimArguments: false }
    if (process.platform === 'win32') {
      try {
        // PATH as the child will see it; PATHEXT and ComSpec, not passed on, from ours.
        target = resolveSpawn(command, args, { env: { ...process.env, ...childEnv } })
      } catch (error) {
        this.state = 'closed'
        this.stderrStream?.end()
        throw new Error(`Failed to start MCP server ${this.describe()}: ${(error as Error).message}`, { cause: error })
      }
    }
    const child = spawn(target.file, target.args, {
      env: childEnv,
      cwd,
      stdio: ['pipe', 'pipe', this.options.stderr === 'inherit' ? 'inherit' : this.stderrStream ? 'pipe' : 'ignore'],
      // Its own process group, so a signal to -pid reaches wrappers and their children too.
      detached: process.platform !== 'win32',
      windowsHide: true,
      windowsVerbatimArguments: target.windowsVerbatimArguments,
    })
    this.child = child
    child.on('exit', (code, signal) => this.onExit({ code, signal }))
    child.on('close', () => this.markStdioClosed())
    child.stdout!.on('data', (chunk: Buffer) => this.reader.push(chunk))
    child.stdout!.on('end', () => this.onStdoutEnd())
    child.stdout!.on('error', (error) => this.onerror?.(error))
    child.stderr?.on('data', (chunk: Buffer) => this.onStderr(chunk))
    const writeError = (error: Error) => new McpError(ErrorCode.ConnectionClosed, `Cannot write to MCP server ${this.describe()}: ${error.message}`)
    const writer = new LineWriter(child.stdin!, writeError)
    this.writer = writer
    // EPIPE (the server closed its stdin) rejects the send that hit it and every later one,
    // instead of crashing the host with an unhandled 'error'.
    child.stdin!.on('error', (error) => writer.fail(writeError(error)))
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => {
        this.state = 'open'
        child.on('error', (error) => this.onerror?.(error))
        resolve()
      })
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (this.state !== 'starting') return
        this.state = 'closed'
        this.stderrStream?.end()
        const hint = error.code === 'ENOENT' ? ' (not found: is it installed and on PATH, and does cwd exist?)' : ''
        reject(new Error(`Failed to start MCP server ${this.describe()}: ${error.message}${hint}`, { cause: error }))
      })
    })
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'idle') {
      this.state = 'closed'
      this.stderrStream?.end()
      return
    }
    await this.starting?.catch(() => {})
    if (this.state === 'closed') return
    this.state = 'closing'
    this.writer?.fail(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'))
    if (!this.exitInfo) {
      this.child!.stdin!.end()
      if (!(await within(this.exited, this.grace))) {
        this.signal('SIGTERM')
        if (!(await within(this.exited, this.grace))) {
          this.signal('SIGKILL')
          // SIGKILL cannot be ignored, only delayed (a loaded machine, a process in uninterruptible
          // I/O), so wait for it longer than a short grace before calling the process unkillable.
          if (!(await within(this.exited, Math.max(this.grace, SIGKILL_WAIT_MS)))) this.onerror?.(new Error(`MCP server ${this.describe()} survived SIGKILL`))
        }
      }
    }
    await this.finish()
  }

  /** The server exited while we were not closing it: clean up, then report. */
  private async afterUnexpectedExit(info: ExitInfo): Promise<void> {
    this.state = 'closing'
    this.writer?.fail(new McpError(ErrorCode.ConnectionClosed, `MCP server ${this.describe()} exited`))
    await this.finish(() => {
      if (info.code !== 0) this.onerror?.(this.exitError(info))
    })
  }

  /** Ends what is left of the process group, waits for stdio to drain, fires `onclose`. */
  private async finish(report?: () => void): Promise<void> {
    const pid = this.child!.pid!
    // The leader is gone but children it left in its group (a wrapper's server) may not be.
    if (process.platform !== 'win32') {
      if (!this.killed && groupRunning(pid)) {
        this.signal('SIGTERM')
        if (!(await waitUntil(() => !groupRunning(pid), this.grace))) this.signal('SIGKILL')
      }
      // The tree is promised gone when close() resolves, and a SIGKILLed process may take a moment.
      if (this.killed) await waitUntil(() => !groupRunning(pid), SIGKILL_WAIT_MS)
    }
    // A process outside the group may still hold the pipes open; stop waiting for it.
    if (!(await within(this.stdioClosed, this.grace))) {
      for (const stream of [this.child!.stdin, this.child!.stdout, this.child!.stderr]) stream?.destroy()
    }
    this.state = 'closed'
    this.stderrStream?.end()
    report?.()
    this.onclose?.()
  }

  private onExit(info: ExitInfo): void {
    this.exitInfo = info
    this.markExited()
    this.onexit?.(info)
    if (this.state === 'open') this.closing ??= this.afterUnexpectedExit(info)
  }

  private async onStdoutEnd(): Promise<void> {
    this.reader.end()
    if (this.state !== 'open' || (await within(this.exited, this.grace)) || this.state !== 'open') return
    this.onerror?.(new Error(`MCP server ${this.describe()} closed its stdout but kept running; shutting it down`))
    void this.close()
  }

  private onLine(text: string): void {
    const parsed = parseMessage(text)
    // A server that prints non-MCP output to stdout breaks the spec; report the line and go on.
    if (!parsed.ok) return this.onerror?.(McpError.fromError(parsed.error.error))
    if (parsed.numericIds) keepNumericIds(this.numericIds, parsed.numericIds)
    try {
      this.onmessage?.(parsed.payload)
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)))
    }
  }

  private onOversize(bytes: number): void {
    this.onerror?.(new Error(`MCP server ${this.describe()} sent a message of ${bytes}+ bytes, over maxMessageSize (${this.reader.maxMessageSize}); skipped`))
  }

  private onStderr(chunk: Buffer): void {
    this.tail.push(chunk)
    this.tailBytes += chunk.length
    while (this.tailBytes - this.tail[0]!.length >= STDERR_TAIL_BYTES) this.tailBytes -= this.tail.shift()!.length
    const out = this.stderrStream
    if (out && out.readableLength + out.writableLength + chunk.length <= (this.options.maxStderrBuffer ?? DEFAULT_MAX_STDERR_BUFFER)) out.write(chunk)
  }

  private signal(signal: NodeJS.Signals): void {
    if (signal === 'SIGKILL') this.killed = true
    try {
      signalTree(this.child!, signal)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') this.onerror?.(error as Error)
    }
  }

  private exitError(info: ExitInfo): Error {
    const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`
    const tail = this.stderrTail.trimEnd().slice(-ERROR_TAIL_CHARS)
    return new Error(`MCP server ${this.describe()} ${how}` + (tail ? `; stderr ends with:\n${tail}` : ''))
  }

  private describe(): string {
    const words = [this.options.command, ...(this.options.args ?? [])]
    return `"${words.map((w) => (/\s/.test(w) ? JSON.stringify(w) : w)).join(' ')}"`
  }

  private get grace(): number {
    return this.options.closeGraceMs ?? 2000
  }
}
