import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ConsentPolicy,
  ConsentStore,
  decideConsent,
  deniedResult,
  describeAnnotations,
  matchesToolGlob,
  type ConsentAnswer,
  type ConsentPrompt,
  type ConsentRequest,
} from '../src/index.js'

const call = (server: string, tool: string, annotations?: ConsentRequest['annotations']): ConsentRequest => ({ server, tool, arguments: { path: '/tmp/x' }, annotations })

describe('decideConsent', () => {
  it('asks when no rule covers the call', () => {
    expect(decideConsent({}, call('fs', 'write_file'))).toEqual({ decision: 'ask', reason: 'no rule covers this tool' })
  })

  it('allows what alwaysAllow matches and denies what deny matches', () => {
    const policy = { alwaysAllow: ['fs/read_*'], deny: ['github/delete_*'] }
    expect(decideConsent(policy, call('fs', 'read_file'))).toMatchObject({ decision: 'allow', reason: 'the policy always allows "fs/read_*"' })
    expect(decideConsent(policy, call('github', 'delete_repo'))).toMatchObject({ decision: 'deny', reason: 'the policy denies "github/delete_*"' })
    expect(decideConsent(policy, call('fs', 'write_file')).decision).toBe('ask')
  })

  it('lets deny win over alwaysAllow, remembered answers and read-only hints', () => {
    const policy = { deny: ['shell'], alwaysAllow: ['shell/*'], autoApproveReadOnly: true }
    expect(decideConsent(policy, call('shell', 'ls', { readOnlyHint: true }), () => true).decision).toBe('deny')
  })

  it('allows a tool the user allowed before', () => {
    const remembered = (server: string, tool: string) => server === 'fs' && tool === 'write_file'
    expect(decideConsent({}, call('fs', 'write_file'), remembered)).toMatchObject({ decision: 'allow', reason: 'the user allowed this tool before' })
    expect(decideConsent({}, call('fs', 'delete_file'), remembered).decision).toBe('ask')
  })

  it('auto-approves a read-only hint only when the user opted in', () => {
    const readOnly = call('fs', 'read_file', { readOnlyHint: true })
    expect(decideConsent({}, readOnly)).toEqual({ decision: 'ask', reason: 'read-only hints are not trusted (autoApproveReadOnly is off)' })
    expect(decideConsent({ autoApproveReadOnly: true }, readOnly).decision).toBe('allow')
    expect(decideConsent({ autoApproveReadOnly: true }, call('fs', 'write_file', { readOnlyHint: false })).decision).toBe('ask')
    expect(decideConsent({ autoApproveReadOnly: true }, call('fs', 'write_file')).decision).toBe('ask')
  })
})

describe('matchesToolGlob', () => {
  it.each([
    ['github/*', 'github', 'create_issue', true],
    ['github/*', 'gitlab', 'create_issue', false],
    ['*/delete_*', 'any', 'delete_file', true],
    ['*/delete_*', 'any', 'undelete_file', false],
    ['github', 'github', 'anything', true],
    ['git*', 'github', 'x', true],
    ['fs/read_?', 'fs', 'read_1', true],
    ['fs/read_?', 'fs', 'read_10', false],
    ['fs/read.file', 'fs', 'read_file', false],
    ['fs/read.file', 'fs', 'read.file', true],
    ['FS/*', 'fs', 'x', false],
  ])('%s against %s/%s is %s', (glob, server, tool, expected) => {
    expect(matchesToolGlob(glob, server, tool)).toBe(expected)
  })
})

describe('describeAnnotations', () => {
  it('labels each hint as the server’s unverified claim', () => {
    const description = describeAnnotations({ readOnlyHint: true, openWorldHint: false, title: 'Read' }, 'fs')
    expect(description.verified).toBe(false)
    expect(description.hints).toEqual([
      { hint: 'readOnlyHint', value: true, text: 'read-only: does not modify its environment' },
      { hint: 'openWorldHint', value: false, text: 'works within a closed set of data' },
    ])
    expect(description.summary).toBe(
      'Server "fs" says: read-only: does not modify its environment; works within a closed set of data. These are the server\'s claims, not checked.',
    )
  })

  it('says so when there are no hints, rather than assuming the spec’s defaults', () => {
    expect(describeAnnotations(undefined)).toEqual({ verified: false, summary: 'The server gives no hints about this tool.', hints: [] })
  })
})

describe('deniedResult', () => {
  it('is an isError result telling the model the call did not run', () => {
    expect(deniedResult({ server: 'fs', tool: 'rm' }, 'the policy denies "fs/rm"')).toEqual({
      content: [{ type: 'text', text: 'The call to tool "rm" of server "fs" was not run: the policy denies "fs/rm". Do not retry it unless the user asks.' }],
      isError: true,
    })
  })
})

