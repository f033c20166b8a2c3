/**
 * Variables a spawned server inherits by default: enough to find executables and a home
 * directory, nothing that could carry the host's secrets (API keys, tokens) into a third-party
 * server. Same lists as the official SDK, so servers behave alike under both.
 */
export const DEFAULT_INHERITED_ENV_VARS: readonly string[] =
  process.platform === 'win32'
    ? [
        'APPDATA',
        'HOMEDRIVE',
        'HOMEPATH',
        'LOCALAPPDATA',
        'PATH',
        'PROCESSOR_ARCHITECTURE',
        'SYSTEMDRIVE',
        'SYSTEMROOT',
        'TEMP',
        'USERNAME',
        'USERPROFILE',
        'PROGRAMFILES',
      ]
    : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER']

/**
 * Returns the environment a spawned MCP server gets when no `env` is given: the
 * {@link DEFAULT_INHERITED_ENV_VARS} present in this process, nothing else.
 *
 * @example
 * new StdioClientTransport({ command: 'npx', args: ['-y', 'some-server'], env: { API_KEY: key } })
 * // the child sees HOME, PATH, … and API_KEY — not the rest of the host's environment
 */
export function getDefaultEnvironment(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const key of DEFAULT_INHERITED_ENV_VARS) {
    const value = process.env[key]
    // Skip exported shell functions ("() { …"): a Shellshock-style vector, and never needed.
    if (value === undefined || value.startsWith('()')) continue
    env[key] = value
  }
  return env
}
