import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { basename, join, sep } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, parseConfig, type ConfigInput } from '../src/index.js'

// VS Code's `.vscode/mcp.json`: `inputs` asked for through a prompt callback, `${workspaceFolder}`,
// `envFile`, and the secrets typed at a prompt kept out of every error.

const SECRET = 'sk-live-4f9a1c7e'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plugboard-inputs-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Writes `.vscode/mcp.json` (and other files) under the temp workspace; returns the config's path. */
async function workspace(config: unknown, files: Record<string, string> = {}): Promise<string> {
  await mkdir(join(dir, '.vscode'), { recursive: true })
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content)
  const path = join(dir, '.vscode', 'mcp.json')
  await writeFile(path, typeof config === 'string' ? config : JSON.stringify(config))
  return path
}

/** A prompt callback that answers from `answers` and records what it was asked. */
function prompter(answers: Record<string, string>) {
  const asked: Array<{ id: string; type: string; servers: string[] }> = []
  const prompt = async (input: ConfigInput, context: { servers: string[] }) => {
    asked.push({ id: input.id, type: input.type, servers: context.servers })
    const answer = answers[input.id]
    if (answer === undefined) throw new Error(`no answer for ${input.id}`)
    return answer
  }
  return { prompt, asked }
}

/** The ConfigError `promise` rejects with. */
async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConfigError)
  return error as ConfigError
}

const VSCODE_CONFIG = `{
  // As VS Code writes it.
  "inputs": [
    { "type": "promptString", "id": "api-key", "description": "API key", "password": true },
    { "type": "pickString", "id": "region", "description": "Region", "options": ["eu", { "label": "United States", "value": "us" }], "default": "eu" },
    { "type": "promptString", "id": "unused", "description": "Nobody uses this" },
  ],
  "servers": {
    "x": {
      "type": "stdio",
      "command": "\${workspaceFolder}/bin/server",
      "args": ["-y", "pkg", "--region=\${input:region}"],
      "env": { "KEY": "\${input:api-key}", "SHARED": "from env" },
      "envFile": "\${workspaceFolder}/.env",
      "cwd": "servers/x",
    },
    "remote": { "type": "http", "url": "https://\${input:region}.example.com/mcp", "headers": { "Authorization": "Bearer \${input:api-key}" } },
    "off": { "command": "y", "args": ["\${input:unused}"], "disabled": true },
  },
}`

