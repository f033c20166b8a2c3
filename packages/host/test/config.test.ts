import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, defaultConfigPaths, loadConfig, parseConfig, resolveConfigPath } from '../src/index.js'

/** The problems a config is rejected with. */
function problemsOf(json: unknown, env: Record<string, string | undefined> = {}): string[] {
  try {
    parseConfig(json, { source: 'test.json', env })
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems
  }
  throw new Error('the config was accepted')
}

describe('parseConfig accepts the dialects hosts use', () => {
  it("reads Claude Desktop's mcpServers of stdio servers", () => {
    const config = parseConfig(
      {
        mcpServers: {
          filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
          github: { command: 'docker', args: ['run', '-i', 'ghcr.io/github/github-mcp-server'], env: { GITHUB_TOKEN: 'x' } },
        },
      },
      { source: 'claude_desktop_config.json', env: {} },
    )
    expect(config.servers.filesystem).toEqual({ transport: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'], env: {} })
    expect(config.servers.github).toMatchObject({ transport: 'stdio', env: { GITHUB_TOKEN: 'x' } })
    expect(Object.keys(config.servers)).toEqual(['filesystem', 'github'])
    expect(config).toMatchObject({ source: 'claude_desktop_config.json', roots: [], policy: {} })
  })

  it("reads Cursor's url servers (no type: Streamable HTTP with SSE fallback) and headers with ${env:VAR}", () => {
    const config = parseConfig(
      {
        mcpServers: {
          remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${env:API_TOKEN}' } },
          legacy: { url: 'http://localhost:3001/sse', type: 'sse' },
          modern: { url: 'http://localhost:3002/mcp', type: 'streamable-http' },
        },
      },
      { env: { API_TOKEN: 's3cret' } },
    )
    expect(config.servers.remote).toEqual({ transport: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer s3cret' } })
    expect(config.servers.legacy).toEqual({ transport: 'sse', url: 'http://localhost:3001/sse', headers: {} })
    expect(config.servers.modern).toMatchObject({ transport: 'streamable-http' })
  })

  it("reads VS Code's mcp.json: top-level servers, explicit types, comments and trailing commas", () => {
    const text = `{
      // VS Code prompts for these; we ignore the section
      "inputs": [{ "type": "promptString", "id": "token" }],
      "servers": {
        /* a local one */
        "local": { "type": "stdio", "command": "node", "args": ["server.js", "--url=http://x//y"], },
        "remote": { "type": "http", "url": "https://api.example.com/mcp" },
      },
    }`
    const config = parseConfig(text, { source: '.vscode/mcp.json', env: {}, baseDir: '/work' })
    expect(config.servers.local).toEqual({ transport: 'stdio', command: 'node', args: ['server.js', '--url=http://x//y'], env: {} })
    expect(config.servers.remote).toEqual({ transport: 'http', url: 'https://api.example.com/mcp', headers: {} })
  })

  it('reads our own sections: roots, policy, and models passed through untouched', () => {
    const models = { default: 'sonnet', providers: { anthropic: { apiKey: '${ANTHROPIC_API_KEY}' } } }
    const config = parseConfig(
      {
        mcpServers: {},
        roots: [{ uri: 'file:///home/me/project', name: 'project' }],
        policy: { deny: ['*/delete_*'], alwaysAllow: ['fs/read_file'], autoApproveReadOnly: true },
        models,
      },
      { env: {} },
    )
    expect(config.roots).toEqual([{ uri: 'file:///home/me/project', name: 'project' }])
    expect(config.policy).toEqual({ deny: ['*/delete_*'], alwaysAllow: ['fs/read_file'], autoApproveReadOnly: true })
    expect(config.models).toEqual(models)
  })

  it('leaves out servers marked "disabled": true, and keeps keys other clients add', () => {
    const config = parseConfig({ mcpServers: { off: { command: 'x', disabled: true }, on: { command: 'y', autoApprove: ['t'] } } }, { env: {} })
    expect(Object.keys(config.servers)).toEqual(['on'])
  })

  it('takes a server called "constructor" or "__proto__" as any other name', () => {
    const config = parseConfig('{ "mcpServers": { "constructor": { "command": "a" }, "__proto__": { "command": "b" } } }', { env: {} })
    expect(Object.keys(config.servers)).toEqual(['constructor', '__proto__'])
    expect(config.servers.__proto__).toMatchObject({ command: 'b' })
  })

  it('resolves a relative cwd against the config file’s folder', () => {
    const config = parseConfig({ mcpServers: { s: { command: 'node', cwd: 'servers/s' } } }, { source: '/etc/plugboard/mcp.json', env: {} })
    expect(config.servers.s).toMatchObject({ cwd: '/etc/plugboard/servers/s' })
  })
})

describe('parseConfig names every problem', () => {
  it('rejects malformed JSON with the line and column', () => {
    const problems = problemsOf('{\n  "mcpServers": {\n    "a": { "command" "x" }\n  }\n}')
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^malformed JSON at line 3, column \d+: Expected ':'/)
  })

  it('rejects malformed JSON without a position too', () => {
    expect(problemsOf('')[0]).toMatch(/^malformed JSON: Unexpected end of JSON input/)
  })

  it('collects every bad field of every server into one ConfigError', () => {
    const problems = problemsOf({
      mcpServers: {
        github: { command: 42, args: ['ok', 7], env: { TOKEN: true } },
        web: { url: 'ftp://example.com' },
        typo: { type: 'websocket', url: 'ws://x' },
        both: { command: 'a', url: 'http://b' },
        neither: { args: [] },
        empty: { command: '' },
        notObject: 'npx server',
        sse: { type: 'sse', command: 'node' },
      },
      roots: [{ uri: '/home/me' }],
      policy: { deny: 'everything', alwaysalow: [] },
    })
    expect(problems).toEqual(
      expect.arrayContaining([
        'mcpServers.github.command: expected a string, got a number',
        'mcpServers.github.args[1]: expected a string, got a number',
        'mcpServers.github.env.TOKEN: expected a string, got a boolean',
        'mcpServers.web.url: expected an http(s) URL, got "ftp://example.com"',
        'mcpServers.typo.type: expected one of "stdio", "http", "streamable-http", "sse", got "websocket"',
        'mcpServers.both: has both "command" and "url"; a server is either stdio (command) or HTTP (url)',
        'mcpServers.neither: expected "command" (a stdio server) or "url" (an HTTP server)',
        'mcpServers.empty.command: must not be empty',
        'mcpServers.notObject: expected an object with "command" (stdio) or "url" (HTTP)',
        'mcpServers.sse.url: required: expected a string',
        'roots[0].uri: expected a file:// URI, got "/home/me"',
        'policy.deny: expected an array, got a string',
        'policy: unknown key "alwaysalow"',
      ]),
    )
    expect(problems).toHaveLength(13)
  })

  it('puts every problem in the error message, with the config named', () => {
    try {
      parseConfig({ mcpServers: { a: { command: 1 } } }, 'my.json')
      expect.unreachable()
    } catch (error) {
      expect((error as Error).message).toBe('Invalid MCP config my.json:\n  - mcpServers.a.command: expected a string, got a number')
    }
  })

  it('requires mcpServers (or servers), and rejects a non-object', () => {
    expect(problemsOf({ roots: [] })).toEqual(['mcpServers: required: expected an object of servers by name'])
    expect(problemsOf([])).toEqual(['expected a JSON object with an "mcpServers" object'])
    expect(problemsOf({ mcpServers: [] })).toEqual(['mcpServers: expected an object, got an array'])
  })

  it('rejects a name defined both under mcpServers and servers', () => {
    expect(problemsOf({ mcpServers: { a: { command: 'x' } }, servers: { a: { command: 'y' } } })).toEqual(['servers.a: "a" is also defined under mcpServers'])
  })

  it('quotes server names that are not plain words', () => {
    expect(problemsOf({ mcpServers: { 'my server.v2': { command: null } } })).toEqual(['mcpServers["my server.v2"].command: expected a string, got null'])
  })
})

describe('environment variables', () => {
  it('expands ${VAR}, ${env:VAR} and ${VAR:-default} in command, args, env, headers, url, cwd and roots', () => {
    const env = { HOME: '/home/me', TOKEN: 't0k', HOST: 'mcp.example.com', EMPTY: '' }
    const config = parseConfig(
      {
        mcpServers: {
          local: { command: '${HOME}/bin/server', args: ['--token=${env:TOKEN}', '${MISSING:-fallback}', '${EMPTY:-used}'], env: { KEY: '${TOKEN}' }, cwd: '${HOME}/work' },
          remote: { url: 'https://${HOST}/mcp', headers: { 'X-Key': '${TOKEN}' } },
        },
        roots: [{ uri: 'file://${HOME}/project' }],
      },
      { env },
    )
    expect(config.servers.local).toEqual({
      transport: 'stdio',
      command: '/home/me/bin/server',
      args: ['--token=t0k', 'fallback', 'used'],
      env: { KEY: 't0k' },
      cwd: '/home/me/work',
    })
    expect(config.servers.remote).toEqual({ transport: 'http', url: 'https://mcp.example.com/mcp', headers: { 'X-Key': 't0k' } })
    expect(config.roots).toEqual([{ uri: 'file:///home/me/project' }])
  })

  it('reports an unset variable and an unsupported one by field, and leaves text without ${…} alone', () => {
    const problems = problemsOf(
      { mcpServers: { gh: { command: 'x', args: ['$HOME', '${command:pickFile}'], env: { GITHUB_TOKEN: '${GITHUB_TOKEN}' } } } },
      { HOME: '/home/me' },
    )
    expect(problems).toEqual([
      'mcpServers.gh.args[1]: unsupported variable ${command:pickFile}; use ${VAR}, ${env:VAR}, ${VAR:-default}, ${input:id}, ${workspaceFolder} or ${userHome}',
      'mcpServers.gh.env.GITHUB_TOKEN: ${GITHUB_TOKEN} is not set in the environment',
    ])
  })
})

describe('config files', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plugboard-config-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('loadConfig reads a file, names it as the source and resolves cwd beside it', async () => {
    const path = join(dir, 'mcp.json')
    await writeFile(path, JSON.stringify({ mcpServers: { s: { command: 'node', cwd: '.' } } }))
    const config = await loadConfig(path)
    expect(config.source).toBe(path)
    expect(config.servers.s).toMatchObject({ cwd: dir })
  })

  it('loadConfig rejects a missing file with a ConfigError naming it', async () => {
    const path = join(dir, 'nope.json')
    await expect(loadConfig(path)).rejects.toThrow(ConfigError)
    await expect(loadConfig(path)).rejects.toThrow(/nope\.json:\n {2}- cannot read the file: ENOENT/)
  })

  it('looks for ./mcp.json, then the XDG config folder, and takes an explicit path first', async () => {
    const home = join(dir, 'home')
    expect(defaultConfigPaths({ cwd: '/project', home, env: {} })).toEqual(['/project/mcp.json', join(home, '.config/plugboard/mcp.json')])
    expect(defaultConfigPaths({ cwd: '/project', home, env: { XDG_CONFIG_HOME: '/xdg' } })[1]).toBe('/xdg/plugboard/mcp.json')

    const options = { cwd: join(dir, 'project'), home, env: {} }
    await mkdir(options.cwd, { recursive: true })
    expect(resolveConfigPath(undefined, options)).toBeUndefined()
    await mkdir(join(home, '.config/plugboard'), { recursive: true })
    await writeFile(join(home, '.config/plugboard/mcp.json'), '{}')
    expect(resolveConfigPath(undefined, options)).toBe(join(home, '.config/plugboard/mcp.json'))
    await writeFile(join(options.cwd, 'mcp.json'), '{}')
    expect(resolveConfigPath(undefined, options)).toBe(join(options.cwd, 'mcp.json'))
    expect(resolveConfigPath('other.json', options)).toBe(join(options.cwd, 'other.json'))
  })
})

describe('the oauth setting of HTTP servers', () => {
  it('reads "oauth": false and true, and the Claude Code object (clientId, callbackPort, scopes) with ${VAR} in the secret', () => {
    const config = parseConfig(
      {
        mcpServers: {
          off: { url: 'https://a.example.com/mcp', oauth: false },
          on: { url: 'https://b.example.com/mcp', oauth: true },
          slack: { type: 'http', url: 'https://mcp.slack.com/mcp', oauth: { clientId: '1601.8899', callbackPort: 3118, clientSecret: '${SLACK_SECRET}', scopes: ['search:read', 'chat:write'] } },
          cimd: { url: 'https://c.example.com/mcp', oauth: { clientMetadataUrl: 'https://host.example.com/client.json', clientName: 'My host', scope: 'mcp' } },
          plain: { url: 'https://d.example.com/mcp' },
        },
      },
      { env: { SLACK_SECRET: 'sh' } },
    )
    expect(config.servers.off).toEqual({ transport: 'http', url: 'https://a.example.com/mcp', headers: {}, oauth: false })
    expect(config.servers.on).toMatchObject({ oauth: {} })
    expect(config.servers.slack).toMatchObject({ oauth: { clientId: '1601.8899', callbackPort: 3118, clientSecret: 'sh', scope: 'search:read chat:write' } })
    expect(config.servers.cimd).toMatchObject({ oauth: { clientMetadataUrl: 'https://host.example.com/client.json', clientName: 'My host', scope: 'mcp' } })
    // Unset: the manager decides (OAuth unless headers carry an Authorization header).
    expect(config.servers.plain).not.toHaveProperty('oauth')
  })

  it('names every bad oauth field, and never echoes the secret', () => {
    const problems = problemsOf({
      mcpServers: {
        word: { url: 'https://a.example.com/mcp', oauth: 'yes' },
        typo: { url: 'https://b.example.com/mcp', oauth: { clientID: 'x' } },
        port: { url: 'https://c.example.com/mcp', oauth: { clientId: 'x', callbackPort: 'x' } },
        secret: { url: 'https://d.example.com/mcp', oauth: { clientSecret: 'hunter2' } },
        cimd: { url: 'https://e.example.com/mcp', oauth: { clientMetadataUrl: 'http://host.example.com/client.json' } },
        both: { url: 'https://f.example.com/mcp', oauth: { scope: 'a', scopes: 'b' } },
        unset: { url: 'https://g.example.com/mcp', oauth: { clientId: 'x', clientSecret: '${NOPE}' } },
      },
    })
    expect(problems).toEqual([
      'mcpServers.word.oauth: expected true, false or an object, got a string',
      'mcpServers.typo.oauth: unknown key "clientID"',
      'mcpServers.port.oauth.callbackPort: expected a number, got a string',
      'mcpServers.secret.oauth.clientSecret: a client secret needs its "clientId"',
      'mcpServers.cimd.oauth.clientMetadataUrl: expected an https URL with a path, got "http://host.example.com/client.json"',
      'mcpServers.both.oauth: has both "scope" and "scopes"; give one',
      'mcpServers.unset.oauth.clientSecret: ${NOPE} is not set in the environment',
    ])
    expect(problems.join('\n')).not.toContain('hunter2')
  })
})
