import { statSync } from 'node:fs'
import { win32 } from 'node:path'

/** What {@link resolveCommand} and {@link resolveSpawn} look at, injectable so Windows rules can be tested anywhere. */
export interface ResolveCommandOptions {
  /** Default `process.platform`. Only `'win32'` changes anything. */
  platform?: NodeJS.Platform
  /** Where `PATH`, `PATHEXT` and `ComSpec` are read, names case-insensitively (the last match wins). Default `process.env`. */
  env?: Record<string, string | undefined>
  /** Whether a file exists at the path. Default: a `statSync` check for a regular file. */
  exists?: (path: string) => boolean
}

/** How to spawn a command: the file, its arguments, and whether Node must pass them on unquoted. */
export interface SpawnCommand {
  file: string
  args: string[]
  /** `true` when `args` is a cmd.exe command line quoted here (Node's `windowsVerbatimArguments`). */
  windowsVerbatimArguments: boolean
}

const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD'

/**
 * Finds the file Windows would run for `command`: a bare name (`npx`) is looked up in each
 * `PATH` folder with each `PATHEXT` extension (`C:\Program Files\nodejs\npx.cmd`), and a path
 * without an extension gets one. Node's `spawn` alone tries only `.com` and `.exe`, so `npx`,
 * `pnpm` or any npm-installed bin (all `.cmd` shims) fail with ENOENT. The current folder is
 * not searched: a file planted in a project must not shadow a real command. On other platforms,
 * or when nothing is found, returns `command` unchanged (spawn then reports it missing).
 * @example
 * resolveCommand('npx', { platform: 'win32', env: { PATH: 'C:\\node', PATHEXT: '.EXE;.CMD' }, exists: (p) => p === 'C:\\node\\npx.CMD' })
 * // 'C:\\node\\npx.CMD'
 */
export function resolveCommand(command: string, options: ResolveCommandOptions = {}): string {
  if ((options.platform ?? process.platform) !== 'win32' || command === '') return command
  const env = options.env ?? process.env
  const exists = options.exists ?? isFile
  const extensions = (envValue(env, 'PATHEXT') || DEFAULT_PATHEXT).split(';').filter((ext) => ext.startsWith('.'))
  const hasKnownExtension = extensions.some((ext) => command.toLowerCase().endsWith(ext.toLowerCase()))
  const candidates = (base: string) => [...(hasKnownExtension ? [base] : []), ...extensions.map((ext) => base + ext)]
  // A path (relative or absolute) is taken as given; only a bare name is searched for.
  if (/[\\/]/.test(command) || win32.isAbsolute(command)) return candidates(command).find(exists) ?? command
  for (const folder of (envValue(env, 'PATH') ?? '').split(';')) {
    const dir = folder.trim().replace(/^"(.*)"$/, '$1')
    if (!dir) continue
    const found = candidates(win32.join(dir, command)).find(exists)
    if (found) return found
  }
  return command
}

/**
 * How to spawn `command` with `args` so it runs as typed on every platform. On Windows the
 * command is resolved with {@link resolveCommand}, and a `.cmd`/`.bat` file (npx, pnpm…) goes
 * through `cmd.exe /d /v:off /s /c "…"` with each argument quoted here: since the fix of
 * CVE-2024-27980 (BatBadBut), Node refuses to spawn batch files without `shell: true`, and
 * `shell: true` joins arguments unquoted, so an argument with a space or a `&` would be split or
 * run as a second command. Inside double quotes cmd.exe treats `&|<>^()` as text; what quoting
 * cannot make safe — `"` (ends the quotes), `%` (expands variables even in quotes, in our line
 * and again in the shim's `%*`), CR/LF/NUL (end the command) — throws instead. `/d` skips the
 * AutoRun commands, `/v:off` keeps `!` literal. Elsewhere, returns `command` and `args` unchanged.
 * @throws Error naming the argument when a batch file cannot be given it safely.
 */
export function resolveSpawn(command: string, args: readonly string[], options: ResolveCommandOptions = {}): SpawnCommand {
  if ((options.platform ?? process.platform) !== 'win32') return { file: command, args: [...args], windowsVerbatimArguments: false }
  const file = resolveCommand(command, options)
  if (!/\.(cmd|bat)$/i.test(file)) return { file, args: [...args], windowsVerbatimArguments: false }
  const words = [file, ...args].map((word, i) => quoteForCmd(word, i === 0 ? 'the command' : `argument ${i}`, command))
  const shell = envValue(options.env ?? process.env, 'ComSpec') || 'cmd.exe'
  // `/s` makes cmd.exe drop just the outermost quotes and run the rest as written.
  return { file: shell, args: ['/d', '/v:off', '/s', '/c', `"${words.join(' ')}"`], windowsVerbatimArguments: true }
}

/**
 * One word of a cmd.exe command line: in double quotes, with the backslashes before the closing
 * quote doubled so the program's argument parser (the MSVC rules node.exe follows) does not read
 * `\"` as an escaped quote. Throws for the characters quoting cannot protect.
 */
function quoteForCmd(word: string, what: string, command: string): string {
  const bad = /["%\r\n\0]/.exec(word)
  if (bad) {
    const char = { '"': 'a double quote', '%': 'a percent sign', '\r': 'a line break', '\n': 'a line break', '\0': 'a NUL character' }[bad[0]]
    throw new Error(
      `Cannot run "${command}" with ${what} ${JSON.stringify(word)}: it is a Windows batch file (.cmd/.bat), which cmd.exe runs, and ${char} cannot be passed to it safely; ` +
        'run the program it wraps directly (for npx: node with the package’s script), or avoid the character',
    )
  }
  return `"${word.replace(/(\\+)$/, '$1$1')}"`
}

/** `env[name]` with Windows' case-insensitive names (`Path`, `PATH`); the last match wins, so later spreads override. */
function envValue(env: Record<string, string | undefined>, name: string): string | undefined {
  let value: string | undefined
  const wanted = name.toUpperCase()
  for (const [key, v] of Object.entries(env)) if (key.toUpperCase() === wanted && v !== undefined) value = v
  return value
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true
}