describe('loadConfig with VS Code inputs', () => {
  it('asks once for each input an enabled server uses, in the order declared, and substitutes it everywhere', async () => {
    const path = await workspace(VSCODE_CONFIG, { '.env': 'FROM_FILE=1\nSHARED=from file\n# a comment\n' })
    const { prompt, asked } = prompter({ 'api-key': SECRET, region: 'us' })
    const config = await loadConfig(path, { promptInput: prompt, env: {} })

    expect(asked).toEqual([
      { id: 'api-key', type: 'promptString', servers: ['x', 'remote'] },
      { id: 'region', type: 'pickString', servers: ['x', 'remote'] },
    ])
    expect(config.servers.x).toEqual({
      transport: 'stdio',
      command: `${dir}/bin/server`,
      args: ['-y', 'pkg', '--region=us'],
      // env wins over the envFile's variables.
      env: { FROM_FILE: '1', SHARED: 'from env', KEY: SECRET },
      cwd: join(dir, 'servers/x'),
    })
    expect(config.servers.remote).toEqual({ transport: 'http', url: 'https://us.example.com/mcp', headers: { Authorization: `Bearer ${SECRET}` } })
    expect(Object.keys(config.servers)).toEqual(['x', 'remote'])
  })

  it('hands the prompt what it needs to ask: description, password flag, options with labels, default', async () => {
    const path = await workspace(VSCODE_CONFIG, { '.env': '' })
    const seen: ConfigInput[] = []
    await loadConfig(path, { env: {}, promptInput: async (input) => (seen.push(input), input.type === 'pickString' ? input.options[0]!.value : 'k') })
    expect(seen).toEqual([
      { type: 'promptString', id: 'api-key', description: 'API key', password: true },
      {
        type: 'pickString',
        id: 'region',
        description: 'Region',
        options: [
          { label: 'eu', value: 'eu' },
          { label: 'United States', value: 'us' },
        ],
        default: 'eu',
      },
    ])
  })

  it('does not ask for an input whose value is given in options.inputs', async () => {
    const path = await workspace(VSCODE_CONFIG, { '.env': '' })
    const { prompt, asked } = prompter({ 'api-key': SECRET })
    const config = await loadConfig(path, { env: {}, promptInput: prompt, inputs: { region: 'eu' } })
    expect(asked.map((a) => a.id)).toEqual(['api-key'])
    expect(config.servers.remote).toMatchObject({ url: 'https://eu.example.com/mcp' })
  })

  it('reports a broken config before asking for anything', async () => {
    const path = await workspace({
      inputs: [{ type: 'promptString', id: 'api-key', password: true }],
      servers: { a: { command: 'x', env: { KEY: '${input:api-key}' } }, b: { command: 42 }, c: { command: 'y', args: ['${input:nope}'] } },
    })
    const { prompt, asked } = prompter({ 'api-key': SECRET })
    const error = await configError(loadConfig(path, { env: {}, promptInput: prompt }))
    expect(asked).toEqual([])
    expect(error.problems).toEqual(['servers.b.command: expected a string, got a number', 'servers.c.args[0]: ${input:nope} is not declared in "inputs" (declared: api-key)'])
  })

  it('rejects a pickString answer that is not one of its options', async () => {
    const path = await workspace(VSCODE_CONFIG, { '.env': '' })
    const { prompt } = prompter({ 'api-key': SECRET, region: 'mars' })
    const error = await configError(loadConfig(path, { env: {}, promptInput: prompt }))
    expect(error.problems).toEqual(['inputs.region: "mars" is not one of "eu", "us"'])
  })

  it('passes on the rejection of the prompt (the user cancelled) and starts nothing', async () => {
    const path = await workspace(VSCODE_CONFIG, { '.env': '' })
    await expect(loadConfig(path, { env: {}, promptInput: () => Promise.reject(new Error('cancelled by the user')) })).rejects.toThrow('cancelled by the user')
  })

  it('refuses a password input in an HTTP server’s url (the token store keeps it) before asking for it', async () => {
    const path = await workspace({ inputs: [{ type: 'promptString', id: 'key', password: true }], servers: { r: { url: 'https://x.example.com/mcp?key=${input:key}' } } })
    const { prompt, asked } = prompter({ key: SECRET })
    const error = await configError(loadConfig(path, { env: {}, promptInput: prompt }))
    expect(asked).toEqual([])
    expect(error.problems).toEqual(['servers.r: a password input cannot be part of "url", where it would be stored and shown; send it in "headers"'])
  })

  it('never puts a password input’s value in an error, even where the field’s value is echoed', () => {
    const config = {
      inputs: [{ type: 'promptString', id: 'key', password: true }],
      servers: {
        // The secret is not a URL: the problem shows the field as written.
        remote: { url: '${input:key}' },
        oauth: { url: 'https://a.example.com/mcp', oauth: { clientId: 'c', clientMetadataUrl: 'http://${input:key}/' } },
      },
    }
    let error: ConfigError | undefined
    try {
      parseConfig(config, { env: {}, inputs: { key: SECRET } })
    } catch (e) {
      error = e as ConfigError
    }
    expect(error?.problems).toEqual([
      'servers.remote.url: expected an http(s) URL, got "${input:key}"',
      'servers.remote: a password input cannot be part of "url", where it would be stored and shown; send it in "headers"',
      'servers.oauth.oauth.clientMetadataUrl: expected an https URL with a path, got "http://${input:key}/"',
    ])
    expect(error?.message).not.toContain(SECRET)
  })
})