describe('ConsentPolicy', () => {
  let dir: string
  let storePath: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plugboard-consent-'))
    storePath = join(dir, 'consent.json')
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const asking = (answer: ConsentAnswer | (() => never)) => vi.fn(async (_prompt: ConsentPrompt) => (typeof answer === 'function' ? answer() : answer))

  it('asks the user with the call, the reason and the labelled hints, and allows once', async () => {
    const ask = asking('once')
    const consent = new ConsentPolicy({ ask })
    const request = call('fs', 'write_file', { destructiveHint: true })
    expect(await consent.authorize(request)).toEqual({ allowed: true, reason: 'the user allowed this call' })
    expect(ask).toHaveBeenCalledWith({ ...request, reason: 'no rule covers this tool', hints: describeAnnotations({ destructiveHint: true }, 'fs') })
    // "once" is not remembered.
    expect(consent.check(request).decision).toBe('ask')
  })

  it('turns a refusal into the isError result for the model, without throwing', async () => {
    const outcome = await new ConsentPolicy({ ask: asking('deny') }).authorize(call('fs', 'rm'))
    expect(outcome).toEqual({ allowed: false, reason: 'the user declined', result: deniedResult({ server: 'fs', tool: 'rm' }, 'the user declined') })
  })

  it('denies without asking what the policy denies, and denies when no one can be asked', async () => {
    const ask = asking('once')
    const denied = await new ConsentPolicy({ policy: { deny: ['fs/rm'] }, ask }).authorize(call('fs', 'rm'))
    expect(denied).toMatchObject({ allowed: false, result: { isError: true } })
    expect(ask).not.toHaveBeenCalled()
    expect(await new ConsentPolicy().authorize(call('fs', 'rm'))).toMatchObject({ allowed: false, reason: 'no one is there to ask for consent' })
  })

  it('denies when the consent prompt itself fails', async () => {
    const outcome = await new ConsentPolicy({ ask: asking(() => { throw new Error('terminal closed') }) }).authorize(call('fs', 'rm'))
    expect(outcome).toMatchObject({ allowed: false, reason: 'asking for consent failed: terminal closed' })
  })

  it('remembers "always" per config file, across restarts, and not for other configs', async () => {
    const configPath = join(dir, 'project/mcp.json')
    const store = await ConsentStore.open({ configPath, path: storePath })
    const ask = asking('always')
    const consent = new ConsentPolicy({ store, ask })
    expect(await consent.authorize(call('fs', 'write_file'))).toMatchObject({ allowed: true, reason: 'the user allowed this tool from now on' })
    expect(await consent.authorize(call('fs', 'write_file'))).toMatchObject({ allowed: true, reason: 'the user allowed this tool before' })
    expect(ask).toHaveBeenCalledTimes(1)

    const file = JSON.parse(await readFile(storePath, 'utf8'))
    expect(Object.values(file.configs)).toEqual([{ config: configPath, allowed: [{ server: 'fs', tool: 'write_file' }] }])

    const reopened = new ConsentPolicy({ store: await ConsentStore.open({ configPath, path: storePath }) })
    expect(reopened.check(call('fs', 'write_file')).decision).toBe('allow')
    const other = new ConsentPolicy({ store: await ConsentStore.open({ configPath: join(dir, 'other/mcp.json'), path: storePath }) })
    expect(other.check(call('fs', 'write_file')).decision).toBe('ask')
  })

  it('keeps what another host wrote meanwhile, and forgets on request', async () => {
    const configPath = join(dir, 'mcp.json')
    const one = new ConsentPolicy({ store: await ConsentStore.open({ configPath, path: storePath }) })
    const two = new ConsentPolicy({ store: await ConsentStore.open({ configPath, path: storePath }) })
    await one.remember({ server: 'a', tool: 'x' })
    await two.remember({ server: 'b', tool: 'y' })
    const store = await ConsentStore.open({ configPath, path: storePath })
    expect(store.allowed).toEqual([
      { server: 'a', tool: 'x' },
      { server: 'b', tool: 'y' },
    ])
    await one.forget({ server: 'a', tool: 'x' })
    expect(one.check(call('a', 'x')).decision).toBe('ask')
    expect((await ConsentStore.open({ configPath, path: storePath })).allowed).toEqual([{ server: 'b', tool: 'y' }])
  })

  it('still allows an "always" answer whose store cannot be written, reporting the error', async () => {
    await writeFile(join(dir, 'blocker'), '')
    const errors: Error[] = []
    const store = await ConsentStore.open({ configPath: join(dir, 'mcp.json'), path: join(dir, 'blocker/consent.json') })
    const consent = new ConsentPolicy({ store, ask: asking('always'), onerror: (e) => errors.push(e) })
    expect(await consent.authorize(call('fs', 'w'))).toMatchObject({ allowed: true })
    expect(consent.check(call('fs', 'w')).decision).toBe('allow')
    expect(errors).toHaveLength(1)
  })

  it('opens a corrupt store as empty and reports it', async () => {
    await writeFile(storePath, 'not json')
    const errors: Error[] = []
    const store = await ConsentStore.open({ configPath: join(dir, 'mcp.json'), path: storePath, onerror: (e) => errors.push(e) })
    expect(store.allowed).toEqual([])
    expect(errors).toHaveLength(1)
  })

  it('defaults the store to the XDG config folder', () => {
    expect(ConsentStore.defaultPath({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/plugboard/consent.json')
  })
})