describe('parseConfig with inputs given as values', () => {
  const config = {
    inputs: [{ type: 'promptString', id: 'token', password: true }],
    mcpServers: { gh: { command: 'gh-server', args: ['--token', '${input:token}'] } },
  }

  it('substitutes options.inputs', () => {
    expect(parseConfig(config, { env: {}, inputs: { token: SECRET } }).servers.gh).toMatchObject({ args: ['--token', SECRET] })
  })

  it('names the field of an input with no value, and of an undeclared one, by server', () => {
    expect(() => parseConfig(config, { env: {} })).toThrow('mcpServers.gh.args[1]: no value was given for ${input:token}')
    expect(() => parseConfig({ mcpServers: { gh: { url: 'https://x.example.com', headers: { A: '${input:a}' } } } }, { env: {} })).toThrow(
      'mcpServers.gh.headers.A: ${input:a} is not declared in "inputs"',
    )
  })

  it('validates the inputs section', () => {
    const problems = (() => {
      try {
        parseConfig(
          {
            inputs: [
              { type: 'command', id: 'pick', command: 'extension.pickThing' },
              { type: 'promptString', id: 'a' },
              { type: 'promptString', id: 'a' },
              { type: 'pickString', id: 'p', options: ['x'], default: 'y' },
              { type: 'pickString', id: 'q', options: [] },
              { type: 'promptString', id: 'b', password: 'yes' },
              { type: 'secret', id: 'c' },
            ],
            mcpServers: {},
          },
          { env: {} },
        )
      } catch (error) {
        return (error as ConfigError).problems
      }
      return []
    })()
    expect(problems).toEqual([
      'inputs[0].type: "command" inputs run a VS Code command and are not supported; use "promptString" or "pickString"',
      'inputs[2].id: "a" is declared twice',
      'inputs[3].default: "y" is not one of the options',
      'inputs[4].options: must not be empty',
      'inputs[5].password: expected true or false, got a string',
      'inputs[6].type: expected "promptString" or "pickString", got "secret"',
    ])
    expect(() => parseConfig({ inputs: {}, mcpServers: {} }, { env: {} })).toThrow('inputs: expected an array, got an object')
  })
})

describe('VS Code predefined variables and envFile', () => {
  it('takes the folder holding .vscode as ${workspaceFolder}, else the config file’s folder', () => {
    const servers = { mcpServers: { s: { command: '${workspaceFolder}/run', args: ['${workspaceFolderBasename}', '${userHome}', 'a${pathSeparator}b', 'c${/}d'], cwd: 'sub' } } }
    expect(parseConfig(servers, { source: '/work/app/.vscode/mcp.json', env: {}, home: '/home/me' }).servers.s).toEqual({
      transport: 'stdio',
      command: '/work/app/run',
      args: ['app', '/home/me', `a${sep}b`, `c${sep}d`],
      env: {},
      cwd: '/work/app/sub',
    })
    expect(parseConfig(servers, { source: '/etc/plugboard/mcp.json', env: {} }).servers.s).toMatchObject({ command: '/etc/plugboard/run', args: ['plugboard', homedir(), `a${sep}b`, `c${sep}d`], cwd: '/etc/plugboard/sub' })
    expect(parseConfig(servers, { source: '/etc/plugboard/mcp.json', env: {}, workspaceFolder: '/ws' }).servers.s).toMatchObject({ command: '/ws/run', cwd: '/ws/sub' })
  })

  it('reads envFile relative to the workspace folder, in dotenv format, without expanding it', async () => {
    await writeFile(join(dir, 'server.env'), 'export A=1\nB="two words"\nC=${HOME}\n')
    const config = parseConfig({ servers: { s: { command: 'x', envFile: 'server.env', env: { B: '${env:B_OVERRIDE}' } } } }, { source: join(dir, '.vscode/mcp.json'), env: { B_OVERRIDE: 'mine' } })
    expect(config.servers.s).toMatchObject({ env: { A: '1', B: 'mine', C: '${HOME}' } })
    expect(basename(dir)).not.toBe('.vscode')
  })

  it('rejects a missing envFile with its path', () => {
    expect(() => parseConfig({ servers: { s: { command: 'x', envFile: '${workspaceFolder}/.env.local' } } }, { source: join(dir, 'mcp.json'), env: {} })).toThrow(
      `servers.s.envFile: cannot read ${join(dir, '.env.local')}: no such file`,
    )
  })
})
